"""The lecture's ``train(A, B) -> model`` and ``predict(model, A)`` in plain Python.

No Django here: this package must be usable from a notebook or a script.

    from mlcore.learn import train, predict, generate_doodles
    images, labels = generate_doodles(per_class=200, seed=0)
    model = train(images, labels, task="image_classification")
    predict(model, images[:3])

    texts, desks = generate_call_centre(per_desk=60, seed=0)
    model = train(texts, desks, task="text_classification")
    explain(model, "환불해 주세요")[0]["words"]

See docs/mlcore-learn.md for the parameters, the progress events and the error codes.
"""

from .api import TASKS, Model, evaluate, explain, export, load, predict, predict_proba, prepare_input, save, train
from .builtin import HOUSE_TABLE, HOUSE_TABLE_NOTE, load_digits, load_house_table
from .doodles import DOODLE_CLASSES, DOODLE_NAMES, generate_doodles
from .drawings import Drawing, parse_strokes, render_display, render_normalised, synthetic_drawing
from .errors import (
    ERROR_CODES,
    BadInput,
    BadModelFile,
    BadParam,
    BadShape,
    BadTask,
    DrawingEmpty,
    DrawingMalformed,
    DrawingTooBig,
    LearnError,
    LengthMismatch,
    NonNumericTarget,
    NotAClassifier,
    OneClass,
    TooFewRows,
    TrainingCancelled,
)
from .learning_curve import PowerLawFit, examples_needed, fit_power_law, learning_curve
from .progress import EVENT_KEYS, ProgressCallback, ProgressEvent, StopCheck
from .textsets import DESKS, SENTIMENTS, SPAM_LABELS, generate_call_centre, generate_sentiment, generate_spam

__all__ = [
    "DESKS",
    "DOODLE_CLASSES",
    "DOODLE_NAMES",
    "ERROR_CODES",
    "EVENT_KEYS",
    "HOUSE_TABLE",
    "HOUSE_TABLE_NOTE",
    "SENTIMENTS",
    "SPAM_LABELS",
    "TASKS",
    "BadInput",
    "BadModelFile",
    "BadParam",
    "BadShape",
    "BadTask",
    "Drawing",
    "DrawingEmpty",
    "DrawingMalformed",
    "DrawingTooBig",
    "LearnError",
    "LengthMismatch",
    "Model",
    "NonNumericTarget",
    "NotAClassifier",
    "OneClass",
    "PowerLawFit",
    "ProgressCallback",
    "ProgressEvent",
    "StopCheck",
    "TooFewRows",
    "TrainingCancelled",
    "evaluate",
    "examples_needed",
    "explain",
    "export",
    "fit_power_law",
    "generate_call_centre",
    "generate_doodles",
    "generate_sentiment",
    "generate_spam",
    "learning_curve",
    "load",
    "load_digits",
    "load_house_table",
    "parse_strokes",
    "predict",
    "predict_proba",
    "prepare_input",
    "render_display",
    "render_normalised",
    "save",
    "synthetic_drawing",
    "train",
]
