"""Every WebSocket route of the site, gathered from the apps."""

from core.routing import websocket_urlpatterns as core_routes
from mlcore.routing import websocket_urlpatterns as ml_routes
from quizapp.routing import token_websocket_urlpatterns as token_routes
from quizapp.routing import websocket_urlpatterns as quiz_routes

websocket_urlpatterns = [*core_routes, *quiz_routes, *ml_routes]
#: The routes whose sockets authenticate by a token, not the session (core/socket_routing.py).
token_websocket_urlpatterns = [*token_routes]
