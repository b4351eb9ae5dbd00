from django.urls import path

from quizapp.live.consumers import HostConsumer, StudentConsumer

#: Sockets that prove who they are with a token of their own (a student's join token): they get the
#: cookies but not the session and user lookups (core/socket_routing.py).
token_websocket_urlpatterns = [path("ws/rooms/<str:code>/play/", StudentConsumer.as_asgi())]

websocket_urlpatterns = [
    *token_websocket_urlpatterns,
    path("ws/rooms/<str:code>/host/", HostConsumer.as_asgi()),
]
