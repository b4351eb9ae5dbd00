"""Explain texts with a saved model, in whatever process calls it (plain Python, no Django).

A web process that routes a class's sentences live runs this in a child process of its own
(``mlcore.services.text_serving``): the TF-IDF analysers are pure Python, so in the web process they
would hold its interpreter lock for every batch and stall the event loop serving every socket.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

from .api import Model, explain, load

__all__ = ["explain_file", "preload"]

#: Models kept loaded in the process, newest last (a class uses one at a time).
CACHE_SIZE = 4
_models: OrderedDict[tuple[str, int], Model] = OrderedDict()


def _model(path: str) -> Model:
    key = (path, os.stat(path).st_mtime_ns)  # a file saved again is loaded again
    model = _models.get(key)
    if model is None:
        model = load(path)
        _models[key] = model
        while len(_models) > CACHE_SIZE:
            _models.popitem(last=False)
    _models.move_to_end(key)
    return model


def explain_file(
    path: str, texts: list[str], *, top: int, words: int, ngrams: bool = True
) -> list[dict[str, Any]] | None:
    """:func:`mlcore.learn.explain` of the model saved at ``path``; ``None`` where it fails (the
    caller explains in its own process, where the error is raised and reported as usual)."""
    try:
        return explain(_model(path), texts, top=top, words=words, ngrams=ngrams)
    except Exception:  # noqa: BLE001 - any failure: the caller's own path raises it properly
        return None


def preload(task: str) -> None:
    """Import what loading a model of ``task`` needs, ahead of the load: scikit-learn takes a second
    or more to import (several on a busy machine), and a process serving a class should pay that
    while the model trains, not when the class's first sentences wait for it."""
    if task == "text_classification":
        import joblib  # noqa: F401, PLC0415  - the import is the point
        import sklearn.feature_extraction.text  # noqa: PLC0415
        import sklearn.linear_model  # noqa: PLC0415
        import sklearn.pipeline  # noqa: F401, PLC0415
