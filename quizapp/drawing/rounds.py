"""A round's life on the instructor's side: opening it with its data set, hiding and removing
contributions, training, the learning curve and the guess round.

Two kinds of round share it: a drawing round (drawings become an image data set as they arrive) and
a text round (the call-centre router: each student writes an example sentence for a label; the
sentences become a text data set when the instructor trains, and the guess round *routes* new
sentences). A contribution of either is a :class:`~quizapp.models.Drawing` row (a text round's has
``description`` and no strokes).

Each control locks the session row (one press at a time) and broadcasts after commit. The drawings
themselves come in through :mod:`quizapp.drawing.services`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core import fanout
from core.ws_protocol import message
from mlcore.errors import MlError
from mlcore.learn.doodles import generate_doodles
from mlcore.models import FINISHED_STATES, Dataset
from mlcore.services.datasets import (
    dataset_add_arrays,
    dataset_create_images,
    dataset_create_texts,
    dataset_image_delete,
)
from mlcore.services.files import delete_on_commit
from mlcore.services.learning_curves import DEFAULT_FRACTIONS, MIN_SLICE, learning_curve_job_create
from mlcore.services.training import training_job_create
from quizapp import broadcast, errors, groups
from quizapp.drawing.selectors import current_round as current_round_of
from quizapp.drawing.selectors import (
    curve_message,
    drawing_public,
    question_prompts,
    round_counts,
    round_model,
    round_public,
    training_message,
)
from quizapp.drawing.services import render_pending
from quizapp.models import Drawing, DrawingRound, Question, QuizSession
from quizapp.rules import drawing_prompts
from quizapp.selectors import session_lock_for_host

#: Generated doodles per class an instructor may add to the class's drawings.
MAX_DOODLES_PER_CLASS = 300
TRAIN_EPOCHS = 12
#: Folds of the round's learning curve: two keep it to eight small trainings, quick enough for a class.
CURVE_FOLDS = 2


# --- opening ---------------------------------------------------------------------------------


def round_open(session: QuizSession, question: Question) -> DrawingRound:
    """The round of ``question`` in ``session`` with its (empty) data set; idempotent."""
    round_, _created = DrawingRound.objects.get_or_create(session=session, question=question)
    if round_.dataset_id is None and question.is_drawing:  # a text round's is made when it trains
        round_.dataset = dataset_create_images(
            owner=session.room.owner, name=_dataset_name(session, question), source=Dataset.Source.DRAWINGS
        )
        round_.doodles_per_class = 0  # generated doodles went with a deleted data set
        round_.save(update_fields=["dataset", "doodles_per_class"])
    return round_


def _dataset_name(session: QuizSession, question: Question) -> str:
    stamp = timezone.localtime(session.created_at).strftime("%Y-%m-%d %H:%M")
    return f"{session.room.code} · {question.prompt[:120]} · {stamp}"


def _texts_to_dataset(round_: DrawingRound) -> None:
    """A text round's sentences (not removed) as a new text data set, the round's from now on: the
    one trained on next. The previous one stays, with the model that learnt from it."""
    sentences = list(
        Drawing.objects.filter(round=round_, removed=False).exclude(description="").values_list("description", "label")
    )
    with transaction.atomic():
        locked = DrawingRound.objects.select_for_update(of=("self",)).select_related("session__room").get(id=round_.id)
        counts: dict[str, int] = {}
        for _text, label in sentences:
            counts[label] = counts.get(label, 0) + 1
        if sum(1 for n in counts.values() if n >= 2) < 2:
            raise errors.TooFewSentences()
        locked.dataset = dataset_create_texts(
            owner=locked.session.room.owner,
            name=_dataset_name(locked.session, round_.question),
            texts=[text for text, _label in sentences],
            labels=[label for _text, label in sentences],
            source=Dataset.Source.TEXT_ROUND,
        )
        locked.save(update_fields=["dataset"])
    round_.dataset = locked.dataset


# --- the instructor's controls -------------------------------------------------------------------


def current_round_for_host(session: QuizSession) -> DrawingRound:
    """The round of the locked session's current question, refused where the controls do not apply."""
    if session.ended_at is not None:
        raise errors.SessionEnded()
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        raise errors.InvalidState()
    round_ = current_round_of(session)
    if round_ is None:
        raise errors.NotDrawingRound()
    return round_


def _host_round(session_id: int, user: User) -> tuple[QuizSession, DrawingRound]:
    session = session_lock_for_host(session_id=session_id, user=user)
    return session, current_round_for_host(session)


