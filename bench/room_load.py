"""Room load benchmark: N real WebSocket students in one room on the embedded default.

Starts ``manage.py serve --no-worker`` (uvicorn, SQLite, in-memory channel layer) in a fresh
folder, joins N students over HTTP, connects their sockets, plays Q questions (instructor
``next`` -> every student has it; students answer; ``reveal``), then runs a bare ``websockets``
server broadcasting a message of the same size to the same N clients, for the ratio.

Prints a table, then one JSON object as the last line. Loopback only; bounded in count and time.

    python bench/room_load.py --students 2000 --questions 10
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import websockets

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.harness import free_port, http_post_json, log, now_ms, pct, print_table, served  # noqa: E402

# --- set-up in the bench process (same SQLite file as the server) -----------------------


def prepare(var_dir: str, questions: int) -> tuple[str, int]:
    """Migrate, load the demo, create a Q-question quiz and a live session; return a host cookie."""
    os.environ["A2B_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.services import demo_load_all
    from quizapp.authoring.services import quiz_create
    from quizapp.live import session as live
    from quizapp.selectors import room_get_by_code

    call_command("migrate", verbosity=0)
    instructor, _ = demo_load_all()
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
    session = live.session_start(room=room_get_by_code("MODULABS"), quiz=quiz, mode="instructor_paced", user=instructor)
    store = SessionStore()
    store[SESSION_KEY] = str(instructor.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = instructor.get_session_auth_hash()
    store.create()
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")
    return store.session_key, session.id


def stored_answers(session_id: int) -> int:
    from quizapp.models import Answer

    return Answer.objects.filter(session_id=session_id).count()


# --- HTTP join (a tiny client: the bench needs no extra package) --------------------------


# --- the students ----------------------------------------------------------------------------


class Student:
    def __init__(self, index: int) -> None:
        self.index = index
        self.token = ""
        self.ws = None
        self.question_at: dict[int, float] = {}
        self.reveal_at: dict[int, float] = {}
        self.acks: list[float] = []
        self.ack_times: list[float] = []
        self.errors: list[str] = []
        self.answered = 0

    async def run(self, port: int, ready: asyncio.Event, answer_window_s: float) -> None:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/rooms/MODULABS/play/",
            origin="http://127.0.0.1",
            open_timeout=120,
            ping_interval=None,
            max_queue=None,
        )
        await self.ws.send(json.dumps({"type": "hello", "token": self.token}))
        pending: dict[int, float] = {}
        async for raw in self.ws:
            msg = json.loads(raw)
            kind = msg["type"]
            if kind == "state":
                ready.set()
            elif kind == "question":
                qid = msg["question"]["id"]
                self.question_at[qid] = now_ms()
                asyncio.get_running_loop().call_later(
                    random.uniform(0.05, answer_window_s), lambda q=qid: asyncio.ensure_future(self.answer(q, pending))
                )
            elif kind == "answer_received":
                sent = pending.pop(msg["question_id"], None)
                if sent is not None:
                    t = now_ms()
                    self.acks.append(t - sent)
                    self.ack_times.append(t)
            elif kind == "reveal":
                self.reveal_at[msg["question_id"]] = now_ms()
            elif kind == "error":
                self.errors.append(msg["code"])
            elif kind == "session_ended":
                break

    async def answer(self, question_id: int, pending: dict[int, float]) -> None:
        pending[question_id] = now_ms()
        self.answered += 1
        await self.ws.send(json.dumps({"type": "answer", "question_id": question_id, "choices": [self.index % 2]}))


async def join_all(port: int, students: list[Student], concurrency: int = 32) -> float:
    semaphore = asyncio.Semaphore(concurrency)
    start = now_ms()

    async def one(student: Student) -> None:
        async with semaphore:
            status, body = await http_post_json(
                port,
                "/api/rooms/MODULABS/join/",
                {"nickname": f"student{student.index}", "device_id": str(student.index)},
            )
            if status != 201 and status != 200:
                raise RuntimeError(f"join failed: {status} {body}")
            student.token = body["token"]

    await asyncio.gather(*(one(s) for s in students))
    return now_ms() - start


async def connect_all(port: int, students: list, answer_window_s: float) -> tuple[list, float]:
    """Open every student's socket (in bursts of 100) and wait until each has its state."""
    readies = [asyncio.Event() for _ in students]
    connect_start = now_ms()
    tasks = []
    for i, (student, ready) in enumerate(zip(students, readies, strict=True)):
        tasks.append(asyncio.create_task(student.run(port, ready, answer_window_s)))
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


