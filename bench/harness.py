"""What the benchmarks share: a server of the app in a fresh folder, percentiles and the table.

Each benchmark starts ``manage.py serve`` (the embedded default: uvicorn, SQLite, in-memory layer,
and unless told otherwise a Celery worker on the filesystem broker) in its own temporary folder, so
it never touches a running ``make run`` and measures the same process shape a user gets.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def now_ms() -> float:
    return time.perf_counter() * 1000


@contextmanager
def served(var_dir: str, *, worker: bool = True, env: dict[str, str] | None = None) -> Iterator[int]:
    """``manage.py serve`` on a free port with ``var_dir`` as its folder; yields the port once it
    accepts connections, and stops the server (and its worker) afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "A2B_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    command = [sys.executable, "manage.py", "serve", "--port", str(port)]
    if not worker:
        command.append("--no-worker")
    with open(Path(var_dir) / "server.log", "wb") as server_log:
        server = subprocess.Popen(
            command, cwd=REPO, env=environment, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.3)
            yield port
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


async def loop_lag(lags: list[float], until: float, every_s: float = 0.01) -> None:
    """How late this (client) process's event loop runs a timer: the part of a measured latency that
    is the bench's own (thousands of phones share one client loop; real phones do not)."""
    while time.monotonic() < until:
        asked = time.perf_counter()
        await asyncio.sleep(every_s)
        lags.append((time.perf_counter() - asked - every_s) * 1000)


class ClientCollections:
    """While it is entered, the bench client's heap as it stands is frozen out of the collector's
    full scans, and the full collections that still happen are recorded (``pauses``, ms).

    Thousands of simulated phones share one client heap, which a real class does not: a full
    collection of it (170-220 ms with 5,000 students' objects) stopped the client's loop while a
    question was arriving, and every message it had not read yet looked that much later, in the
    app's fan-out and the bare server's alike (the p99 of the one question it hit). The web
    processes freeze theirs the same way (core.collector)."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started: float | None = None

    def __enter__(self) -> ClientCollections:
        gc.collect()
        gc.freeze()
        gc.callbacks.append(self._observe)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._observe)
        gc.unfreeze()

    def _observe(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.pauses.append((time.perf_counter() - self._started) * 1000)
            self._started = None


#: Linux clock ticks per second (``/proc/<pid>/stat`` counts CPU time in them).
_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_ms(pid: int) -> float:
    """CPU time (user + system) a process has used so far, in ms; 0 when it is gone or not on Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / _TICKS_PER_S


def pids_named(prefix: str) -> list[int]:
    """Processes whose command name starts with ``prefix`` (``postgres``: the server and every backend)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().startswith(prefix):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class CpuBudget:
    """CPU time each process group spends over measured spans, per unit of work (a join, an answer).

    The client and the servers share this machine's cores, so a latency target is met or missed by
    the sum of every group's CPU per answer: this says where it goes. Groups are lists of pids read
    at each span's start (``pids_named`` for PostgreSQL: the bench's backends come and go); a
    PostgreSQL serving others on the same machine counts their work too."""

    def __init__(self, groups: Callable[[], dict[str, list[int]]]) -> None:
        self.groups = groups
        self.spent: dict[str, float] = {}
        self.units = 0
        self._start: dict[str, dict[int, float]] | None = None

    def start(self) -> None:
        self._start = {name: {pid: process_cpu_ms(pid) for pid in pids} for name, pids in self.groups().items()}

    def stop(self, units: int) -> None:
        """End the span begun by :meth:`start`; ``units`` of work were done in it."""
        if self._start is None:
            return
        for name, before in self._start.items():
            used = sum(max(0.0, process_cpu_ms(pid) - ms) for pid, ms in before.items())
            self.spent[name] = self.spent.get(name, 0.0) + used
        self.units += units
        self._start = None

    def per_unit_us(self) -> dict[str, float]:
        """µs of CPU per unit by group, and their ``total``."""
        if not self.units:
            return {}
        per = {name: round(ms * 1000 / self.units) for name, ms in self.spent.items()}
        return {**per, "total": sum(per.values())}


def print_table(rows: list[tuple[str, object]]) -> None:
    """``metric  value`` rows; a tuple prints as ``a / b / c``, floats rounded."""
    width = max(len(name) for name, _ in rows) + 2
    print(f"{'metric':{width}} value")
    for name, value in rows:
        if isinstance(value, tuple):
            value = " / ".join(f"{v:.0f}" if isinstance(v, float) else str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:.2f}"
        print(f"{name:{width}} {value}")


async def http_post_json(port: int, path: str, body: dict) -> tuple[int, dict]:
    """POST JSON over a bare socket (thousands at once: no client library's pool in the way)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = json.dumps(body).encode()
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
        + data
    )
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        chunks, rest = [], payload
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        payload = b"".join(chunks)
    return status, json.loads(payload or b"{}")


# --- a live room's session, its students and its host (bench/draw_load.py, bench/text_load.py) ----


