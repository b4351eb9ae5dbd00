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

    python bench/draw_load.py --students 500
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

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


def prepare(var_dir: str, n: int) -> tuple[str, int, list[str]]:
    """A fresh embedded database: the round's live session, N participants with tokens, a host cookie."""
    return session_with_students(var_dir, code="DRAWBENCH", question=DRAWING_QUESTION, n=n, prefix="artist")


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
        self.guess_ms: list[float] = []
        self.guess_server_ms: list[float] = []
        self.guess_right = 0
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
                    self.guess_ms.append(now_ms() - sent)
                    self.guess_server_ms.append(msg["ms"])
                    self.guess_right += msg["top"][0]["label"] == self.prompt
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


async def run(port: int, cookie: str, tokens: list[str], guesses: int, window_s: float, session_id: int) -> dict:
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

    async def guessing(s: Student) -> None:
        for n in range(guesses):
            await asyncio.sleep(random.uniform(0, window_s / guesses))
            await s.guess(n)

    start = now_ms()
    await asyncio.gather(*(guessing(s) for s in students))
    deadline = time.monotonic() + 60
    while any(s.pending for s in students) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    guess_all_ms = now_ms() - start
    await close_all(host, students, listeners)
    guess_ms = [t for s in students for t in s.guess_ms]
    guess_server_ms = [t for s in students for t in s.guess_server_ms]
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
        "guess_ms": guess_ms,
        "guess_server_ms": guess_server_ms,
        "guesses_sent": len(students) * guesses,
        "guess_all_ms": guess_all_ms,
        "guess_top1": sum(s.guess_right for s in students) / max(1, len(guess_ms)),
        "errors": sorted({e for s in students for e in s.errors}),
        "drawing_bytes_p50": pct(sizes, 50),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=int(os.environ.get("STUDENTS", "500")))
    parser.add_argument("--guesses", type=int, default=3, help="live guesses per student in the guess round")
    parser.add_argument("--guess-window", type=float, default=3.0, help="seconds the guesses are spread over")
    args = parser.parse_args()
    if not 4 <= args.students <= 5000:
        parser.error("--students must be between 4 and 5000")

    var_dir = tempfile.mkdtemp(prefix="a2b-drawbench-")
    cookie, session_id, tokens = prepare(var_dir, args.students)
    with served(var_dir) as port:
        result = asyncio.run(run(port, cookie, tokens, args.guesses, args.guess_window, session_id))
    reference = reference_guess_ms(session_id)
    guess_p95 = pct(result["guess_ms"], 95)
    rows = [
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
        ("live guesses sent / answered", (result["guesses_sent"], len(result["guess_ms"]))),
        ("guess p50 / p95 / p99 ms", (pct(result["guess_ms"], 50), guess_p95, pct(result["guess_ms"], 99))),
        (
            "  of which in the server's guess queue p50 / p95 ms",
            (pct(result["guess_server_ms"], 50), pct(result["guess_server_ms"], 95)),
        ),
        ("guesses whose top-1 is the prompt", f"{100 * result['guess_top1']:.0f}%"),
        ("reference: render + predict one drawing here, p50 ms", reference),
        ("ratio (guess p95 / reference)", guess_p95 / reference if reference else float("nan")),
        ("student errors", ", ".join(result["errors"]) or "none"),
    ]
    print_table(rows)
    print(
        json.dumps(
            {
                "bench": "draw",
                "students": args.students,
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
                "guesses_sent": result["guesses_sent"],
                "guesses_answered": len(result["guess_ms"]),
                "guess_p50_ms": round(pct(result["guess_ms"], 50), 1),
                "guess_p95_ms": round(guess_p95, 1),
                "guess_queue_p95_ms": round(pct(result["guess_server_ms"], 95), 1),
                "guess_top1": round(result["guess_top1"], 3),
                "reference_guess_ms": round(reference, 2),
                "guess_p95_over_reference": round(guess_p95 / reference, 1) if reference else None,
                "errors": result["errors"],
            }
        )
    )


if __name__ == "__main__":
    main()
