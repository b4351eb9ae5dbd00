"""A drawing round through a real Celery worker: the students' drawings are rendered into the data
set by the worker, training runs there with its progress relayed to the room's sockets, and the
model trained on the class's drawings guesses new, held-out ones well above chance."""

from __future__ import annotations

import time

import numpy as np
import pytest
from channels.db import database_sync_to_async

from mlcore.learn.drawings import render_normalised, synthetic_drawing
from mlcore.services.registry import predict_arrays
from quizapp.drawing import selectors as drawing_selectors
from quizapp.drawing import services as drawings
from quizapp.live import join as joining
from quizapp.models import Drawing, DrawingRound
from tests.mlcore.workers import killable_worker
from tests.quizapp.drawing.test_rounds import KEYS, make_drawing_game
from tests.quizapp.live.test_consumers import connect, receive_type

pytestmark = [pytest.mark.worker, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

PER_PROMPT = 30
WORKER_SETTINGS = {"DJANGO_SETTINGS_MODULE": "tests.mlcore.worker_settings"}


def _class_draws(session) -> list[int]:
    """4 x 30 students join and draw their assigned prompt (synthetic, human-like strokes)."""
    joined = [
        joining.participant_join(code="DRAWS", nickname=f"s{i}", address=f"10.0.{i // 200}.{i % 200}")
        for i in range(PER_PROMPT * len(KEYS))
    ]
    requests = []
    for i, result in enumerate(joined):
        prompt = drawing_selectors.participant_prompt(result.participant, DrawingRound.objects.get().question)["key"]
        strokes = synthetic_drawing(prompt, np.random.default_rng(1000 + i)).to_wire()
        requests.append(drawings.DrawingRequest(result.participant.id, DrawingRound.objects.get().question_id, strokes))
    outcomes = drawings.drawings_submit(requests)
    receipts = [o for o in outcomes if isinstance(o, drawings.DrawingReceipt)]
    assert len(receipts) == len(outcomes), outcomes[:3]
    return [r.drawing.id for r in receipts]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


async def test_the_class_trains_a_model_that_guesses_new_drawings(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    _teacher, session, cookie = await database_sync_to_async(make_drawing_game)()
    host = await connect("/ws/rooms/DRAWS/host/", cookie)
    try:
        await receive_type(host, "host_state")
        await host.send_json_to({"type": "next"})
        await receive_type(host, "question")
        with killable_worker(name="drawings", **WORKER_SETTINGS) as worker:
            ids = await database_sync_to_async(_class_draws)(session)
            # The worker renders every drawing into the data set (the render task queued on commit).
            await database_sync_to_async(_wait)(
                lambda: Drawing.objects.filter(id__in=ids, dataset_image__isnull=False).count() == len(ids),
                60,
                f"rendering by the worker: {worker.log()}",
            )
            await host.send_json_to({"type": "reveal"})
            await host.send_json_to({"type": "train"})
            states, progress = [], []
            while True:
                message = await receive_type(host, "training", timeout=120)
                training = message["training"]
                states.append(training["state"])
                progress.append(training["progress"])
                if training["state"] in ("succeeded", "failed", "cancelled"):
                    break
            assert training["state"] == "succeeded", (training, worker.log())
        assert "running" in states, states  # the room watched it train
        assert progress == sorted(progress)
        assert progress[-1] == 1.0
        result = training["result"]
        assert result["labels"] == sorted(KEYS)
        assert result["heldout"], result
        assert result["accuracy"] > 0.5, result

        # Guesses on drawings nobody in the class made (other seeds) are well above chance (1/4).
        model = await database_sync_to_async(lambda: drawing_selectors.round_model(DrawingRound.objects.get()))()
        rng = np.random.default_rng(777)
        truth = [KEYS[i % len(KEYS)] for i in range(80)]
        arrays = [render_normalised(synthetic_drawing(k, rng)) for k in truth]
        tops = await database_sync_to_async(predict_arrays)(model=model, arrays=arrays, top=3)
        accuracy = sum(top[0]["label"] == k for top, k in zip(tops, truth, strict=True)) / len(truth)
        top3 = sum(k in {t["label"] for t in top} for top, k in zip(tops, truth, strict=True)) / len(truth)
        assert accuracy > 0.6, accuracy
        assert top3 > 0.85, top3
    finally:
        await host.disconnect()