def session_with_students(
    var_dir: str, *, code: str, question: dict | None = None, n: int, prefix: str, questions: list[dict] | None = None
) -> tuple[str, int, list[str]]:
    """Migrate a fresh embedded database in ``var_dir``; an instructor, room ``code`` and a live
    session of one ``question`` (or of ``questions``); ``n`` participants with their join tokens
    (joining is measured by ``bench/room_load.py``); and the instructor's session cookie. Returns
    (cookie, session id, tokens). Called again with another ``code``, it adds a second room of the
    same instructor to the same database (several classes on one server)."""
    os.environ["A2B_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from quizapp.authoring.services import quiz_create
    from quizapp.live import join as joining
    from quizapp.live import session as live
    from quizapp.live.rooms import room_create
    from quizapp.models import Participant
    from quizapp.rules import nicknames

    call_command("migrate", verbosity=0)
    teacher = User.objects.filter(username="bench-teacher").first() or User.objects.create_user(
        "bench-teacher",
        password="bench-password-1",  # noqa: S106 - a throwaway bench database
    )
    room = room_create(owner=teacher, code=code)
    if questions is None:
        if question is None:
            raise ValueError("give question or questions")
        questions = [question]
    quiz = quiz_create(owner=teacher, title=f"{code} bench", questions=questions)
    session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=teacher)
    Participant.objects.bulk_create(
        [
            Participant(session=session, nickname=f"{prefix}{i}", nickname_key=nicknames.nickname_key(f"{prefix}{i}"))
            for i in range(n)
        ]
    )
    tokens = [joining.participant_token(p) for p in Participant.objects.filter(session=session).order_by("id")]
    store = SessionStore()
    store[SESSION_KEY] = str(teacher.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
    store.create()
    if store.session_key is None:
        raise RuntimeError("the host's session was not saved")
    return store.session_key, session.id, tokens


async def host_connect(port: int, code: str, cookie: str) -> Any:
    """The instructor's socket (``/ws/rooms/<code>/host/``), signed in by its session cookie."""
    import websockets
    from websockets.typing import Origin

    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/rooms/{code}/host/",
        origin=Origin("http://127.0.0.1"),
        additional_headers={"Cookie": f"sessionid={cookie}"},
        open_timeout=60,
        ping_interval=None,
        max_queue=None,
    )


async def host_wait(host: Any, wanted: str, within_s: float, accept: Callable[[dict], bool] = lambda m: True) -> dict:
    """The host's next ``wanted`` message that ``accept`` takes; a host ``error`` stops the bench."""
    deadline = time.monotonic() + within_s
    while True:
        raw = await asyncio.wait_for(host.recv(), max(0.1, deadline - time.monotonic()))
        msg = json.loads(raw)
        if msg["type"] == "error":
            raise RuntimeError(f"host error: {msg}")
        if msg["type"] == wanted and accept(msg):
            return msg


async def student_socket(port: int, code: str, token: str) -> Any:
    """A student's phone socket, its ``hello`` sent."""
    import websockets
    from websockets.typing import Origin

    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/rooms/{code}/play/",
        origin=Origin("http://127.0.0.1"),
        open_timeout=120,
        ping_interval=None,
        max_queue=None,
    )
    await ws.send(json.dumps({"type": "hello", "token": token}))
    return ws


async def connect_all(students: list[Any], port: int) -> tuple[list[asyncio.Future], float]:
    """Connect the students 50 at a time and start their listeners; (listeners, ms until every
    student had its ``state``). Each student has ``connect(port)``, ``listen()`` and ``events["state"]``."""
    start = now_ms()
    for chunk in range(0, len(students), 50):
        await asyncio.gather(*(s.connect(port) for s in students[chunk : chunk + 50]))
    listeners = [asyncio.ensure_future(s.listen()) for s in students]
    await asyncio.gather(*(s.events["state"].wait() for s in students))
    return listeners, now_ms() - start


async def close_all(host: Any, students: list[Any], listeners: list[asyncio.Future]) -> None:
    await host.close()
    for s in students:
        await s.ws.close()
    for task in listeners:
        task.cancel()


def acks_by_half_second(acks: Iterable[tuple[float, float]], opened: list[float]) -> list[float]:
    """Ack p95 (ms) by the half-second of its question in which each answer was sent: ``acks`` are
    (sent at, latency), ``opened`` the times each question opened (ascending, same clock). High only
    in the first slot: the question's fan-out is in the way; high throughout: the answers alone are
    more work than the cores do."""
    by_slot: dict[int, list[float]] = {}
    for sent, latency in acks:
        started = opened[max(0, bisect.bisect_right(opened, sent) - 1)]
        by_slot.setdefault(int((sent - started) // 500), []).append(latency)
    slots = range(max(by_slot, default=-1) + 1)
    return [round(pct(by_slot[slot], 95), 1) if slot in by_slot else 0.0 for slot in slots]
