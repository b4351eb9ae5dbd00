"""ASGI entry point: HTTP goes to Django (the views marked ``whole_in_worker_thread``, joining a
room, to its WSGI handler in a worker thread: core/pooled_http.py), WebSockets through origin and
auth checks to the consumers each app lists in its ``routing.py``."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402

from config.routing import token_websocket_urlpatterns, websocket_urlpatterns  # noqa: E402
from core.pooled_http import PooledHttpHandler, PooledHttpRouter  # noqa: E402
from core.socket_routing import TokenSocketsFirst  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": PooledHttpRouter(django_asgi_app, PooledHttpHandler()),
        "websocket": AllowedHostsOriginValidator(
            TokenSocketsFirst(
                token_routes=token_websocket_urlpatterns,
                token_app=CookieMiddleware(URLRouter(token_websocket_urlpatterns)),
                session_app=AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
            )
        ),
    }
)

# Last: everything the app imported is in place, and frozen out of the collector's scans.
from core.collector import tune_for_a_room  # noqa: E402

tune_for_a_room()
