from django.urls import path

from quizapp.live.consumers import HostConsumer, StudentConsumer

websocket_urlpatterns = [
    path("ws/rooms/<str:code>/play/", StudentConsumer.as_asgi()),
    path("ws/rooms/<str:code>/host/", HostConsumer.as_asgi()),
]