async def one_question(host: Any, host_events: asyncio.Queue, students: list, answer_window_s: float) -> tuple:
    """Open the next question, wait for the answers, reveal: the question's id and its two fan-outs."""
    fanout: list[float] = []
    reveal_fanout: list[float] = []
    t0 = now_ms()
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
    await asyncio.sleep(answer_window_s)
    # Reveal once every answer is acknowledged (or refused), as an instructor waits for
    # "25 of 25 answered"; capped so a stuck run still ends.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(s.answered > len(s.acks) + len(s.errors) for s in students):
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.6)  # the last tally lands
    r0 = now_ms()
    await host.send(json.dumps({"type": "reveal"}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(qid not in s.reveal_at for s in students):
        await asyncio.sleep(0.05)
    reveal_fanout += [s.reveal_at[qid] - r0 for s in students if qid in s.reveal_at]
    await asyncio.sleep(0.3)
    return qid, fanout, reveal_fanout


async def play(port: int, cookie: str, n: int, questions: int, answer_window_s: float) -> dict:
    students = [Student(i) for i in range(n)]
    join_ms = await join_all(port, students)
    log(f"{n} students joined over HTTP in {join_ms / 1000:.1f} s; connecting sockets")
    tasks, connect_ms = await connect_all(port, students, answer_window_s)
    log(f"sockets connected in {connect_ms / 1000:.1f} s; playing {questions} questions")

    host = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/rooms/MODULABS/host/",
        origin="http://127.0.0.1",
        additional_headers={"Cookie": f"sessionid={cookie}"},
        max_queue=None,
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
    fanout: list[float] = []
    reveal_fanout: list[float] = []
    question_ids: list[int] = []
    for _ in range(questions):
        qid, question_fanout, question_reveal = await one_question(host, host_events, students, answer_window_s)
        question_ids.append(qid)
        fanout += question_fanout
        reveal_fanout += question_reveal

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
        "join_ms": join_ms,
        "connect_ms": connect_ms,
        "fanout": fanout,
        "reveal_fanout": reveal_fanout,
        "acks": [a for s in students for a in s.acks],
        "tally_lags": tally_lags,
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


async def bare_broadcast(n: int, rounds: int, size: int) -> list[float]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        received: dict[int, list[float]] = {}
        clients = []
        for i in range(n):
            clients.append(await websockets.connect(f"ws://127.0.0.1:{port}/", ping_interval=None, max_queue=None))
            if i % 100 == 99:
                await asyncio.sleep(0.02)
        trigger = await websockets.connect(f"ws://127.0.0.1:{port}/trigger", ping_interval=None)

        async def reader(ws) -> None:
            async for raw in ws:
                received.setdefault(json.loads(raw)["round"], []).append(now_ms())

        readers = [asyncio.create_task(reader(ws)) for ws in clients]
        latencies: list[float] = []
        padding = "x" * max(0, size - 40)
        for r in range(rounds):
            t0 = now_ms()
            await trigger.send(json.dumps({"round": r, "pad": padding}))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(received.get(r, [])) < n:
                await asyncio.sleep(0.01)
            latencies += [t - t0 for t in received.get(r, [])]
            await asyncio.sleep(0.3)
        for task in readers:
            task.cancel()
        for ws in clients:
            await ws.close()
        await trigger.close()
        return latencies
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=int(os.environ.get("STUDENTS", "2000")))
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--answer-window", type=float, default=2.0, help="students answer within this many seconds")
    args = parser.parse_args()
    if not 1 <= args.students <= 20000:
        parser.error("--students must be between 1 and 20000")

    var_dir = tempfile.mkdtemp(prefix="a2b-bench-")
    cookie, session_id = prepare(var_dir, args.questions)
    limits = {"QUIZ_JOIN_RATE_PER_ADDRESS": "1000000/m", "QUIZ_JOIN_RATE_PER_ROOM": "1000000/m"}
    with served(var_dir, worker=False, env=limits) as port:
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        room = asyncio.run(play(port, cookie, args.students, args.questions, args.answer_window))
    stored = stored_answers(session_id)
    bare = asyncio.run(bare_broadcast(args.students, args.questions, size=400))

    fanout_p99 = pct(room["fanout"], 99)
    bare_p99 = pct(bare, 99)
    rows = [
        ("students", args.students),
        ("questions", args.questions),
        ("join (HTTP), total s", room["join_ms"] / 1000),
        ("sockets connected, total s", room["connect_ms"] / 1000),
        ("question fan-out p50 / p95 / p99 ms", (pct(room["fanout"], 50), pct(room["fanout"], 95), fanout_p99)),
        ("reveal fan-out p50 / p99 ms", (pct(room["reveal_fanout"], 50), pct(room["reveal_fanout"], 99))),
        ("answer ack p50 / p95 ms", (pct(room["acks"], 50), pct(room["acks"], 95))),
        ("instructor tally lag p50 / p95 ms", (pct(room["tally_lags"], 50), pct(room["tally_lags"], 95))),
        ("answers sent / stored", (room["answers_sent"], stored)),
        ("question deliveries", f"{room['deliveries']} of {args.students * args.questions}"),
        ("bare websockets fan-out p50 / p99 ms", (pct(bare, 50), bare_p99)),
        ("ratio (fan-out p99 / bare p99)", fanout_p99 / bare_p99 if bare_p99 else float("nan")),
        ("student errors", ", ".join(room["errors"]) or "none"),
    ]
    print_table(rows)
    result = {
        "students": args.students,
        "questions": args.questions,
        "join_s": round(room["join_ms"] / 1000, 2),
        "connect_s": round(room["connect_ms"] / 1000, 2),
        "fanout_p50_ms": round(pct(room["fanout"], 50), 1),
        "fanout_p95_ms": round(pct(room["fanout"], 95), 1),
        "fanout_p99_ms": round(fanout_p99, 1),
        "ack_p50_ms": round(pct(room["acks"], 50), 1),
        "ack_p95_ms": round(pct(room["acks"], 95), 1),
        "tally_lag_p95_ms": round(pct(room["tally_lags"], 95), 1),
        "answers_sent": room["answers_sent"],
        "answers_stored": stored,
        "bare_fanout_p50_ms": round(pct(bare, 50), 1),
        "bare_fanout_p99_ms": round(bare_p99, 1),
        "ratio_vs_bare": round(fanout_p99 / bare_p99, 2) if bare_p99 else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
