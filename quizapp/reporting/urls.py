"""Session reports and downloads; mounted at ``/sessions/``."""

from django.urls import path

from quizapp.reporting import views as report_views

app_name = "reports"

urlpatterns = [
    path("<int:session_id>/report/", report_views.session_report_page, name="session_report"),
    path("<int:session_id>/export.csv", report_views.session_export_csv, name="export_csv"),
    path("<int:session_id>/export.xlsx", report_views.session_export_xlsx, name="export_xlsx"),
    path("<int:session_id>/drawings/<int:drawing_id>.png", report_views.drawing_image, name="drawing_image"),
]
