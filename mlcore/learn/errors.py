"""Errors with stable codes, so a web layer can translate them without parsing English text."""

from __future__ import annotations

from typing import Any


class LearnError(ValueError):
    """Base class for every problem the learner reports on purpose.

    ``code`` is stable (documented in docs/mlcore-learn.md); ``message`` is plain English for notebooks;
    ``details`` carries the numbers a translated message needs (for example ``{"rows": 2, "minimum": 3}``).
    """

    code = "learn_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for an API response or a task result."""
        return {"code": self.code, "message": self.message, "details": dict(self.details)}


class BadTask(LearnError):
    code = "bad_task"


class BadParam(LearnError):
    code = "bad_param"


class BadInput(LearnError):
    code = "bad_input"


class DrawingMalformed(BadInput):
    """A drawing that is not the wire format of ``mlcore.learn.drawings`` (keys, types, ranges)."""

    code = "drawing_malformed"


class DrawingTooBig(BadInput):
    """A drawing with more strokes or points than ``mlcore.learn.drawings`` allows."""

    code = "drawing_too_big"


class DrawingEmpty(BadInput):
    """A drawing with no strokes, or ink too small to read (a tap)."""

    code = "drawing_empty"


class LengthMismatch(LearnError):
    code = "length_mismatch"


class TooFewRows(LearnError):
    code = "too_few_rows"


class OneClass(LearnError):
    code = "one_class"


class NonNumericTarget(LearnError):
    code = "non_numeric_target"


class BadShape(LearnError):
    code = "bad_shape"


class NotAClassifier(LearnError):
    code = "not_classifier"


class BadModelFile(LearnError):
    code = "bad_model_file"


class TrainingCancelled(LearnError):
    """Raised when ``should_stop()`` returned True; nothing is half-saved."""

    code = "cancelled"


ALL_ERRORS: tuple[type[LearnError], ...] = (
    LearnError,
    BadTask,
    BadParam,
    BadInput,
    DrawingMalformed,
    DrawingTooBig,
    DrawingEmpty,
    LengthMismatch,
    TooFewRows,
    OneClass,
    NonNumericTarget,
    BadShape,
    NotAClassifier,
    BadModelFile,
    TrainingCancelled,
)

ERROR_CODES: tuple[str, ...] = tuple(cls.code for cls in ALL_ERRORS)
