from django.urls import path

from quizapp.live import views

app_name = "quizapp"

urlpatterns = [
    path("join", views.join, name="join"),
    path("r/<str:code>/", views.play, name="play"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/new", views.room_new, name="room_new"),
    path("rooms/<str:code>/launch", views.room_launch, name="launch"),
    path("rooms/<str:code>/quick", views.room_quick_question, name="quick"),
    path("rooms/<str:code>/exit-ticket", views.room_exit_ticket, name="exit_ticket"),
    path("rooms/<str:code>/console/", views.console, name="console"),
    path("rooms/<str:code>/projector/", views.projector, name="projector"),
    path("sessions/<int:session_id>/", views.session_results, name="session_results"),
]
