from django.urls import path

from mlcore.consumers import ClassificationProgressConsumer, JobProgressConsumer, LearningCurveProgressConsumer

websocket_urlpatterns = [
    path("ws/jobs/<int:job_id>/", JobProgressConsumer.as_asgi()),
    path("ws/classifications/<int:job_id>/", ClassificationProgressConsumer.as_asgi()),
    path("ws/learning-curves/<int:job_id>/", LearningCurveProgressConsumer.as_asgi()),
]
