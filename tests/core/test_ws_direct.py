"""core.ws_direct: frames written straight to uvicorn's connection are the frames the ``websockets``
protocol would write, arrive in order with the ASGI path's, and are refused whenever the ASGI path
would wait (a paused transport) or refuse (a close); anywhere else the ASGI path stays."""

import asyncio
import json
import threading

import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.server import ServerProtocol
from websockets.sync.client import connect

from core import fanout
from core.ws_direct import direct_writer, text_frame
from tests.support import ThreadedServer

pytestmark = pytest.mark.embedded


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65_535, 65_536, 70_000])
def test_text_frame_is_the_frame_websockets_writes(size):
    text = ("가" + "x" * size)[:size] if size else ""
    server = ServerProtocol()
    server.state = State.OPEN
    server.send_text(text.encode())
    assert text_frame(text) == b"".join(server.data_to_send())


def test_text_frame_parses_back_to_the_text():
    text = '{"type":"question","prompt":"이 AI 과제는 가능할까요? ✓"}'
    frame = text_frame(text)
    assert frame[0] == 0x81, "FIN and text, unfragmented"
    assert frame[1] & 0x80 == 0, "a server's frames are never masked"
    assert Frame(Opcode.TEXT, frame[2:]).data.decode() == text
    assert frame[1] == len(text.encode())


class Probe:
    """A tiny ASGI app that, once accepted, hands its writer and ASGI ``send`` to the test thread."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.writer = None
        self.send = None

    async def __call__(self, scope, receive, send):
        assert scope["type"] == "websocket"
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        self.loop, self.send, self.writer = asyncio.get_running_loop(), send, direct_writer(send)
        self.ready.set()
        while (await receive())["type"] != "websocket.disconnect":
            pass

    def call(self, function, *args):
        """Run ``function(*args)`` on the server's loop (where the writer must be used); its result."""

        async def run():
            result = function(*args)
            return await result if asyncio.iscoroutine(result) else result

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=5)


@pytest.fixture
def probe():
    app = Probe()
    server = ThreadedServer(app).start()
    yield app, server.url.replace("http", "ws") + "/"
    server.stop()


def test_direct_and_asgi_writes_arrive_whole_and_in_order(probe):
    app, url = probe
    with connect(url, open_timeout=5) as client:
        assert app.ready.wait(5)
        assert app.writer is not None, "uvicorn's sansio protocol without deflate takes the direct path"
        texts = [json.dumps({"n": n, "pad": "가" * (n * 37)}) for n in range(40)]
        for n, text in enumerate(texts):
            if n % 3 == 0:
                app.call(app.send, {"type": "websocket.send", "text": text})
            else:
                assert app.call(app.writer, text_frame(text)) is True
        assert [client.recv(timeout=5) for _ in texts] == texts


def test_a_paused_or_closed_connection_refuses_a_direct_write(probe):
    app, url = probe
    with connect(url, open_timeout=5) as client:
        assert app.ready.wait(5)
        protocol = app.send.__self__
        app.call(protocol.pause_writing)  # a phone that stopped reading: the ASGI path would wait
        assert app.call(app.writer, text_frame("held")) is False
        app.call(protocol.resume_writing)
        assert app.call(app.writer, text_frame("sent")) is True
        assert client.recv(timeout=5) == "sent"
        app.call(app.send, {"type": "websocket.close", "code": 1000})
        assert app.call(app.writer, text_frame("after the close")) is False


def test_with_deflate_or_a_wrapped_send_the_asgi_path_stays():
    app = Probe()
    server = ThreadedServer(app)
    server.server.config.ws_per_message_deflate = True
    server.start()
    try:
        with connect(server.url.replace("http", "ws") + "/", open_timeout=5):  # offers deflate
            assert app.ready.wait(5)
            assert app.writer is None, "a negotiated extension would have to see every frame"
            assert direct_writer(lambda message: app.send(message)) is None
    finally:
        server.stop()


async def test_a_broadcast_builds_its_frame_once_and_falls_back_per_socket(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    frames: list[bytes] = []
    asgi_texts: list[str] = []

    def takes(frame: bytes) -> bool:
        frames.append(frame)
        return True

    def refuses(frame: bytes) -> bool:
        return False

    async def asgi_send(text: str) -> None:
        asgi_texts.append(text)

    sockets = [fanout.LocalSocket(asgi_send, "students", str(n), write_frame=takes) for n in range(5)]
    slow = fanout.LocalSocket(asgi_send, "students", "slow", write_frame=refuses)
    for socket in [*sockets, slow]:
        await fanout.join("room.direct", socket)
    try:
        await fanout.publish("room.direct", '{"type":"question"}', personal={"3": '{"rank":2}'})
        async with asyncio.timeout(5):
            while len(frames) < 5 or not asgi_texts:
                await asyncio.sleep(0.01)
        shared = [f for f in frames if b'"you"' not in f]
        assert len(shared) == 4
        assert all(f is shared[0] for f in shared), "one frame for every socket without a personal part"
        assert next(f for f in frames if b'"you"' in f) == text_frame(
            json.dumps(
                {"type": "question", "you": {"rank": 2}, "seq": json.loads(asgi_texts[0])["seq"]}, separators=(",", ":")
            )
        )
        assert json.loads(asgi_texts[0])["type"] == "question", "a refused write takes the ASGI path"
    finally:
        for socket in [*sockets, slow]:
            await fanout.leave("room.direct", socket)
