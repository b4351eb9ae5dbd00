"""Drawing-round benchmark: N real WebSocket students draw at once, the class trains, then guesses.

Starts ``manage.py serve`` (uvicorn + a Celery worker, SQLite, in-memory channel layer, filesystem
broker: the embedded default) in a fresh folder. N students (created in the database with their join
tokens: joining is measured by ``bench/room_load.py``) connect; the instructor opens a drawing round
with four prompts; every student sends a human-like drawing of their prompt at the same moment
(synthetic strokes from ``mlcore.learn.drawings``). Measured: the submit acknowledgement latency,
how many drawings are stored and rendered into the data set by the worker, the training job on them
(progress relayed to the room), then the guess round: each student asks for live guesses while
"drawing" (``--guesses`` each, spread over ``--guess-window`` seconds), end to end over the socket.
The reference, measured in the same run: rendering and predicting one drawing in this process, with
the same model and the same code the server runs.

Prints a table, then one JSON object as the last line.

    python bench/draw_load.py --students 500 --busy-students 500
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import room_load  # noqa: E402
from bench.harness import (  # noqa: E402
    close_all,
    connect_all,
    host_connect,
    host_wait,
    log,
    now_ms,
    pct,
    print_table,
    served,
    session_with_students,
    student_socket,
)

PROMPTS = ["원 / circle", "삼각형 / triangle", "집 / house", "물고기 / fish"]
DRAWING_QUESTION = {"kind": "drawing", "prompt": "Draw your prompt", "options": PROMPTS, "time_limit_s": 300}
#: The second room kept busy while the drawing room guesses (several classes on one server).
BUSY_CODE = "BUSYROOM"
#: Its quiz: more questions than one guess round lasts (the quiz is ended once the guesses are in).
BUSY_QUESTIONS = 30
#: Live guess ids per phase: phase k sends ids k * PHASE_IDS + n (the server echoes the id back).
PHASE_IDS = 1000
PHASES = ("quiet", "busy", "quiet again")


def prepare(var_dir: str, n: int) -> tuple[str, int, list[str]]:
    """A fresh embedded database: the round's live session, N participants with tokens, a host cookie."""
    return session_with_students(var_dir, code="DRAWBENCH", question=DRAWING_QUESTION, n=n, prefix="artist")


def prepare_busy(var_dir: str, n: int) -> tuple[str, int, list[str]]:
    """The second room in the same database: its own live session of true/false questions, N students."""
    questions = [
        {
            "kind": "true_false",
            "prompt": f"Busy room question {i + 1}: is this AI task possible?",
            "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
            "time_limit_s": 60,
        }
        for i in range(BUSY_QUESTIONS)
    ]
    return session_with_students(var_dir, code=BUSY_CODE, questions=questions, n=n, prefix="busy")


class BusyRoom:
    """A class of ``bench/room_load.py`` students answering in room ``BUSYROOM`` on the same server."""

    def __init__(self, port: int, cookie: str, tokens: list[str], answer_window_s: float) -> None:
        self.port = port
        self.cookie = cookie
        self.answer_window_s = answer_window_s
        self.students = [room_load.Student(i, BUSY_CODE) for i in range(len(tokens))]
        for student, token in zip(self.students, tokens, strict=True):
            student.token = token
            student.port = port
        self.tasks: list = []
        self.host: Any = None
        self.events: asyncio.Queue = asyncio.Queue()
        self.reader: asyncio.Task | None = None
        self.fanout: list[float] = []
        self.questions = 0
        self.connect_ms = 0.0

    async def connect(self) -> None:
        self.tasks, self.connect_ms = await room_load.connect_all(self.students, self.answer_window_s)
        self.host = await host_connect(self.port, BUSY_CODE, self.cookie)

        async def read() -> None:
            async for raw in self.host:
                await self.events.put(json.loads(raw))

        self.reader = asyncio.create_task(read())

    async def play(self, answering: asyncio.Event, stop: asyncio.Event) -> None:
        """Questions one after another until ``stop`` (the current one is finished and revealed);
        ``answering`` is set once the first question has reached every student."""
        while not stop.is_set():
            first = self.questions == 0
            task = asyncio.create_task(
                room_load.one_question(self.host, self.events, self.students, self.answer_window_s)
            )
            if first:  # the students have the question once its fan-out is in
                while not task.done() and not all(s.question_at for s in self.students):
                    await asyncio.sleep(0.02)
                answering.set()
            _qid, fanout, _reveal = await task
            self.fanout += fanout
            self.questions += 1
            if self.questions >= BUSY_QUESTIONS:
                break
        answering.set()

    async def end(self) -> None:
        await self.host.send(json.dumps({"type": "end"}))
        await asyncio.wait_for(asyncio.gather(*self.tasks, return_exceptions=True), 60)
        if self.reader is not None:
            self.reader.cancel()
        await self.host.close()
        for s in self.students:
            if s.ws is not None:
                await s.ws.close()

    def acks(self) -> list[float]:
        return [a for s in self.students for a in s.acks]

    def acked_between(self, start: float, end: float) -> int:
        return sum(start <= t <= end for s in self.students for t in s.ack_times)


