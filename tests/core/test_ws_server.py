"""core.ws_server's protocol offers a whole text message to the socket's lane before queueing it."""

import asyncio
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.client import ClientProtocol
from websockets.uri import parse_uri

from core import ws_server


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.paused = False
        self.closing = False

    def write(self, data: Any) -> None:
        self.written += data

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 5555)}.get(name, default)


class AcceptOnly:
    """An ASGI app that accepts and then reads nothing (the test reads the connection's queue)."""

    def __init__(self) -> None:
        self.done = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await self.done.wait()


@pytest.fixture
async def app():
    accept_only = AcceptOnly()
    yield accept_only
    accept_only.done.set()
    await asyncio.sleep(0)


async def _open(app, lane=None) -> tuple[ws_server.LaneProtocol, ClientProtocol, FakeTransport]:
    config = Config(app, ws=ws_server.PROTOCOL_PATH, ws_per_message_deflate=False, lifespan="off", log_level="warning")
    config.load()
    protocol = ws_server.LaneProtocol(config, ServerState(), {})
    transport = FakeTransport()
    protocol.connection_made(transport)
    client = ClientProtocol(parse_uri("ws://127.0.0.1:8000/ws/"))
    client.send_request(client.connect())
    protocol.data_received(b"".join(client.data_to_send()))
    for _ in range(5):
        await asyncio.sleep(0)
    assert protocol.handshake_complete
    assert protocol.queue.empty()  # websocket.connect, taken by the app
    client.receive_data(bytes(transport.written))  # the 101: the client is open
    client.events_received()
    transport.written.clear()
    if lane is not None:
        assert ws_server.open_lane(protocol.send, lane)
    return protocol, client, transport


def _frames(client: ClientProtocol, *texts: str) -> bytes:
    for text in texts:
        client.send_text(text.encode())
    return b"".join(client.data_to_send())


async def test_a_message_the_lane_takes_is_not_queued_and_reading_goes_on(app):
    taken: list[str] = []
    protocol, client, transport = await _open(app, lambda text: taken.append(text) or True)
    protocol.data_received(_frames(client, '{"type":"answer"}', '{"type":"answer","n":2}'))
    assert taken == ['{"type":"answer"}', '{"type":"answer","n":2}']
    assert protocol.queue.empty()
    assert not transport.paused


async def test_a_declined_message_takes_the_asgi_path_and_the_next_waits_behind_it(app):
    offered: list[str] = []
    protocol, client, transport = await _open(app, lambda text: offered.append(text) or False)
    protocol.data_received(_frames(client, "first", "second"))
    assert offered == ["first"], "the second message is behind a queued one: not offered"
    assert protocol.queue.get_nowait() == {"type": "websocket.receive", "text": "first"}
    assert protocol.queue.get_nowait() == {"type": "websocket.receive", "text": "second"}
    assert transport.paused


async def test_without_a_lane_binary_fragmented_or_after_a_close_every_message_is_queued(app):
    offered: list[str] = []
    protocol, client, _transport = await _open(app, lambda text: offered.append(text) or True)
    client.send_binary(b"\x01\x02")
    client.send_text(b"part one ", fin=False)
    client.send_continuation(b"and two", fin=True)
    protocol.data_received(b"".join(client.data_to_send()))
    assert offered == []
    assert protocol.queue.get_nowait() == {"type": "websocket.receive", "bytes": b"\x01\x02"}
    assert protocol.queue.get_nowait() == {"type": "websocket.receive", "text": "part one and two"}

    ws_server.close_lane(protocol.send)
    assert protocol.lane is None
    protocol.data_received(_frames(client, "no lane"))
    assert protocol.queue.get_nowait() == {"type": "websocket.receive", "text": "no lane"}


async def test_a_message_that_is_not_utf8_is_left_to_uvicorn_which_closes_the_connection(app):
    offered: list[str] = []
    protocol, _client, transport = await _open(app, lambda text: offered.append(text) or True)
    # A text frame with invalid UTF-8, built by hand (the client library refuses to send one).
    payload = b"\xff\xfe"
    mask = b"\x00\x00\x00\x00"
    protocol.data_received(bytes((0x81, 0x80 | len(payload))) + mask + payload)
    assert offered == []
    assert transport.closing


async def test_open_lane_refuses_a_send_that_is_not_this_protocols():
    async def send(message):
        return None

    assert ws_server.open_lane(send, lambda text: True) is False
    ws_server.close_lane(send)  # nothing to close: no error


pytestmark = [pytest.mark.embedded]


async def test_frames_split_across_reads_and_control_frames_between_still_reach_the_lane_in_order(app):
    taken: list[str] = []
    protocol, client, transport = await _open(app, lambda text: taken.append(text) or True)
    long_text = "가" * 100  # 300 bytes: a 16-bit length
    client.send_text(b"one")
    client.send_ping(b"are you there")
    client.send_text(long_text.encode())
    client.send_text(b"split")
    wire = b"".join(client.data_to_send())
    cut = len(wire) - 3  # the last frame arrives in two reads
    protocol.data_received(wire[:cut])
    assert taken == ["one", long_text]
    protocol.data_received(wire[cut:])
    assert taken == ["one", long_text, "split"]
    protocol.data_received(_frames(client, "after"))  # read at a frame boundary again
    assert taken[-1] == "after"
    assert protocol.queue.empty()
    client.receive_data(bytes(transport.written))
    assert [event.data for event in client.events_received()] == [b"are you there"]  # the pong, by websockets


async def test_a_message_over_the_size_limit_is_left_to_websockets_which_refuses_it(app):
    offered: list[str] = []
    protocol, client, transport = await _open(app, lambda text: offered.append(text) or True)
    protocol.conn.max_message_size = 10
    protocol.data_received(_frames(client, "x" * 11))
    assert offered == []
    assert transport.closing
    client.receive_data(bytes(transport.written))
    assert client.close_rcvd is not None
    assert client.close_rcvd.code == 1009


async def test_a_taken_then_a_declined_message_leaves_the_rest_queued_behind_it(app):
    offered: list[str] = []
    protocol, client, _transport = await _open(app, lambda text: offered.append(text) or text == "take")
    protocol.data_received(_frames(client, "take", "decline", "take"))
    assert offered == ["take", "decline"]
    assert protocol.queue.get_nowait()["text"] == "decline"
    assert protocol.queue.get_nowait()["text"] == "take"
    assert protocol.queue.empty()


async def test_an_unmasked_client_frame_is_left_to_websockets_which_closes_the_connection(app):
    offered: list[str] = []
    protocol, _client, transport = await _open(app, lambda text: offered.append(text) or True)
    protocol.data_received(bytes((0x81, 5)) + b"hello")
    assert offered == []
    assert transport.closing


async def test_whole_text_frames_at_a_frame_boundary_are_read_without_websockets(app, monkeypatch):
    taken: list[str] = []
    protocol, client, _transport = await _open(app, lambda text: taken.append(text) or True)
    through_websockets: list[bytes] = []
    monkeypatch.setattr(
        ws_server.WebSocketsSansIOProtocol, "data_received", lambda self, data: through_websockets.append(data)
    )
    protocol.data_received(_frames(client, '{"type":"answer"}', "둘"))
    assert taken == ['{"type":"answer"}', "둘"]
    assert through_websockets == []
    client.send_ping(b"p")
    ping = b"".join(client.data_to_send())
    after = _frames(client, "after the ping")
    protocol.data_received(ping + after)
    assert through_websockets == [ping + after]  # a control frame first: websockets reads it and what follows
