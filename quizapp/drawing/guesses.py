"""Live guesses in batches: the drawings (or, in a text round, the sentences being typed) that
arrive while the model is busy go through it together.

A guess is a render to 28 x 28 and a forward pass of a small CNN: about a millisecond alone, but
500 students drawing at once would queue 500 of them one by one. Here each web process keeps one
queue and one thread for guessing (apart from the database thread, so guesses never wait behind
writes): whatever arrived while the last batch ran is rendered and predicted in one pass. An idle
room pays nothing: a lone guess is a batch of one.

Also here: how often one socket may ask (:class:`GuessThrottle`) and the round a session's guesses
go to, read once a second per process and shared by its sockets (:func:`guess_target`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.db import database_sync_to_async

from core.batching import BatchWorker
from mlcore.learn.drawings import render_normalised
from mlcore.models import Task
from mlcore.services.registry import model_load, predict_arrays
from mlcore.services.text_serving import text_explainer
from quizapp import errors
from quizapp.drawing import selectors as drawing_selectors
from quizapp.drawing.services import GUESS_TOP

logger = logging.getLogger(__name__)
#: At most 32 drawings a batch, so a guess never waits behind a long one. Measured with
#: bench/draw_load.py (500 students, 1,500 guesses in 3 s) on a quiet machine, the size matters less
#: than the machine's load: guess p95 24 and 89 ms with 32, 66 ms with 256 (392 ms with 256 while
#: other test runs loaded the machine).
MAX_BATCH = 32
#: Guesses waiting beyond this are refused at once (``guess_busy``) rather than answered late.
MAX_WAITING = 4000
#: Live guesses a socket may ask for per second (the page asks after each stroke, throttled).
GUESSES_PER_SECOND = 8
#: How long the process trusts what it read about the round a session guesses for.
GUESS_TARGET_TTL_S = 1.0


#: Words of a routed sentence shown with its desks ("환불" -> refund).
ROUTE_WORDS = 5


def _predict(model: Any, drawings: list[Any]) -> list[dict[str, Any]]:
    tops = predict_arrays(model=model, arrays=[render_normalised(d) for d in drawings], top=GUESS_TOP)
    return [{"top": top} for top in tops]


def _route(model: Any, texts: list[str]) -> list[dict[str, Any]]:
    """Each sentence's top desks and the words that decided it (one pass over the batch, in the
    process's text child: ``mlcore.services.text_serving``)."""
    results = text_explainer.explain(model=model, texts=texts, top=GUESS_TOP, words=ROUTE_WORDS)
    return [{"top": r["top"], "words": r["words"]} for r in results]


class GuessQueue(BatchWorker):
    max_batch = MAX_BATCH

    def __init__(self) -> None:
        super().__init__()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guess")

    async def guess(self, model: Any, drawing: Any) -> dict[str, Any]:
        """``{"top": [{label, probability}], "ms": server milliseconds}`` for one checked drawing."""
        return await self._ask(model, drawing, _predict)

    async def route(self, model: Any, text: str) -> dict[str, Any]:
        """``{"top", "words", "ms"}`` for one checked sentence (a text round's model)."""
        return await self._ask(model, text, _route)

    async def _ask(self, model: Any, item: Any, predict: Any) -> dict[str, Any]:
        if self.waiting() >= MAX_WAITING:
            raise errors.GuessBusy()
        future = asyncio.get_running_loop().create_future()
        self.put((model, item, future, time.perf_counter(), predict))
        return await future

    async def handle(self, batch: list[Any]) -> None:
        loop = asyncio.get_running_loop()
        by_model: dict[tuple[Any, int], list[tuple]] = {}
        for item in batch:
            by_model.setdefault((item[4], item[0].id), []).append(item)
        for (predict, _model_id), items in by_model.items():
            try:
                tops = await loop.run_in_executor(self.executor, predict, items[0][0], [i[1] for i in items])
            except Exception as exc:
                logger.exception("guess batch of %d failed", len(items))
                for _m, _i, future, _t, _p in items:
                    if not future.done():
                        future.set_exception(exc if isinstance(exc, errors.QuizError) else errors.GuessBusy())
                continue
            now = time.perf_counter()
            for (_m, _i, future, started, _p), result in zip(items, tops, strict=True):
                if not future.done():
                    future.set_result({**result, "ms": round((now - started) * 1000, 1)})


