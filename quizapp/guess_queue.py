"""Live guesses in batches: the drawings that arrive while the model is busy go through it together.

A guess is a render to 28 x 28 and a forward pass of a small CNN: about a millisecond alone, but
500 students drawing at once would queue 500 of them one by one. Here each web process keeps one
queue and one thread for guessing (apart from the database thread, so guesses never wait behind
writes): whatever arrived while the last batch ran is rendered and predicted in one pass. An idle
room pays nothing: a lone guess is a batch of one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from quizapp import errors

logger = logging.getLogger(__name__)
#: At most 32 drawings a batch, so a guess never waits behind a long one. Measured with
#: bench/draw_load.py (500 students, 1,500 guesses in 3 s) on a quiet machine, the size matters less
#: than the machine's load: guess p95 24 and 89 ms with 32, 66 ms with 256 (392 ms with 256 while
#: other test runs loaded the machine).
MAX_BATCH = 32
#: Guesses waiting beyond this are refused at once (``guess_busy``) rather than answered late.
MAX_WAITING = 4000


def _predict(model: Any, drawings: list[Any]) -> list[list[dict[str, Any]]]:
    from mlcore.learn.drawings import render_normalised
    from mlcore.services.registry import predict_arrays
    from quizapp.services.drawings import GUESS_TOP

    return predict_arrays(model=model, arrays=[render_normalised(d) for d in drawings], top=GUESS_TOP)


class GuessQueue:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue | None = None
        self.worker: asyncio.Task | None = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guess")

    def _ensure_worker(self) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        if self.loop is not loop or self.worker is None or self.worker.done():
            self.loop, self.queue = loop, asyncio.Queue()
            self.worker = loop.create_task(self._run(self.queue))
        return self.queue

    async def guess(self, model: Any, drawing: Any) -> dict[str, Any]:
        """``{"top": [{label, probability}], "ms": server milliseconds}`` for one checked drawing."""
        queue = self._ensure_worker()
        if queue.qsize() >= MAX_WAITING:
            raise errors.GuessBusy()
        future = asyncio.get_running_loop().create_future()
        queue.put_nowait((model, drawing, future, time.perf_counter()))
        return await future

    async def _run(self, queue: asyncio.Queue) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            while not queue.empty() and len(batch) < MAX_BATCH:
                batch.append(queue.get_nowait())
            by_model: dict[int, list[tuple]] = {}
            for item in batch:
                by_model.setdefault(item[0].id, []).append(item)
            for items in by_model.values():
                try:
                    tops = await loop.run_in_executor(self.executor, _predict, items[0][0], [i[1] for i in items])
                except Exception as exc:
                    logger.exception("guess batch of %d failed", len(items))
                    for *_rest, future, _t in items:
                        if not future.done():
                            future.set_exception(exc if isinstance(exc, errors.QuizError) else errors.GuessBusy())
                    continue
                now = time.perf_counter()
                for (_m, _d, future, started), top in zip(items, tops, strict=True):
                    if not future.done():
                        future.set_result({"top": top, "ms": round((now - started) * 1000, 1)})


guess_queue = GuessQueue()