def _drawing_of_session(session_id: int, user: User, drawing_id: int) -> Drawing:
    drawing = (
        Drawing.objects.select_for_update(of=("self",))
        .select_related("round__session__room", "participant", "dataset_image")
        .filter(id=drawing_id, round__session_id=session_id)
        .first()
    )
    if drawing is None:
        raise errors.InvalidState()
    if drawing.round.session.room.owner_id != user.id:
        raise errors.NotAllowed()
    return drawing


@transaction.atomic
def drawing_set_hidden(*, session_id: int, user: User, drawing_id: int, hidden: bool) -> Drawing:
    """Hide a drawing from the wall (it stays in the data set) or show it again."""
    drawing = _drawing_of_session(session_id, user, drawing_id)
    drawing.hidden = bool(hidden)
    drawing.save(update_fields=["hidden"])
    broadcast.after_commit(
        session_id, message("drawing_hidden", drawing_id=drawing.id, hidden=drawing.hidden), audience=groups.HOSTS
    )
    return drawing


@transaction.atomic
def drawing_remove(*, session_id: int, user: User, drawing_id: int) -> Drawing:
    """Take a drawing off the wall and out of the data set (the student cannot send another)."""
    drawing = _drawing_of_session(session_id, user, drawing_id)
    if not drawing.removed:
        if drawing.dataset_image is not None:
            dataset_image_delete(image=drawing.dataset_image)
        if drawing.image.name:
            delete_on_commit(drawing.image.name)
        drawing.removed, drawing.hidden, drawing.dataset_image, drawing.image = True, True, None, ""
        drawing.save(update_fields=["removed", "hidden", "dataset_image", "image"])
    payload = message("drawing_removed", drawing_id=drawing.id, counts=round_counts(drawing.round))
    broadcast.after_commit(session_id, payload, audience=groups.HOSTS)
    return drawing


@transaction.atomic
def drawing_spotlight(*, session_id: int, user: User, drawing_id: int | None) -> Drawing | None:
    """Show one contribution big on the projector (a routed sentence and where the model sent it, a
    drawing), or nothing (``drawing_id`` None). Not kept: a projector that reconnects shows the wall."""
    drawing = None if drawing_id is None else _drawing_of_session(session_id, user, drawing_id)
    if drawing is None:
        session_lock_for_host(session_id=session_id, user=user)  # the owner's control all the same
    elif drawing.removed:
        raise errors.InvalidState()
    prompts = {p["key"]: p["text"] for p in question_prompts(drawing.round.question)} if drawing else {}
    public = drawing_public(drawing, prompts) if drawing else None
    broadcast.after_commit(session_id, message("drawing_spotlight", drawing=public), audience=groups.HOSTS)
    return drawing


@dataclass(frozen=True)
class RoundJob:
    """One kind of mlcore job a round runs (training, the learning curve): where the round keeps it,
    how it is made from the round's data set, and who hears of it."""

    field: str
    create: Callable[[Dataset, User], Any]
    announce: Callable[[DrawingRound], dict[str, Any]]
    audience: str


def _job_running(round_: DrawingRound, kind: RoundJob) -> bool:
    job = getattr(round_, kind.field)
    return job is not None and job.state not in FINISHED_STATES


def _round_job_start(*, session_id: int, user: User, kind: RoundJob, prepare: Callable[[DrawingRound], None]) -> Any:
    """Start ``kind`` on the round's drawings: refused while one runs (two presses are ordered by the
    session's row lock) or with too few drawings; what the worker has not rendered yet is rendered
    first, outside the lock."""
    with transaction.atomic():
        session, round_ = _host_round(session_id, user)
        round_ = round_open(session, round_.question)  # a fresh data set if the instructor deleted it
        if _job_running(round_, kind):
            raise errors.TrainingRunning()
    if round_.question.is_drawing:
        render_pending(round_)
    prepare(round_)
    with transaction.atomic():
        _session, round_ = _host_round(session_id, user)
        if _job_running(round_, kind):
            raise errors.TrainingRunning()
        dataset = round_.dataset
        too_few = errors.TooFewSentences if round_.question.is_text_round else errors.TooFewDrawings
        if dataset is None:  # the instructor deleted it while the drawings were rendered
            raise too_few()
        dataset.refresh_from_db()
        if sum(1 for n in dataset.class_counts.values() if n >= 2) < 2:
            raise too_few()
        try:
            job = kind.create(dataset, user)
        except MlError as exc:
            raise _ml_refusal(exc) from None
        setattr(round_, kind.field, job)
        round_.save(update_fields=[kind.field])
        broadcast.after_commit(session_id, kind.announce(round_), audience=kind.audience)
    return job