guess_queue = GuessQueue()


class GuessThrottle:
    """One socket's live guesses: at most :data:`GUESSES_PER_SECOND` in any second."""

    def __init__(self, per_second: int = GUESSES_PER_SECOND) -> None:
        self.per_second = per_second
        self.times: list[float] = []

    def check(self) -> None:
        now = time.monotonic()
        self.times = [t for t in self.times if now - t < 1.0]
        if len(self.times) >= self.per_second:
            raise errors.GuessBusy()
        self.times.append(now)


_targets: dict[tuple[int, int], tuple[float, Any]] = {}
#: Lookups in flight: a class asking at once waits for one lookup, not one each (the database
#: thread is shared with the answers: 500 lookups queued there delayed every guess by seconds).
_fetching: dict[tuple[int, int], asyncio.Future] = {}


async def _fetch_target(key: tuple[int, int]) -> Any:
    target = await database_sync_to_async(drawing_selectors.guess_target)(session_id=key[0], question_id=key[1])
    # Load the model before the first guess waits for it (a text model: in the text child too).
    await asyncio.get_running_loop().run_in_executor(guess_queue.executor, _warm, target[0])
    _targets[key] = (time.monotonic() + GUESS_TARGET_TTL_S, target)
    return target


def _warm(model: Any) -> None:
    """Load ``model`` where guesses need it: this process, and for a text model the text child."""
    if model.task == Task.TEXT_CLASSIFICATION:
        text_explainer.warm(model)
    else:
        model_load(model)


async def prewarm(round_id: int) -> None:
    """Load a round's freshly trained model before the guess round asks for it (the relay calls
    this when the training it watches succeeds: the first guesses then do not wait for a load)."""
    model = await database_sync_to_async(drawing_selectors.model_of_round)(round_id)
    if model is not None:
        await asyncio.get_running_loop().run_in_executor(guess_queue.executor, _warm, model)


def _fetched(key: tuple[int, int], done: asyncio.Future) -> None:
    if _fetching.get(key) is done:
        del _fetching[key]
    if not done.cancelled():
        done.exception()  # retrieved: the waiters (if any are left) raise it themselves


async def guess_target(session_id: int, question_id: int) -> tuple[Any, dict[str, str]]:
    """The round's model and prompt texts, shared by the process's sockets of the session."""
    key = (session_id, question_id)
    cached = _targets.get(key)
    if cached is not None and time.monotonic() < cached[0]:
        return cached[1]
    pending = _fetching.get(key)
    if pending is None or pending.get_loop() is not asyncio.get_running_loop():
        pending = asyncio.ensure_future(_fetch_target(key))
        _fetching[key] = pending
        pending.add_done_callback(lambda done: _fetched(key, done))
    # A refusal is not kept: the guess round may open the next moment.
    return await asyncio.shield(pending)


async def labelled_guess(session_id: int, question_id: int, strokes: Any) -> tuple[list[dict[str, Any]], float]:
    """The model's top guesses for ``strokes`` with each prompt's text, and the server time they took."""
    model, prompts = await guess_target(session_id, question_id)
    if model.task != Task.IMAGE_CLASSIFICATION:
        raise errors.NotDrawingRound()
    result = await guess_queue.guess(model, strokes)
    return drawing_selectors.labelled_top(result["top"], prompts), result["ms"]


async def labelled_route(
    session_id: int, question_id: int, text: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], float]:
    """A text round's top desks for ``text`` with each label's text, the words that decided it, and
    the server time it took."""
    model, prompts = await guess_target(session_id, question_id)
    if model.task != Task.TEXT_CLASSIFICATION:
        raise errors.NotTextRound()
    result = await guess_queue.route(model, text)
    return drawing_selectors.labelled_top(result["top"], prompts), result["words"], result["ms"]
