"""Room load benchmark: N real WebSocket students in one room, on either shape of the app.

``--shape embedded`` (the default): ``manage.py serve --no-worker`` (uvicorn, SQLite, in-memory
channel layer) in a fresh folder. ``--shape production --processes P``: P uvicorn web processes
with the production settings, PostgreSQL (``--database-url``, dropped and created again: give it a
database of its own) and Redis (``--redis-url``, or a private ``redis-server`` on a spare port);
students are spread over the processes round-robin, as a load balancer would.

For each N it joins N students over HTTP, connects their sockets, plays Q questions (instructor
``next`` -> every student has it; students answer within the answer window; ``reveal``), then runs
a bare ``websockets`` server broadcasting a message of the same size to the same N clients, for the
ratio. Server memory per student is the growth of the web processes' RSS from before the joins to
every socket connected, divided by N (the bare server's the same way).

Both the students and the bare server's clients are :mod:`bench.wire` sockets (a frame parser in
``data_received``): with the ``websockets`` client the bench's own process was the bottleneck at
10,000 (bare p99 676 ms with it, 174 ms with the lean client, same machine and hour).

Prints a table per N (and a summary row per N when several are given), then one JSON object as the
last line. Loopback only; bounded in count and time.

    python bench/room_load.py --students 2000 --questions 10
    python bench/room_load.py --shape production --processes 2 --students 1000,2000 \
        --database-url postgres://postgres@127.0.0.1:5432/a2blab_bench
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import websockets

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import wire  # noqa: E402
from bench.harness import (  # noqa: E402
    ClientCollections,
    CpuBudget,
    acks_by_half_second,
    free_port,
    http_post_json,
    log,
    loop_lag,
    now_ms,
    pct,
    pids_named,
    print_table,
    served,
)

#: The production shape's join limits: every bench client comes from 127.0.0.1, so the per-address
#: limit (default 300/m) is raised; the per-room limit stays on, sized for a class of 10,000 joining
#: at 500 a second (its default, 3000/m, would turn a class over 3,000 away for a minute).
PRODUCTION_JOIN_LIMITS = {"QUIZ_JOIN_RATE_PER_ADDRESS": "1000000/m", "QUIZ_JOIN_RATE_PER_ROOM": "30000/m"}
EMBEDDED_JOIN_LIMITS = {"QUIZ_JOIN_RATE_PER_ADDRESS": "1000000/m", "QUIZ_JOIN_RATE_PER_ROOM": "1000000/m"}

# --- set-up in the bench process (the same database as the server) ----------------------


def setup_django(var_dir: str, env: dict[str, str]) -> None:
    """Point this process at the servers' database (and Redis), migrate, load the demo."""
    os.environ.update({"A2B_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "config.settings.base", **env})
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.services import demo_load_all

    call_command("migrate", verbosity=0)
    demo_load_all()


def prepare(questions: int, students: int) -> tuple[str, int]:
    """A Q-question quiz and a live session in the demo room (room for ``students``); return a host
    cookie and the session's id."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from quizapp.authoring.services import quiz_create
    from quizapp.live import session as live
    from quizapp.selectors import room_get_by_code

    instructor = User.objects.get(username=settings.DEMO_INSTRUCTOR_USERNAME)
    quiz = quiz_create(
        owner=instructor,
        title="bench",
        questions=[
            {
                "kind": "true_false",
                "prompt": f"Bench question {i + 1}: is this AI task possible?",
                "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
                "time_limit_s": 60,
                "explanation": "A one-second task with lots of A -> B data.",
            }
            for i in range(questions)
        ],
    )
    room = room_get_by_code("MODULABS")
    if room.max_participants < students:  # a room holds 5,000 unless its owner says more
        room.max_participants = students
        room.save(update_fields=["max_participants"])
    session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=instructor)
    store = SessionStore()
    store[SESSION_KEY] = str(instructor.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = instructor.get_session_auth_hash()
    store.create()
    return store.session_key, session.id


def stored_answers(session_id: int) -> tuple[int, int]:
    """(answers stored, answers stored more than once for the same student, question and vote)."""
    from django.db.models import Count

    from quizapp.models import Answer

    stored = Answer.objects.filter(session_id=session_id)
    duplicates = stored.values("participant_id", "question_id", "vote").annotate(n=Count("id")).filter(n__gt=1).count()
    return stored.count(), duplicates


def reset_database(url: str) -> None:
    """Drop and create the bench's own PostgreSQL database (never a shared one: see --database-url)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"--database-url must name a database of the bench's own, not {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


# --- the production shape: P web processes, a private Redis unless one is given -------------


def rss_kb(pid: int) -> int:
    """Resident memory of a process, in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child_pids(pid: int) -> list[int]:
    """A process's children (``manage.py serve`` -> its uvicorn)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _wait_port(port: int, within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not accept connections on {port} in {within_s:.0f} s")


@contextmanager
def private_redis(var_dir: str) -> Iterator[str]:
    """A throw-away ``redis-server`` on a spare port (never the machine's shared one)."""
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed: pass --redis-url")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", var_dir],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_port(port, 20, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def web_processes(var_dir: str, count: int, env: dict[str, str]) -> Iterator[list[tuple[int, int]]]:
    """``count`` uvicorn processes of the app, as ``manage.py serve`` starts its one; yields
    (port, pid) each once all accept connections, and stops them afterwards."""
    from core.management.commands.serve import uvicorn_command

    environment = {
        **os.environ,
        "A2B_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",  # plain HTTP on loopback (a proxy ends TLS in production)
        "DATABASE_POOL": os.environ.get("DATABASE_POOL", "true"),  # as docker-compose's web runs
        "LOG_LEVEL": "WARNING",
        **env,
    }
    servers = []
    try:
        for i in range(count):
            port = free_port()
            with open(Path(var_dir) / f"web{i + 1}.log", "ab") as server_log:
                servers.append(
                    (port, subprocess.Popen(
                        uvicorn_command("127.0.0.1", port, environment), cwd=REPO, env=environment, stdout=server_log,
                        stderr=subprocess.STDOUT, start_new_session=True,
                    ))
                )  # fmt: skip
        for i, (port, _server) in enumerate(servers):
            _wait_port(port, 90, f"web process {i + 1}")
        yield [(port, server.pid) for port, server in servers]
    finally:
        for _port, server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGINT)
        for _port, server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


@contextmanager
def embedded_server(var_dir: str) -> Iterator[list[tuple[int, int]]]:
    """``manage.py serve --no-worker`` as a user runs it: (port, pid of its uvicorn)."""
    with served(var_dir, worker=False, env=EMBEDDED_JOIN_LIMITS) as port:
        serve_pid = _serve_pid(port)
        yield [(port, (child_pids(serve_pid) or [serve_pid])[0])]


def _serve_pid(port: int) -> int:
    """The ``manage.py serve`` process listening through its child on ``port``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"manage.py" in cmdline and b"serve" in cmdline and str(port).encode() in cmdline:
            return int(proc.name)
    raise RuntimeError(f"no manage.py serve on port {port}")


# --- HTTP join (a tiny client: the bench needs no extra package) --------------------------


# --- the students ----------------------------------------------------------------------------


class Student:
    def __init__(self, index: int, code: str = "MODULABS") -> None:
        self.index = index
        self.code = code  # the room (bench/draw_load.py keeps a second room busy with these students)
        self.token = ""
        self.ws = None
        self.question_at: dict[int, float] = {}
        self.reveal_at: dict[int, float] = {}
        self.port = 0
        self.acks: list[float] = []
        self.ack_sent: list[float] = []  # when each acknowledged answer was sent (as acks)
        self.ack_times: list[float] = []
        self.errors: list[str] = []
        self.answered = 0

    async def run(self, ready: asyncio.Event, answer_window_s: float) -> None:
        """Connect, say hello and play until the session ends (messages handled in :meth:`on_text`)."""
        self.ready, self.answer_window_s = ready, answer_window_s
        self.pending: dict[int, float] = {}
        self.ended = asyncio.get_running_loop().create_future()
        self.ws = await wire.connect(self.port, f"/ws/rooms/{self.code}/play/", self.on_text, origin="http://127.0.0.1")
        self.ws.send(json.dumps({"type": "hello", "token": self.token}))
        await asyncio.wait([self.ended, self.ws.closed], return_when=asyncio.FIRST_COMPLETED)
        if not self.ended.done():
            raise RuntimeError(f"student {self.index}: the server closed the socket before the session ended")
        await self.ws.close()

    def on_text(self, raw: str) -> None:
        msg = json.loads(raw)
        kind = msg["type"]
        if kind == "state":
            self.ready.set()
        elif kind == "question":
            qid = msg["question"]["id"]
            self.question_at[qid] = now_ms()
            asyncio.get_running_loop().call_later(random.uniform(0.05, self.answer_window_s), self.answer, qid)
        elif kind == "answer_received":
            sent = self.pending.pop(msg["question_id"], None)
            if sent is not None:
                t = now_ms()
                self.acks.append(t - sent)
                self.ack_sent.append(sent)
                self.ack_times.append(t)
        elif kind == "reveal":
            self.reveal_at[msg["question_id"]] = now_ms()
        elif kind == "error":
            self.errors.append(msg["code"])
        elif kind == "session_ended" and not self.ended.done():
            self.ended.set_result(None)

    def answer(self, question_id: int) -> None:
        self.pending[question_id] = now_ms()
        self.answered += 1
        self.ws.send(json.dumps({"type": "answer", "question_id": question_id, "choices": [self.index % 2]}))


def cpu_groups(servers: list[tuple[int, int]]) -> Callable[[], dict[str, list[int]]]:
    """The process groups whose CPU a row reports: the web processes, PostgreSQL and Redis (every
    process of theirs on this machine) and this client."""
    return lambda: {
        "web": [pid for _port, pid in servers],
        "postgresql": pids_named("postgres"),
        "redis": pids_named("redis-server"),
        "client": [os.getpid()],
    }


async def warm_up(servers: list[tuple[int, int]]) -> None:
    """Run the join and socket code once in each process without a student (a refused join, a
    refused ``hello``), so its first-use imports count in neither the joins' time nor the memory per student."""
    for port, _pid in servers:
        for _ in range(3):
            await http_post_json(port, "/api/rooms/MODULABS/join/", {"nickname": "", "device_id": "warm-up"})
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/rooms/MODULABS/play/", origin="http://127.0.0.1", ping_interval=None
            )
            await ws.send(json.dumps({"type": "hello", "token": "warm-up"}))
            await ws.recv()
            await ws.close()


async def join_all(students: list[Student], concurrency: int = 32) -> float:
    semaphore = asyncio.Semaphore(concurrency)
    start = now_ms()

    async def one(student: Student) -> None:
        async with semaphore:
            status, body = await http_post_json(
                student.port,
                "/api/rooms/MODULABS/join/",
                {"nickname": f"student{student.index}", "device_id": str(student.index)},
            )
            if status != 201 and status != 200:
                raise RuntimeError(f"join failed: {status} {body}")
            student.token = body["token"]

    await asyncio.gather(*(one(s) for s in students))
    return now_ms() - start


async def connect_all(students: list, answer_window_s: float) -> tuple[list, float]:
    """Open every student's socket (in bursts of 100) and wait until each has its state."""
    readies = [asyncio.Event() for _ in students]
    connect_start = now_ms()
    tasks = []
    for i, (student, ready) in enumerate(zip(students, readies, strict=True)):
        tasks.append(asyncio.create_task(student.run(ready, answer_window_s)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    waiting = asyncio.gather(*(r.wait() for r in readies))
    while not waiting.done():
        await asyncio.wait([waiting], timeout=5)
        failed = [t for t in tasks if t.done() and t.exception() is not None]
        if failed:
            raise RuntimeError(f"{len(failed)} student sockets failed: {failed[0].exception()!r}")
        log(f"  {sum(r.is_set() for r in readies)} of {len(students)} sockets have their state")
        if now_ms() - connect_start > 300_000:
            raise TimeoutError("sockets did not all connect in 300 s")
    return tasks, now_ms() - connect_start


async def one_question(
    host: Any,
    host_events: asyncio.Queue,
    students: list,
    answer_window_s: float,
    cpu: CpuBudget | None = None,
    opened: list[float] | None = None,
) -> tuple:
    """Open the next question, wait for the answers, reveal: the question's id and its two fan-outs.
    ``cpu``: counts the span from ``next`` to the last acknowledgement (the question's fan-out included);
    ``opened``: gets the time ``next`` was sent."""
    fanout: list[float] = []
    reveal_fanout: list[float] = []
    answered_before = sum(s.answered for s in students)
    if cpu is not None:
        cpu.start()
    t0 = now_ms()
    if opened is not None:
        opened.append(t0)
    await host.send(json.dumps({"type": "next"}))
    qid = None
    while qid is None:
        msg = await asyncio.wait_for(host_events.get(), 60)
        if msg["type"] == "question":
            qid = msg["question"]["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(qid not in s.question_at for s in students):
        await asyncio.sleep(0.05)
    fanout += [s.question_at[qid] - t0 for s in students if qid in s.question_at]
    by_port: dict[int, list[float]] = {}
    for s in students:
        if qid in s.question_at:
            by_port.setdefault(s.port, []).append(s.question_at[qid] - t0)
    log(
        "  question fan-out p50/p99 ms by web process: "
        + ", ".join(f":{port} {pct(v, 50):.0f}/{pct(v, 99):.0f}" for port, v in sorted(by_port.items()))
    )
    await asyncio.sleep(answer_window_s)
    # Reveal once every answer is acknowledged (or refused), as an instructor waits for
    # "25 of 25 answered"; capped so a stuck run still ends.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(s.answered > len(s.acks) + len(s.errors) for s in students):
        await asyncio.sleep(0.05)
    if cpu is not None:
        cpu.stop(sum(s.answered for s in students) - answered_before)
    await asyncio.sleep(0.6)  # the last tally lands
    r0 = now_ms()
    await host.send(json.dumps({"type": "reveal"}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(qid not in s.reveal_at for s in students):
        await asyncio.sleep(0.05)
    reveal_fanout += [s.reveal_at[qid] - r0 for s in students if qid in s.reveal_at]
    await asyncio.sleep(0.3)
    return qid, fanout, reveal_fanout


async def play(
    servers: list[tuple[int, int]],
    cookie: str,
    n: int,
    questions: int,
    answer_window_s: float,
    played: Callable[[], None] = lambda: None,
) -> dict:
    """``servers``: (port, pid) of each web process; student i goes to process i mod P (a load
    balancer's round-robin), the host to the first."""
    students = [Student(i) for i in range(n)]
    for student in students:
        student.port = servers[student.index % len(servers)][0]
    await warm_up(servers)
    rss_before = [rss_kb(pid) for _port, pid in servers]
    log(f"web process ids (for py-spy): {' '.join(str(pid) for _port, pid in servers)}")
    join_cpu, answer_cpu = CpuBudget(cpu_groups(servers)), CpuBudget(cpu_groups(servers))
    join_cpu.start()
    join_ms = await join_all(students)
    join_cpu.stop(n)
    log(f"{n} students joined over HTTP in {join_ms / 1000:.1f} s; connecting sockets")
    tasks, connect_ms = await connect_all(students, answer_window_s)
    rss_after = [rss_kb(pid) for _port, pid in servers]
    log(f"sockets connected in {connect_ms / 1000:.1f} s; playing {questions} questions")

    host = await websockets.connect(
        f"ws://127.0.0.1:{servers[0][0]}/ws/rooms/MODULABS/host/",
        origin="http://127.0.0.1",
        additional_headers={"Cookie": f"sessionid={cookie}"},
        max_queue=None,
        max_size=None,  # the console's state carries the whole grid: megabytes for thousands of students
        ping_interval=None,
    )
    tallies: list[tuple[float, int, int]] = []  # (time, question_id, answered)
    host_events: asyncio.Queue = asyncio.Queue()

    async def host_reader() -> None:
        async for raw in host:
            msg = json.loads(raw)
            if msg["type"] == "tally" and "question_id" in msg:
                tallies.append((now_ms(), msg["question_id"], msg["answered"]))
            await host_events.put(msg)

    reader_task = asyncio.create_task(host_reader())
    # The instructor sees the console (its state: every student's row) before pressing "next";
    # pressing it within the same millisecond queued the question behind that state's read.
    while (await asyncio.wait_for(host_events.get(), 60))["type"] != "host_state":
        pass
    fanout: list[float] = []
    reveal_fanout: list[float] = []
    question_ids: list[int] = []
    opened: list[float] = []
    client_lags: list[float] = []  # the bench's own loop while the class plays (its share of every latency)
    watching = asyncio.ensure_future(loop_lag(client_lags, time.monotonic() + 3600))
    with ClientCollections() as client_collections:
        for _ in range(questions):
            qid, question_fanout, question_reveal = await one_question(
                host, host_events, students, answer_window_s, answer_cpu, opened
            )
            question_ids.append(qid)
            fanout += question_fanout
            reveal_fanout += question_reveal
    played()  # the questions are over; the class leaves next

    watching.cancel()
    # Tally lag: for the k-th acknowledged answer of a question, the time until the host
    # first saw a tally with at least k answers.
    tally_lags: list[float] = []
    for qid in question_ids:
        acks = sorted(t for s in students for t in [s.question_at.get(qid)] if t is not None)
        ack_times = sorted(
            at
            for s in students
            for at in s.ack_times
            if s.question_at.get(qid, 1e18) <= at < s.reveal_at.get(qid, 1e18)
        )
        seen = [(t, count) for t, q, count in tallies if q == qid]
        for k, acked_at in enumerate(ack_times, start=1):
            first = next((t for t, count in seen if count >= k and t >= acked_at - 1), None)
            if first is not None:
                tally_lags.append(max(0.0, first - acked_at))
        del acks
    await host.send(json.dumps({"type": "end"}))
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 60)
    reader_task.cancel()
    await host.close()
    sent = sum(s.answered for s in students)
    return {
        "rss_growth_kb": sum(after - before for before, after in zip(rss_before, rss_after, strict=True)),
        "answers_acked": sum(len(s.acks) for s in students),
        "join_ms": join_ms,
        "connect_ms": connect_ms,
        "fanout": fanout,
        "reveal_fanout": reveal_fanout,
        "acks": [a for s in students for a in s.acks],
        "ack_p95_by_half_s": acks_by_half_second(
            [pair for s in students for pair in zip(s.ack_sent, s.acks, strict=True)], opened
        ),
        "tally_lags": tally_lags,
        "client_lags": client_lags,
        "client_full_gcs": client_collections.pauses,
        "cpu_per_join_us": join_cpu.per_unit_us(),
        "cpu_per_answer_us": answer_cpu.per_unit_us(),
        "answers_sent": sent,
        "errors": sorted({e for s in students for e in s.errors}),
        "deliveries": len(fanout),
    }


# --- the bare baseline -------------------------------------------------------------------------

BARE_SERVER = r"""
import asyncio, json, sys, websockets
clients = set()
async def handler(ws):
    if ws.request.path == "/trigger":
        async for raw in ws:
            websockets.broadcast(clients, raw)
        return
    clients.add(ws)
    try:
        await ws.wait_closed()
    finally:
        clients.discard(ws)
async def main():
    async with websockets.serve(
        handler, "127.0.0.1", int(sys.argv[1]), ping_interval=None, max_queue=None, compression=None
    ):
        print("ready", flush=True)
        await asyncio.Future()
asyncio.run(main())
"""


async def bare_broadcast(n: int, rounds: int, size: int) -> tuple[list[float], int]:
    """Fan-out latencies of a bare websockets server to ``n`` clients, and its RSS growth (KiB)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        rss_before = rss_kb(server.pid)
        received: dict[int, list[float]] = {}

        def on_text(raw: str) -> None:
            received.setdefault(json.loads(raw)["round"], []).append(now_ms())

        clients = []
        for i in range(n):
            clients.append(await wire.connect(port, "/", on_text))
            if i % 100 == 99:
                await asyncio.sleep(0.02)
        trigger = await wire.connect(port, "/trigger", on_text)
        rss_growth = rss_kb(server.pid) - rss_before

        latencies: list[float] = []
        padding = "x" * max(0, size - 40)
        with ClientCollections():  # as for the app's row: the client's heap is not the server's latency
            for r in range(rounds):
                t0 = now_ms()
                trigger.send(json.dumps({"round": r, "pad": padding}))
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and len(received.get(r, [])) < n:
                    await asyncio.sleep(0.01)
                latencies += [t - t0 for t in received.get(r, [])]
                await asyncio.sleep(0.3)
        await asyncio.gather(*(ws.close() for ws in [*clients, trigger]))
        return latencies, rss_growth
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- main ------------------------------------------------------------------------------------------


#: What core.collector logs for a full collection that stopped a web process.
FULL_COLLECTION = re.compile(rb"a full collection stopped this process for (\d+) ms")


def log_sizes(var_dir: str) -> dict[Path, int]:
    return {path: path.stat().st_size for path in Path(var_dir).glob("*.log")}


def full_collections(var_dir: str, since: dict[Path, int], until: dict[Path, int] | None = None) -> list[int]:
    """The web processes' full-collection pauses (ms) logged between two ``log_sizes`` (core/collector.py)."""
    pauses = []
    for path in Path(var_dir).glob("*.log"):
        with open(path, "rb") as server_log:
            start = since.get(path, 0)
            server_log.seek(start)
            text = server_log.read() if until is None else server_log.read(max(0, until.get(path, start) - start))
            pauses += [int(ms) for ms in FULL_COLLECTION.findall(text)]
    return pauses


def measure(servers_for: Any, n: int, args: argparse.Namespace, var_dir: str) -> dict[str, Any]:
    """One row: a fresh live session, N students on the app's processes, then the bare server."""
    cookie, session_id = prepare(args.questions, n)
    logged = log_sizes(var_dir)
    at_the_end: dict[Path, int] = {}
    with servers_for() as servers:
        room = asyncio.run(
            play(servers, cookie, n, args.questions, args.answer_window, lambda: at_the_end.update(log_sizes(var_dir)))
        )
    playing = full_collections(var_dir, logged, until=at_the_end)
    leaving = full_collections(var_dir, at_the_end)
    stored, duplicates = stored_answers(session_id)
    bare, bare_rss_kb = asyncio.run(bare_broadcast(n, args.questions, size=400))
    fanout_p99 = pct(room["fanout"], 99)
    reveal_p99 = pct(room["reveal_fanout"], 99)
    bare_p99 = pct(bare, 99)
    return {
        "students": n,
        "questions": args.questions,
        "join_s": round(room["join_ms"] / 1000, 2),
        "joins_per_s": round(n / (room["join_ms"] / 1000), 1),
        "connect_s": round(room["connect_ms"] / 1000, 2),
        "fanout_p50_ms": round(pct(room["fanout"], 50), 1),
        "fanout_p95_ms": round(pct(room["fanout"], 95), 1),
        "fanout_p99_ms": round(fanout_p99, 1),
        "reveal_p50_ms": round(pct(room["reveal_fanout"], 50), 1),
        "reveal_p99_ms": round(reveal_p99, 1),
        "reveal_vs_question_p99": round(reveal_p99 / fanout_p99, 2) if fanout_p99 else None,
        "ack_p50_ms": round(pct(room["acks"], 50), 1),
        "ack_p95_ms": round(pct(room["acks"], 95), 1),
        "ack_p95_by_half_s_ms": room["ack_p95_by_half_s"],
        "tally_lag_p50_ms": round(pct(room["tally_lags"], 50), 1),
        "tally_lag_p95_ms": round(pct(room["tally_lags"], 95), 1),
        "client_lag_p95_ms": round(pct(room["client_lags"], 95), 1),
        # The client's own full collections while the class played (its heap frozen first).
        "client_full_gcs": len(room["client_full_gcs"]),
        "client_full_gc_max_ms": round(max(room["client_full_gcs"], default=0), 1),
        "answers_sent": room["answers_sent"],
        "answers_acked": room["answers_acked"],
        "answers_stored": stored,
        # CPU time by process group (this machine's cores are shared by all of them: the sum decides).
        "cpu_per_join_us": room["cpu_per_join_us"],
        "cpu_per_answer_us": room["cpu_per_answer_us"],
        "cpu_join_us": room["cpu_per_join_us"].get("total"),
        "cpu_answer_us": room["cpu_per_answer_us"].get("total"),
        "duplicates": duplicates,
        "deliveries": room["deliveries"],
        "rss_kb_per_student": round(room["rss_growth_kb"] / n, 1),
        "bare_fanout_p50_ms": round(pct(bare, 50), 1),
        "bare_fanout_p99_ms": round(bare_p99, 1),
        "bare_rss_kb_per_student": round(bare_rss_kb / n, 1),
        "ratio_vs_bare": round(fanout_p99 / bare_p99, 2) if bare_p99 else None,
        # The web processes' full collections of 50 ms or more while the class played, and once it left.
        "full_gc_pauses_playing": len(playing),
        "full_gc_max_ms_playing": max(playing, default=0),
        "full_gc_pauses_leaving": len(leaving),
        "full_gc_max_ms_leaving": max(leaving, default=0),
        "errors": room["errors"],
    }


def print_row(r: dict[str, Any]) -> None:
    n = r["students"]
    print_table(
        [
            ("students", n),
            ("questions", r["questions"]),
            ("join (HTTP), total s / joins per s", (r["join_s"], r["joins_per_s"])),
            ("sockets connected, total s", r["connect_s"]),
            ("question fan-out p50 / p95 / p99 ms", (r["fanout_p50_ms"], r["fanout_p95_ms"], r["fanout_p99_ms"])),
            ("reveal fan-out p50 / p99 ms", (r["reveal_p50_ms"], r["reveal_p99_ms"])),
            ("reveal p99 / question p99", r["reveal_vs_question_p99"]),
            ("answer ack p50 / p95 ms", (r["ack_p50_ms"], r["ack_p95_ms"])),
            ("answer ack p95 ms by half-second of the question (sent 0-0.5 s, 0.5-1 s, ...)",
             " / ".join(f"{v:.0f}" for v in r["ack_p95_by_half_s_ms"])),
            ("instructor tally lag p50 / p95 ms", (r["tally_lag_p50_ms"], r["tally_lag_p95_ms"])),
            ("the bench's own client loop, lag p95 ms", r["client_lag_p95_ms"]),
            ("the bench client's full GCs while playing: count / max ms", (r["client_full_gcs"],
                                                                          r["client_full_gc_max_ms"])),
            ("answers sent / acked / stored / duplicates", (r["answers_sent"], r["answers_acked"],
                                                            r["answers_stored"], r["duplicates"])),
            ("question deliveries", f"{r['deliveries']} of {n * r['questions']}"),
            ("CPU µs per join: " + " / ".join(r["cpu_per_join_us"]), tuple(r["cpu_per_join_us"].values())),
            ("CPU µs per answer (question to last ack): " + " / ".join(r["cpu_per_answer_us"]),
             tuple(r["cpu_per_answer_us"].values())),
            ("bare websockets fan-out p50 / p99 ms", (r["bare_fanout_p50_ms"], r["bare_fanout_p99_ms"])),
            ("ratio (fan-out p99 / bare p99)", r["ratio_vs_bare"]),
            ("server RSS per student KB (app / bare)", (r["rss_kb_per_student"], r["bare_rss_kb_per_student"])),
            ("full GCs >= 50 ms while playing: count / max ms", (r["full_gc_pauses_playing"],
                                                                  r["full_gc_max_ms_playing"])),
            ("full GCs >= 50 ms as the class left: count / max ms", (r["full_gc_pauses_leaving"],
                                                                      r["full_gc_max_ms_leaving"])),
            ("student errors", ", ".join(r["errors"]) or "none"),
        ]
    )  # fmt: skip


SUMMARY_COLUMNS = [
    ("N", "students", "{:.0f}"),
    ("join/s", "joins_per_s", "{:.0f}"),
    ("q p50", "fanout_p50_ms", "{:.0f}"),
    ("q p99", "fanout_p99_ms", "{:.0f}"),
    ("bare p99", "bare_fanout_p99_ms", "{:.0f}"),
    ("q/bare", "ratio_vs_bare", "{:.2f}"),
    ("rev p99", "reveal_p99_ms", "{:.0f}"),
    ("rev/q", "reveal_vs_question_p99", "{:.2f}"),
    ("ack p50", "ack_p50_ms", "{:.0f}"),
    ("ack p95", "ack_p95_ms", "{:.0f}"),
    ("tally p95", "tally_lag_p95_ms", "{:.0f}"),
    ("client lag p95", "client_lag_p95_ms", "{:.0f}"),
    ("client GCs", "client_full_gcs", "{:.0f}"),
    ("sent", "answers_sent", "{:.0f}"),
    ("acked", "answers_acked", "{:.0f}"),
    ("stored", "answers_stored", "{:.0f}"),
    ("dup", "duplicates", "{:.0f}"),
    ("join CPU µs", "cpu_join_us", "{:.0f}"),
    ("ans CPU µs", "cpu_answer_us", "{:.0f}"),
    ("KB/stu", "rss_kb_per_student", "{:.1f}"),
    ("bare KB", "bare_rss_kb_per_student", "{:.1f}"),
]


def print_summary(results: list[dict[str, Any]]) -> None:
    """One row per N: the cost curve at a glance."""
    cells = [[title for title, _, _ in SUMMARY_COLUMNS]]
    for r in results:
        cells.append(["-" if r[key] is None else fmt.format(r[key]) for _, key, fmt in SUMMARY_COLUMNS])
    widths = [max(len(row[i]) for row in cells) for i in range(len(SUMMARY_COLUMNS))]
    for row in cells:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--students", default=os.environ.get("STUDENTS", "2000"), help="N, or several: 1000,2000,5000 (a row each)"
    )
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--answer-window", type=float, default=2.0, help="students answer within this many seconds")
    parser.add_argument("--shape", choices=("embedded", "production"), default="embedded")
    parser.add_argument("--processes", type=int, default=None, help="web processes (production shape; default 2)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/a2blab_bench"),
        help="production shape: a PostgreSQL database of the bench's own (dropped and created again)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", ""),
        help="production shape: a Redis database of the bench's own (default: a private redis-server)",
    )
    args = parser.parse_args()
    try:
        counts = [int(part) for part in str(args.students).split(",") if part.strip()]
    except ValueError:
        parser.error("--students takes numbers separated by commas")
    if not counts or not all(1 <= n <= 20000 for n in counts):
        parser.error("--students must be between 1 and 20000")
    processes = args.processes if args.processes is not None else (2 if args.shape == "production" else 1)
    if args.shape == "embedded" and processes != 1:
        parser.error("the embedded shape is one process (SQLite, in-memory layer): use --shape production")
    if not 1 <= processes <= 16:
        parser.error("--processes must be between 1 and 16")
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    var_dir = tempfile.mkdtemp(prefix="a2b-bench-")
    results = []
    own = args.shape == "production" and not args.redis_url
    with private_redis(var_dir) if own else nullcontext("") as own_redis:
        if args.shape == "production":
            redis_url = args.redis_url or own_redis
            reset_database(args.database_url)
            # The bench process signs the host's session: the same key as the web processes.
            backends = {"DATABASE_URL": args.database_url, "REDIS_URL": redis_url, "SECRET_KEY": "bench-" + "x" * 50}
            setup_django(var_dir, backends)
            log(
                f"production shape: {processes} web processes, PostgreSQL {urlsplit(args.database_url).path[1:]},"
                f" Redis {'private ' if not args.redis_url else ''}{redis_url}"
            )
            log(f"join limits raised for the bench (all clients share 127.0.0.1): {PRODUCTION_JOIN_LIMITS}")

            def servers_for() -> Any:
                return web_processes(var_dir, processes, {**backends, **PRODUCTION_JOIN_LIMITS})
        else:
            setup_django(var_dir, {})

            def servers_for() -> Any:
                return embedded_server(var_dir)

        for n in counts:
            log(f"--- {n} students ({args.shape}, {processes} process{'es' if processes > 1 else ''})")
            results.append(measure(servers_for, n, args, var_dir))
            print_row(results[-1])
            print()
    limits = PRODUCTION_JOIN_LIMITS if args.shape == "production" else EMBEDDED_JOIN_LIMITS
    print(f"shape: {args.shape}, {processes} web process{'es' if processes > 1 else ''}")
    print(f"join rate limits raised by the bench (every client is 127.0.0.1): {limits}")
    if len(results) > 1:
        print_summary(results)
    summary = {"shape": args.shape, "processes": processes, "join_limits": limits}
    last = results[-1] if len(results) == 1 else {"rows": results}
    print(json.dumps({**summary, **last}))


if __name__ == "__main__":
    main()
