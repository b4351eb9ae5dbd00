from django.urls import path

from mlcore import views

app_name = "mlcore"

urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("datasets/csv", views.dataset_upload_csv, name="dataset_upload_csv"),
    path("datasets/zip", views.dataset_upload_zip, name="dataset_upload_zip"),
    path("datasets/images", views.dataset_new_images, name="dataset_new_images"),
    path("datasets/builtin", views.dataset_builtin, name="dataset_builtin"),
    path("datasets/builtin/<slug:which>/", views.dataset_builtin_own, name="dataset_builtin_own"),
    path("datasets/<int:dataset_id>/", views.dataset_detail, name="dataset"),
    path("datasets/<int:dataset_id>/configure", views.dataset_configure, name="dataset_configure"),
    path("datasets/<int:dataset_id>/images", views.dataset_add_images, name="dataset_add_images"),
    path("datasets/<int:dataset_id>/train", views.train, name="train"),
    path("datasets/<int:dataset_id>/delete", views.dataset_delete, name="dataset_delete"),
    path("datasets/<int:dataset_id>/learning-curve", views.learning_curve_start, name="learning_curve_start"),
    path("learning-curves/<int:job_id>/cancel", views.learning_curve_cancel, name="learning_curve_cancel"),
    path("images/<int:image_id>", views.dataset_image, name="dataset_image"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/cancel", views.job_cancel, name="job_cancel"),
    path("models/", views.model_list, name="model_list"),
    path("models/<int:model_id>/", views.model_detail, name="model"),
    path("models/<int:model_id>/download", views.model_download, name="model_download"),
    path("models/<int:model_id>/export", views.model_export, name="model_export"),
    path("models/<int:model_id>/delete", views.model_delete, name="model_delete"),
    path("models/<int:model_id>/classify", views.classify, name="classify"),
    path("classifications/<int:job_id>/", views.classification_detail, name="classification"),
    path("classifications/<int:job_id>/results.csv", views.classification_csv_download, name="classification_csv"),
    path("classified/<int:image_id>", views.classification_image, name="classification_image"),
]
