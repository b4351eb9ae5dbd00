"""The WebSocket path: origin check, auth middleware, the channel layer, the protocol envelope."""

import json

import pytest
from channels.testing.websocket import WebsocketCommunicator

from config.asgi import application

ORIGIN = (b"origin", b"http://localhost")


async def connect(path: str = "/ws/ping/", origin: tuple[bytes, bytes] = ORIGIN) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=[origin, (b"host", b"localhost")])
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def round_trip() -> None:
    communicator = await connect()
    try:
        hello = await communicator.receive_json_from(timeout=5)
        assert hello == {"v": 1, "type": "hello", "user": None}
        await communicator.send_json_to({"type": "ping", "id": 7})
        assert await communicator.receive_json_from(timeout=5) == {"v": 1, "type": "pong", "id": 7}
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_round_trip_on_the_redis_channel_layer(redis_channel_layer):
    await round_trip()


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
async def test_round_trip_on_the_in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    await round_trip()


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/ping/", headers=[(b"origin", b"https://evil.example"), (b"host", b"localhost")]
    )
    connected, _ = await communicator.connect(timeout=5)
    assert not connected
    await communicator.disconnect()


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed_json"),
        ("[1, 2]", "missing_type"),
        ('{"type": 5}', "missing_type"),
        ('{"type": "launch_missiles"}', "unknown_type"),
        ("[" * 100000, "frame_too_large"),
    ],
)
async def test_malformed_frames_get_a_clear_error(frame, code):
    communicator = await connect()
    try:
        await communicator.receive_json_from(timeout=5)  # hello
        await communicator.send_to(text_data=frame)
        reply = await communicator.receive_json_from(timeout=5)
        assert reply["type"] == "error"
        assert reply["code"] == code
        assert reply["message"]
        # The socket stays usable after a bad frame.
        await communicator.send_to(text_data=json.dumps({"type": "ping", "id": "after"}))
        assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    finally:
        await communicator.disconnect()


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_round_trip_over_a_real_socket(live_server_asgi):
    """Through uvicorn and a real client: what a browser does."""
    from websockets.sync.client import connect as ws_connect

    url = live_server_asgi.url.replace("http", "ws") + "/ws/ping/"
    with ws_connect(url, origin="http://127.0.0.1", open_timeout=5) as socket:
        assert json.loads(socket.recv(timeout=5))["type"] == "hello"
        socket.send(json.dumps({"type": "ping", "id": 1}))
        assert json.loads(socket.recv(timeout=5)) == {"v": 1, "type": "pong", "id": 1}