def stored_counts(session_id: int) -> tuple[int, int]:
    from quizapp.models import Drawing

    drawings = Drawing.objects.filter(round__session_id=session_id)
    return drawings.count(), drawings.filter(dataset_image__isnull=False).count()


def reference_guess_ms(session_id: int, samples: int = 200) -> float:
    """Render + predict one drawing here, with the server's model and code (p50 ms)."""
    import numpy as np

    from mlcore.learn.drawings import render_normalised, synthetic_drawing
    from mlcore.services.registry import predict_arrays
    from quizapp.drawing.selectors import round_model
    from quizapp.models import DrawingRound

    model = round_model(DrawingRound.objects.select_related("training_job").get(session_id=session_id))
    rng = np.random.default_rng(5)
    drawings = [synthetic_drawing(("circle", "triangle", "house", "fish")[i % 4], rng) for i in range(samples)]
    predict_arrays(model=model, arrays=[render_normalised(drawings[0])])  # load and warm
    times = []
    for d in drawings:
        start = now_ms()
        predict_arrays(model=model, arrays=[render_normalised(d)], top=3)
        times.append(now_ms() - start)
    return pct(times, 50)


class Student:
    def __init__(self, index: int, token: str) -> None:
        self.index = index
        self.token = token
        self.ws = None
        self.prompt = None
        self.question_id = None
        self.drawing = None
        self.ack_ms: float | None = None
        self.guess_ms: dict[int, list[float]] = {}
        self.guess_server_ms: dict[int, list[float]] = {}
        self.guess_right: dict[int, int] = {}
        self.errors: list[str] = []
        self.events: dict[str, asyncio.Event] = {k: asyncio.Event() for k in ("state", "question", "ack", "guess")}
        self.pending: dict[str, float] = {}

    async def connect(self, port: int) -> None:
        self.ws = await student_socket(port, "DRAWBENCH", self.token)

    async def listen(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            kind = msg["type"]
            if kind == "state":
                self.events["state"].set()
            elif kind == "question":
                self.question_id = msg["question"]["id"]
                self.prompt = msg["you"]["prompt"]["key"]
                self.events["question"].set()
            elif kind == "drawing_received":
                self.ack_ms = now_ms() - self.pending.pop("drawing")
                self.events["ack"].set()
            elif kind == "guesses":
                sent = self.pending.pop(str(msg["id"]), None)
                if sent is not None:
                    phase = int(msg["id"]) // PHASE_IDS
                    self.guess_ms.setdefault(phase, []).append(now_ms() - sent)
                    self.guess_server_ms.setdefault(phase, []).append(msg["ms"])
                    right = self.guess_right.get(phase, 0) + (msg["top"][0]["label"] == self.prompt)
                    self.guess_right[phase] = right
            elif kind == "guess_round":
                self.events["guess"].set()
            elif kind == "error":
                self.errors.append(msg["code"])

    async def send_drawing(self) -> None:
        self.pending["drawing"] = now_ms()
        await self.ws.send(json.dumps({"type": "drawing", "question_id": self.question_id, "drawing": self.drawing}))

    async def guess(self, n: int) -> None:
        self.pending[str(n)] = now_ms()
        frame = {"type": "guess", "question_id": self.question_id, "drawing": self.drawing, "id": n}
        await self.ws.send(json.dumps(frame))


async def guess_phase(students: list[Student], phase: int, guesses: int, window_s: float) -> dict:
    """Every student asks ``guesses`` live guesses spread over ``window_s``; wait for the answers."""

    async def guessing(s: Student) -> None:
        for n in range(guesses):
            await asyncio.sleep(random.uniform(0, window_s / guesses))
            await s.guess(phase * PHASE_IDS + n)

    start = now_ms()
    await asyncio.gather(*(guessing(s) for s in students))
    deadline = time.monotonic() + 60
    while any(s.pending for s in students) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    end = now_ms()
    answered = [t for s in students for t in s.guess_ms.get(phase, [])]
    return {
        "guess_ms": answered,
        "guess_server_ms": [t for s in students for t in s.guess_server_ms.get(phase, [])],
        "guesses_sent": len(students) * guesses,
        "guess_all_ms": end - start,
        "guess_top1": sum(s.guess_right.get(phase, 0) for s in students) / max(1, len(answered)),
        "start": start,
        "end": end,
    }


async def run(
    port: int,
    cookie: str,
    tokens: list[str],
    guesses: int,
    window_s: float,
    session_id: int,
    busy: tuple[str, int, list[str]] | None,
    busy_window_s: float,
) -> dict:
    import numpy as np

    from mlcore.learn.drawings import synthetic_drawing

    students = [Student(i, t) for i, t in enumerate(tokens)]
    host = await host_connect(port, "DRAWBENCH", cookie)
    listeners, connect_ms = await connect_all(students, port)
    log(f"{len(students)} sockets in {connect_ms / 1000:.1f} s")

    await host.send(json.dumps({"type": "next"}))
    await asyncio.wait_for(asyncio.gather(*(s.events["question"].wait() for s in students)), 60)
    rng = np.random.default_rng(2026)
    for s in students:
        s.drawing = synthetic_drawing(s.prompt, rng).to_wire()
    sizes = [len(json.dumps(s.drawing)) for s in students]

    # Everyone submits at once.
    start = now_ms()
    await asyncio.gather(*(s.send_drawing() for s in students))
    await asyncio.wait_for(asyncio.gather(*(s.events["ack"].wait() for s in students)), 120)
    submit_all_ms = now_ms() - start
    acks = [s.ack_ms for s in students if s.ack_ms is not None]
    log(f"{len(acks)} drawings acknowledged in {submit_all_ms / 1000:.2f} s")

    # The worker renders them into the data set.
    start = now_ms()
    stored = rendered = 0
    while time.monotonic() and now_ms() - start < 120_000:
        stored, rendered = await asyncio.to_thread(stored_counts, session_id)
        if rendered >= stored == len(students):
            break
        await asyncio.sleep(0.25)
    render_ms = now_ms() - start

    # Train, watched through the room.
    await host.send(json.dumps({"type": "reveal"}))
    await host.send(json.dumps({"type": "train"}))
    start = now_ms()
    done = await host_wait(
        host, "training", 300, lambda m: m["training"]["state"] in ("succeeded", "failed", "cancelled")
    )
    train_ms = now_ms() - start
    accuracy = (done["training"].get("result") or {}).get("accuracy")
    log(f"training {done['training']['state']} in {train_ms / 1000:.1f} s, held-out accuracy {accuracy}")

    await host.send(json.dumps({"type": "guess_round"}))
    await asyncio.wait_for(asyncio.gather(*(s.events["guess"].wait() for s in students)), 60)
    # One guess before the timed phases: the process reads the round and loads its model once.
    await students[0].guess(-1)
    deadline = time.monotonic() + 60
    while students[0].pending and time.monotonic() < deadline:
        await asyncio.sleep(0.05)

    phases = [await guess_phase(students, 0, guesses, window_s)]
    log(f"guesses alone: p95 {pct(phases[0]['guess_ms'], 95):.0f} ms")
    busy_result: dict[str, Any] = {}
    if busy is not None:
        busy_cookie, busy_session_id, busy_tokens = busy
        room = BusyRoom(port, busy_cookie, busy_tokens, busy_window_s)
        await room.connect()
        log(f"busy room: {len(busy_tokens)} sockets in {room.connect_ms / 1000:.1f} s; its quiz starts")
        answering, stop = asyncio.Event(), asyncio.Event()
        playing = asyncio.create_task(room.play(answering, stop))
        started = asyncio.ensure_future(answering.wait())
        await asyncio.wait([playing, started], return_when=asyncio.FIRST_COMPLETED)
        if playing.done():
            playing.result()  # the quiz failed before its first question reached everyone: say why
        phases.append(await guess_phase(students, 1, guesses, window_s))
        stop.set()
        await playing
        await room.end()
        log(f"guesses beside the busy room: p95 {pct(phases[1]['guess_ms'], 95):.0f} ms; its quiz ended")
        answers_stored, duplicates = await asyncio.to_thread(room_load.stored_answers, busy_session_id)
        busy_result = {
            "students": len(busy_tokens),
            "connect_ms": room.connect_ms,
            "questions": room.questions,
            "fanout": room.fanout,
            "acks": room.acks(),
            "acked_in_window": room.acked_between(phases[1]["start"], phases[1]["end"]),
            "answers_sent": sum(s.answered for s in room.students),
            "answers_stored": answers_stored,
            "duplicates": duplicates,
            "errors": sorted({e for s in room.students for e in s.errors}),
        }
        phases.append(await guess_phase(students, 2, guesses, window_s))
        log(f"guesses alone again: p95 {pct(phases[2]['guess_ms'], 95):.0f} ms")
    await close_all(host, students, listeners)
    return {
        "connect_ms": connect_ms,
        "acks": acks,
        "submit_all_ms": submit_all_ms,
        "stored": stored,
        "rendered": rendered,
        "render_ms": render_ms,
        "train_state": done["training"]["state"],
        "train_ms": train_ms,
        "heldout_accuracy": accuracy,
        "phases": phases,
        "busy": busy_result,
        "errors": sorted({e for s in students for e in s.errors}),
        "drawing_bytes_p50": pct(sizes, 50),
    }


def _ms(values: list[float]) -> tuple[float, float, float]:
    return pct(values, 50), pct(values, 95), pct(values, 99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=int(os.environ.get("STUDENTS", "500")))
    parser.add_argument("--guesses", type=int, default=3, help="live guesses per student in the guess round")
    parser.add_argument("--guess-window", type=float, default=3.0, help="seconds the guesses are spread over")
    parser.add_argument(
        "--busy-students",
        type=int,
        default=int(os.environ.get("BUSY_STUDENTS", "500")),
        help="students answering questions in a second room while the drawing room guesses (0: guesses alone)",
    )
    parser.add_argument(
        "--busy-answer-window", type=float, default=2.0, help="the busy room's students answer within this many s"
    )
    args = parser.parse_args()
    if not 4 <= args.students <= 5000:
        parser.error("--students must be between 4 and 5000")
    if not 0 <= args.busy_students <= 5000:
        parser.error("--busy-students must be between 0 and 5000")
    if not 1 <= args.guesses < PHASE_IDS:
        parser.error(f"--guesses must be between 1 and {PHASE_IDS - 1}")

    var_dir = tempfile.mkdtemp(prefix="a2b-drawbench-")
    cookie, session_id, tokens = prepare(var_dir, args.students)
    busy = prepare_busy(var_dir, args.busy_students) if args.busy_students else None
    with served(var_dir) as port:
        result = asyncio.run(
            run(port, cookie, tokens, args.guesses, args.guess_window, session_id, busy, args.busy_answer_window)
        )
    reference = reference_guess_ms(session_id)
    phases = result["phases"]
    quiet_ms = [t for p in (phases[0], *phases[2:]) for t in p["guess_ms"]]
    quiet_p95 = pct(quiet_ms, 95)
    guess_p95 = pct(phases[0]["guess_ms"], 95)
    rows: list[tuple[str, object]] = [
        ("students", args.students),
        ("sockets connected, total s", result["connect_ms"] / 1000),
        ("drawing size p50, bytes", result["drawing_bytes_p50"]),
        ("drawings sent / acknowledged", (args.students, len(result["acks"]))),
        ("submit ack p50 / p95 / max ms", (pct(result["acks"], 50), pct(result["acks"], 95), max(result["acks"]))),
        ("all submits acknowledged, s", result["submit_all_ms"] / 1000),
        ("drawings stored / rendered into the data set", (result["stored"], result["rendered"])),
        ("rendering by the worker, s", result["render_ms"] / 1000),
        ("training (worker, relayed to the room), s", result["train_ms"] / 1000),
        ("training state / held-out accuracy", (result["train_state"], result["heldout_accuracy"])),
    ]
    for name, phase in zip(PHASES, phases, strict=False):
        rows += [
            (f"[{name}] live guesses sent / answered", (phase["guesses_sent"], len(phase["guess_ms"]))),
            (f"[{name}] guess p50 / p95 / p99 ms", _ms(phase["guess_ms"])),
            (
                f"[{name}]   of which in the server's guess queue p50 / p95 ms",
                (pct(phase["guess_server_ms"], 50), pct(phase["guess_server_ms"], 95)),
            ),
            (f"[{name}] guesses whose top-1 is the prompt", f"{100 * phase['guess_top1']:.0f}%"),
        ]
    rows += [
        ("reference: render + predict one drawing here, p50 ms", reference),
        ("ratio (quiet guess p95 / reference)", guess_p95 / reference if reference else float("nan")),
    ]
    busy = result["busy"]
    busy_p95 = pct(phases[1]["guess_ms"], 95) if busy else float("nan")
    if busy:
        rows += [
            ("busy room: students / questions played", (busy["students"], busy["questions"])),
            ("busy room: sockets connected, total s", busy["connect_ms"] / 1000),
            ("busy room: question fan-out p50 / p95 ms", (pct(busy["fanout"], 50), pct(busy["fanout"], 95))),
            ("busy room: answer ack p50 / p95 / p99 ms", _ms(busy["acks"])),
            ("busy room: answers acked inside the busy guess window", busy["acked_in_window"]),
            (
                "busy room: answers sent / acked / stored / duplicates",
                (busy["answers_sent"], len(busy["acks"]), busy["answers_stored"], busy["duplicates"]),
            ),
            ("busy room: student errors", ", ".join(busy["errors"]) or "none"),
            ("ratio (busy guess p95 / quiet guess p95)", busy_p95 / quiet_p95 if quiet_p95 else float("nan")),
        ]
    rows.append(("student errors", ", ".join(result["errors"]) or "none"))
    print_table(rows)
    summary: dict[str, Any] = {
        "bench": "draw",
        "students": args.students,
        "busy_students": args.busy_students,
        "drawings_sent": args.students,
        "drawings_acknowledged": len(result["acks"]),
        "drawings_stored": result["stored"],
        "drawings_rendered": result["rendered"],
        "submit_ack_p50_ms": round(pct(result["acks"], 50), 1),
        "submit_ack_p95_ms": round(pct(result["acks"], 95), 1),
        "render_s": round(result["render_ms"] / 1000, 2),
        "train_s": round(result["train_ms"] / 1000, 2),
        "train_state": result["train_state"],
        "heldout_accuracy": result["heldout_accuracy"],
        "guesses_sent": phases[0]["guesses_sent"],
        "guesses_answered": len(phases[0]["guess_ms"]),
        "guess_p50_ms": round(pct(phases[0]["guess_ms"], 50), 1),
        "guess_p95_ms": round(guess_p95, 1),
        "guess_p99_ms": round(pct(phases[0]["guess_ms"], 99), 1),
        "guess_queue_p95_ms": round(pct(phases[0]["guess_server_ms"], 95), 1),
        "guess_top1": round(phases[0]["guess_top1"], 3),
        "reference_guess_ms": round(reference, 2),
        "guess_p95_over_reference": round(guess_p95 / reference, 1) if reference else None,
        "errors": result["errors"],
    }
    if busy:
        again = phases[2]["guess_ms"]
        summary.update(
            {
                "busy_guesses_sent": phases[1]["guesses_sent"],
                "busy_guesses_answered": len(phases[1]["guess_ms"]),
                "busy_guess_p50_ms": round(pct(phases[1]["guess_ms"], 50), 1),
                "busy_guess_p95_ms": round(busy_p95, 1),
                "busy_guess_p99_ms": round(pct(phases[1]["guess_ms"], 99), 1),
                "busy_guess_queue_p95_ms": round(pct(phases[1]["guess_server_ms"], 95), 1),
                "quiet_again_guess_p95_ms": round(pct(again, 95), 1),
                "quiet_guess_p95_ms": round(quiet_p95, 1),
                "busy_over_quiet_guess_p95": round(busy_p95 / quiet_p95, 2) if quiet_p95 else None,
                "busy_questions": busy["questions"],
                "busy_ack_p50_ms": round(pct(busy["acks"], 50), 1),
                "busy_ack_p95_ms": round(pct(busy["acks"], 95), 1),
                "busy_acked_in_guess_window": busy["acked_in_window"],
                "busy_answers_sent": busy["answers_sent"],
                "busy_answers_acked": len(busy["acks"]),
                "busy_answers_stored": busy["answers_stored"],
                "busy_duplicates": busy["duplicates"],
                "busy_errors": busy["errors"],
            }
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
