"""Live guesses in batches: the drawings (or, in a text round, the sentences being typed) that
arrive while the model is busy go through it together.

A guess is a render to 28 x 28 and a forward pass of a small CNN: about a millisecond alone, but
500 students drawing at once would queue 500 of them one by one. Here each web process keeps one
queue and one thread for guessing (apart from the database thread, so guesses never wait behind
writes): whatever arrived while the last batch ran is rendered and predicted in one pass. An idle
room pays nothing: a lone guess is a batch of one. Sentences explained in this process (the text
child off, the default) are routed on the event loop itself: a batch is a millisecond or two.

A text round's routes (a sentence being typed) are coalesced per socket: a phone's route still
waiting for the model when the same phone sends a newer one is answered at once as superseded (its
text is out of date; docs/websocket-protocol.md, ``routed``), so a phone that types faster than the
model answers costs one route per batch, not one per keystroke. Routes are also remembered per
model (:data:`ROUTE_CACHE_SIZE`): the same sentence again is answered without the model.

Also here: how often one socket may ask (:class:`GuessThrottle`) and the round a session's guesses
go to, read once a second per process and shared by its sockets (:func:`guess_target`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from core.batching import BatchWorker
from mlcore.learn import serving as learn_serving
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
#: Sentences a batch may hold: a text round's first keystrokes come all at once (500 phones in 0.2 s),
#: and a batch's fixed cost (the sparse matrix, the model's checks) is paid per batch, not per sentence.
MAX_ROUTE_BATCH = 128
#: Guesses waiting beyond this are refused at once (``guess_busy``) rather than answered late.
MAX_WAITING = 4000
#: Live guesses a socket may ask for per second (the page asks after each stroke, throttled).
GUESSES_PER_SECOND = 8
#: How long the process trusts what it read about the round a session guesses for.
GUESS_TARGET_TTL_S = 1.0


#: Words of a routed sentence shown with its desks ("환불" -> refund).
ROUTE_WORDS = 5
#: Routed sentences remembered per process (model, text): a phone that pauses, or sends the sentence
#: it just routed, is answered from here.
ROUTE_CACHE_SIZE = 4096
#: What a route replaced by a newer one from the same socket is answered with.
SUPERSEDED: dict[str, Any] = {"top": [], "words": [], "superseded": True}


def _predict(model: Any, drawings: list[Any]) -> list[dict[str, Any]]:
    tops = predict_arrays(model=model, arrays=[render_normalised(d) for d in drawings], top=GUESS_TOP)
    return [{"top": top} for top in tops]


_routed: OrderedDict[tuple[int, str, str], dict[str, Any]] = OrderedDict()


def _route(model: Any, texts: list[str]) -> list[dict[str, Any]]:
    """Each sentence's top desks and the words that decided it: one pass over the batch's new
    sentences (in the process's text child: ``mlcore.services.text_serving``), the rest remembered.
    Runs in the guess thread only, so the memory needs no lock."""
    keys = [(model.id, model.artefact.name, text) for text in texts]
    missing = [key for key in dict.fromkeys(keys) if key not in _routed]
    if missing:
        results = text_explainer.explain(
            model=model, texts=[key[2] for key in missing], top=GUESS_TOP, words=ROUTE_WORDS, ngrams=False
        )
        for key, r in zip(missing, results, strict=True):
            _routed[key] = {"top": r["top"], "words": r["words"]}
    out = []
    for key in keys:
        _routed.move_to_end(key)
        out.append(_routed[key])
    while len(_routed) > ROUTE_CACHE_SIZE:
        _routed.popitem(last=False)
    return out


def _batch_size(predict: Any) -> int:
    """Sentences go through the model 128 at a time, drawings 32 (see the two constants)."""
    return MAX_ROUTE_BATCH if predict is _route else MAX_BATCH


class GuessQueue(BatchWorker):
    max_batch = MAX_ROUTE_BATCH  # drawings are split into batches of MAX_BATCH in handle()

    def __init__(self) -> None:
        super().__init__()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guess")
        #: Per socket (``slot``): its route still waiting in the queue (its future and start), if any.
        self.slots: dict[Any, tuple[asyncio.Future, float]] = {}

    async def guess(self, model: Any, drawing: Any) -> dict[str, Any]:
        """``{"top": [{label, probability}], "ms": server milliseconds}`` for one checked drawing."""
        return await self._ask(model, drawing, _predict)

    async def route(self, model: Any, text: str, slot: Any = None) -> dict[str, Any]:
        """``{"top", "words", "ms"}`` for one checked sentence (a text round's model). With a
        ``slot`` (the asking socket), a route of the same slot still waiting for the model is
        answered at once with :data:`SUPERSEDED` (and ``ms``), and this one takes its place; one
        the model is already working on is answered as usual."""
        return await self._ask(model, text, _route, slot)

    async def _ask(self, model: Any, item: Any, predict: Any, slot: Any = None) -> dict[str, Any]:
        if self.waiting() >= MAX_WAITING:
            raise errors.GuessBusy()
        future = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        if slot is not None:
            older = self.slots.get(slot)
            if older is not None and not older[0].done():
                older[0].set_result({**SUPERSEDED, "ms": round((started - older[1]) * 1000, 1)})
            self.slots[slot] = (future, started)
        self.put((model, item, future, started, predict, slot))
        try:
            return await future
        finally:
            self._free(slot, future)

    def _free(self, slot: Any, future: asyncio.Future) -> None:
        waiting = self.slots.get(slot) if slot is not None else None
        if waiting is not None and waiting[0] is future:
            del self.slots[slot]

    async def handle(self, batch: list[Any]) -> None:
        loop = asyncio.get_running_loop()
        by_model: dict[tuple[Any, int], list[tuple]] = {}
        for item in batch:
            if item[2].done():  # superseded (or its asker went away): no work for the model
                continue
            self._free(item[5], item[2])  # the model has it now: a newer route waits its turn
            by_model.setdefault((item[4], item[0].id), []).append(item)
        batches = [
            items[start : start + _batch_size(predict)]
            for (predict, _model_id), items in by_model.items()
            for start in range(0, len(items), _batch_size(predict))
        ]
        for items in batches:
            predict = items[0][4]
            try:
                if predict is _route and not settings.MLCORE_TEXT_CHILD_PROCESS:
                    # A batch of sentences explained in this process is a millisecond or two of
                    # sparse arithmetic: done here, on the loop. Handed to the guess thread, the hops
                    # and the interpreter lock they share took the queue's p95 from 10 to 36 ms
                    # (bench/text_load.py). With the text child, the wait for it is the thread's.
                    tops = predict(items[0][0], [i[1] for i in items])
                else:
                    tops = await loop.run_in_executor(self.executor, predict, items[0][0], [i[1] for i in items])
            except Exception as exc:
                logger.exception("guess batch of %d failed", len(items))
                for _m, _i, future, _t, _p, _s in items:
                    if not future.done():
                        future.set_exception(exc if isinstance(exc, errors.QuizError) else errors.GuessBusy())
                continue
            now = time.perf_counter()
            for (_m, _i, future, started, _p, _s), result in zip(items, tops, strict=True):
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


async def preload(round_id: int) -> None:
    """Import what a text round's model needs in this process while its training runs (the relay
    calls this when it starts watching one): at the training's end only the model file is read."""
    try:
        if await database_sync_to_async(drawing_selectors.round_is_text)(round_id):
            await asyncio.get_running_loop().run_in_executor(
                guess_queue.executor, learn_serving.preload, Task.TEXT_CLASSIFICATION
            )
    except Exception:  # an optimisation: the first route loads what it needs anyway
        logger.warning("quiz: could not preload round %s's model libraries", round_id, exc_info=True)


async def prewarm(round_id: int) -> None:
    """Load a round's freshly trained model before the guess round asks for it (the relay calls
    this when the training it watches succeeds: the first guesses then do not wait for a load)."""
    model = await database_sync_to_async(drawing_selectors.model_of_round)(round_id)
    if model is not None:
        await asyncio.get_running_loop().run_in_executor(guess_queue.executor, _warm, model)


def _fetched(key: tuple[int, int], done: asyncio.Future) -> None:
    if _fetching.get(key) is done:
        del _fetching[key]
    if not done.cancelled() and done.exception() is not None:
        # Refused (the round closed, the model went): the next guess asks again and hears why.
        _targets.pop(key, None)


async def guess_target(session_id: int, question_id: int) -> tuple[Any, dict[str, str]]:
    """The round's model and prompt texts, shared by the process's sockets of the session."""
    key = (session_id, question_id)
    cached = _targets.get(key)
    if cached is not None:
        if time.monotonic() >= cached[0]:
            _start_fetch(key)  # read again in the background; what was read answers meanwhile
        return cached[1]
    # A refusal is not kept: the guess round may open the next moment.
    return await asyncio.shield(_start_fetch(key))


def _start_fetch(key: tuple[int, int]) -> asyncio.Future:
    """The lookup of ``key`` in flight, started if there is none. Refreshes run while the last
    target keeps answering: a class routing 1,400 sentences a second waited for each refresh (the
    database thread, then the guess thread to warm the model), every second (bench/text_load.py)."""
    pending = _fetching.get(key)
    if pending is None or pending.get_loop() is not asyncio.get_running_loop():
        pending = asyncio.ensure_future(_fetch_target(key))
        _fetching[key] = pending
        pending.add_done_callback(lambda done: _fetched(key, done))
    return pending


async def labelled_guess(session_id: int, question_id: int, strokes: Any) -> tuple[list[dict[str, Any]], float]:
    """The model's top guesses for ``strokes`` with each prompt's text, and the server time they took."""
    model, prompts = await guess_target(session_id, question_id)
    if model.task != Task.IMAGE_CLASSIFICATION:
        raise errors.NotDrawingRound()
    result = await guess_queue.guess(model, strokes)
    return drawing_selectors.labelled_top(result["top"], prompts), result["ms"]


async def labelled_route(
    session_id: int, question_id: int, text: str, slot: Any = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], float, bool]:
    """A text round's top desks for ``text`` with each label's text, the words that decided it, the
    server time it took, and whether a newer route of the same ``slot`` superseded it (then the
    desks and words are empty: see :meth:`GuessQueue.route`)."""
    model, prompts = await guess_target(session_id, question_id)
    if model.task != Task.TEXT_CLASSIFICATION:
        raise errors.NotTextRound()
    result = await guess_queue.route(model, text, slot)
    superseded = bool(result.get("superseded"))
    return drawing_selectors.labelled_top(result["top"], prompts), result["words"], result["ms"], superseded
