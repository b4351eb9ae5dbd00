"""Student sockets (a join token) skip the session and user middleware; every other socket keeps them."""

import pytest

from config.routing import token_websocket_urlpatterns
from core.socket_routing import TokenSocketsFirst

pytestmark = pytest.mark.embedded


class Recorder:
    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        self.paths.append(scope["path"])


@pytest.mark.parametrize(
    ("path", "by_token"),
    [
        ("/ws/rooms/MODULABS/play/", True),
        ("/ws/rooms/모두의연구소/play/", True),
        ("/ws/rooms/MODULABS/host/", False),
        ("/ws/rooms/MODULABS/play/extra/", False),
        ("/ws/ping/", False),
        ("/ws/ml/jobs/1/", False),
    ],
)
async def test_only_the_phones_sockets_go_without_the_session(path, by_token):
    token, session = Recorder(), Recorder()
    router = TokenSocketsFirst(token_routes=token_websocket_urlpatterns, token_app=token, session_app=session)
    await router({"type": "websocket", "path": path}, None, None)
    assert (token.paths, session.paths) == (([path], []) if by_token else ([], [path]))


async def test_the_application_sends_students_past_the_session_middleware():
    from config import asgi

    router = asgi.application.application_mapping["websocket"].application
    assert isinstance(router, TokenSocketsFirst)
    assert type(router.token_app).__name__ == "CookieMiddleware"
