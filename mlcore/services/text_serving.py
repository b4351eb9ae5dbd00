"""Live text explanations off the web process's interpreter: one child process per web process
(``MLCORE_TEXT_CHILD_PROCESS``; off by default since explanations are batched and cheap, see
docs/operations.md).

``explain_texts`` in the web process holds the interpreter lock for a whole batch (the TF-IDF
analysers are pure Python), and every socket of the process waits meanwhile: at 500 students routing
at once, routes queued 72 ms but took over a second end to end. Here the batch runs in a child
process (spawned, so nothing of the parent's threads is copied) that keeps the model loaded; the
caller's thread waits without the lock. Where the child cannot be used (a remote storage without a
local path, a broken child, ``MLCORE_TEXT_CHILD_PROCESS`` off), the batch is explained in-process.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from django.conf import settings

from mlcore.learn.serving import explain_file
from mlcore.models import TrainedModel
from mlcore.services.registry import explain_texts, explained

logger = logging.getLogger(__name__)
#: A child that takes longer than this is given up on for the batch (explained in-process instead).
CHILD_TIMEOUT_S = 20.0


class TextExplainer:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def _reset(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def explain(
        self, *, model: TrainedModel, texts: list[str], top: int, words: int, ngrams: bool = True
    ) -> list[dict[str, Any]]:
        """What :func:`mlcore.services.registry.explain_texts` returns, computed in the child."""
        path = _local_file(model)
        if path is None or not getattr(settings, "MLCORE_TEXT_CHILD_PROCESS", False) or not texts:
            return explain_texts(model=model, texts=texts, top=top, words=words, ngrams=ngrams)
        try:
            raw = (
                self._executor()
                .submit(explain_file, path, list(texts), top=top, words=words, ngrams=ngrams)
                .result(CHILD_TIMEOUT_S)
            )
        except (BrokenProcessPool, OSError, TimeoutError, RuntimeError) as exc:
            logger.warning("mlcore: the text child process failed (%s); explaining here", type(exc).__name__)
            self._reset()
            raw = None
        if raw is None:
            return explain_texts(model=model, texts=texts, top=top, words=words, ngrams=ngrams)
        return explained(raw)

    def warm(self, model: TrainedModel) -> None:
        """Start the child and load ``model`` there before the first sentence waits for it."""
        self.explain(model=model, texts=["warm up"], top=1, words=1)

    def close(self) -> None:
        self._reset()


def _local_file(model: TrainedModel) -> str | None:
    try:
        return str(model.artefact.path)
    except (NotImplementedError, ValueError):
        return None


text_explainer = TextExplainer()