def _train(dataset: Dataset, user: User) -> Any:
    """A CNN for drawings (a fixed number of epochs: the room watches them); a text classifier
    with mlcore's defaults for sentences."""
    params = None if dataset.is_tabular else {"epochs": TRAIN_EPOCHS}
    return training_job_create(owner=user, dataset=dataset, params=params)


TRAINING = RoundJob(
    field="training_job",
    create=_train,
    announce=training_message,
    audience=fanout.EVERYONE,
)


def _curve_fractions(dataset: Dataset) -> list[float]:
    """Slices for a round's curve: mlcore's defaults, or for a class's few dozen sentences, slices from
    the smallest mlcore accepts (:data:`MIN_SLICE` examples, one per label at least) up to all of a
    fold's training part, so that a class of 15 still sees its curve."""
    examples = sum(int(n) for n in dataset.class_counts.values())
    train = examples * (CURVE_FOLDS - 1) // CURVE_FOLDS
    smallest = max(MIN_SLICE, len(dataset.class_counts))
    if not train or round(DEFAULT_FRACTIONS[0] * train) >= smallest:
        return list(DEFAULT_FRACTIONS)
    first = math.ceil(smallest / train * 100) / 100
    if first >= 1:  # too few for any curve: mlcore's refusal says how many are needed
        return list(DEFAULT_FRACTIONS)
    return sorted({round(first + (1 - first) * step / 3, 4) for step in range(4)})


def _curve(dataset: Dataset, user: User) -> Any:
    return learning_curve_job_create(
        owner=user, dataset=dataset, folds=CURVE_FOLDS, fractions=_curve_fractions(dataset)
    )


CURVE = RoundJob(
    field="curve_job",
    create=_curve,
    announce=curve_message,
    audience=groups.HOSTS,
)


def round_train(*, session_id: int, user: User, doodles_per_class: int = 0) -> Any:
    """Train on the round's drawings (and, if asked, generated doodles of the prompts that have them)."""
    if isinstance(doodles_per_class, bool) or not isinstance(doodles_per_class, int):
        raise errors.InvalidState()
    doodles_per_class = max(0, min(MAX_DOODLES_PER_CLASS, doodles_per_class))

    def prepare(round_: DrawingRound) -> None:
        if round_.question.is_text_round:
            _texts_to_dataset(round_)
        elif doodles_per_class and not round_.doodles_per_class:
            _add_doodles(round_, doodles_per_class)

    return _round_job_start(session_id=session_id, user=user, kind=TRAINING, prepare=prepare)


def round_measure_curve(*, session_id: int, user: User) -> Any:
    """The virtuous cycle made visible: train on growing shares of the round's drawings or sentences
    (a learning curve, an mlcore job) and plot held-out accuracy against their number."""

    def prepare(round_: DrawingRound) -> None:
        if round_.question.is_text_round and round_.dataset_id is None:
            _texts_to_dataset(round_)

    return _round_job_start(session_id=session_id, user=user, kind=CURVE, prepare=prepare)


def _ml_refusal(exc: Any) -> errors.QuizError:
    """mlcore's refusal (too few examples, ...) with its own code and message, as the quiz's error."""
    error = errors.InvalidState(str(exc.message))
    error.code = exc.code
    return error


def _add_doodles(round_: DrawingRound, per_class: int) -> None:
    keys = [p["key"] for p in question_prompts(round_.question) if drawing_prompts.is_doodle_class(p["key"])]
    if not keys:
        return
    images, labels = generate_doodles(per_class=per_class, seed=round_.id, classes=keys)
    items = [(label, image, "generated doodle") for image, label in zip(images, labels, strict=True)]
    with transaction.atomic():
        locked = DrawingRound.objects.select_for_update(of=("self",)).select_related("dataset").get(id=round_.id)
        if locked.doodles_per_class or locked.dataset is None:
            return  # added already, or the data set was deleted meanwhile (the start is refused next)
        dataset_add_arrays(dataset=locked.dataset, items=items)
        locked.doodles_per_class = per_class
        locked.save(update_fields=["doodles_per_class"])
    round_.doodles_per_class = per_class


# --- the guess round ---------------------------------------------------------------------------


def guess_round_check(round_: DrawingRound) -> None:
    """A guess round needs a trained model."""
    if round_model(round_) is None:
        raise errors.NoModelYet()


def guess_round_open(session: QuizSession, round_: DrawingRound) -> DrawingRound:
    """Switch the round to guessing (inside the caller's transaction, after the question's reveal)."""
    round_.phase = DrawingRound.Phase.GUESS
    round_.save(update_fields=["phase"])
    broadcast.after_commit(session.id, message("guess_round", **round_public(round_)))
    return round_
