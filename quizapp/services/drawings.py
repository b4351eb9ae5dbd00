"""Drawing rounds: the class's drawings become a data set, a model trains on them, then guesses.

The flow (docs/websocket-protocol.md, "Drawing rounds"):

1. A drawing question opens -> its :class:`DrawingRound` and an empty mlcore image data set owned by
   the instructor (:func:`round_open`, inside the question's own transaction).
2. Each student draws the prompt assigned round-robin (:mod:`quizapp.drawing_prompts`) and sends the
   strokes. Drawings are stored in batches, one transaction per round trip, like answers
   (:func:`drawings_submit`); the hosts hear of each batch at once and the projector wall draws the
   strokes itself, so nothing waits for images.
3. A Celery task renders each stored drawing twice (:func:`drawings_render`): a picture for people and
   a 28 x 28 copy that joins the data set. Training renders whatever is still pending first, so a
   missed task loses nothing.
4. The instructor trains (:func:`round_train`: an mlcore training job, optionally with generated
   doodles), and the room follows its progress (``quizapp.drawing_relay``).
5. The guess round (:func:`guess_round_start`): students draw any prompt and the model's top guesses
   come back while they draw (``quizapp.guess_queue``); what they then submit, labelled with what they
   meant, joins the data set too — the virtuous cycle.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core import fanout
from core.ws_protocol import message
from quizapp import drawing_prompts, errors, groups, messages
from quizapp.drawing_selectors import (
    MAX_GUESS_DRAWINGS,
    current_round,
    curve_message,
    drawing_public,
    prompt_for_join_index,
    question_prompts,
    round_counts,
    round_model,
    round_public,
    training_message,
)
from quizapp.models import Drawing, DrawingRound, Participant, Question, QuizSession
from quizapp.selectors import session_questions

logger = logging.getLogger(__name__)

DISPLAY_SIDE = 256
GUESS_TOP = 3
#: Generated doodles per class an instructor may add to the class's drawings.
MAX_DOODLES_PER_CLASS = 300
TRAIN_EPOCHS = 12
HOSTS = "hosts"


# --- opening ---------------------------------------------------------------------------------


def round_open(session: QuizSession, question: Question) -> DrawingRound:
    """The round of ``question`` in ``session`` with its (empty) data set; idempotent."""
    from mlcore.models import Dataset
    from mlcore.services.datasets import dataset_create_images

    round_, _created = DrawingRound.objects.get_or_create(session=session, question=question)
    if round_.dataset_id is None:
        stamp = timezone.localtime(session.created_at).strftime("%Y-%m-%d %H:%M")
        name = f"{session.room.code} · {question.prompt[:120]} · {stamp}"
        round_.dataset = dataset_create_images(owner=session.room.owner, name=name, source=Dataset.Source.DRAWINGS)
        round_.doodles_per_class = 0  # generated doodles went with a deleted data set
        round_.save(update_fields=["dataset", "doodles_per_class"])
    return round_


# --- drawings in ------------------------------------------------------------------------------


def parse_drawing(raw: Any) -> Any:
    """The strokes a client sent, checked (``mlcore.learn.drawings``): one place refuses bad drawings."""
    from mlcore.errors import from_learn_error
    from mlcore.learn import LearnError
    from mlcore.learn.drawings import parse_strokes

    try:
        return parse_strokes(raw)
    except LearnError as exc:
        error = errors.DrawingRejected(str(from_learn_error(exc).message))
        error.code = exc.code
        raise error from None


@dataclass(frozen=True)
class DrawingRequest:
    participant_id: int
    question_id: int
    #: Checked strokes in their wire form (:func:`parse_drawing`).
    strokes: dict[str, Any]
    #: Guess round: the prompt key the student says they drew.
    label: str | None = None
    #: Guess round: what the model guessed while they drew (shown on the wall).
    guesses: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class DrawingReceipt:
    drawing: Drawing
    phase: str


def drawings_submit(requests: list[DrawingRequest]) -> list[DrawingReceipt | errors.QuizError]:
    """Store many drawings in one transaction, each with its receipt or refusal, in order.

    The one-per-round constraint is the last word: if another process stored one of these first,
    the batch is retried one by one (as :func:`quizapp.services.live.answers_submit` does).
    """
    try:
        with transaction.atomic():
            return _drawings_store(requests)
    except IntegrityError:
        outcomes: list[DrawingReceipt | errors.QuizError] = []
        for request in requests:
            try:
                with transaction.atomic():
                    outcomes += _drawings_store([request])
            except IntegrityError:
                outcomes.append(errors.DrawingAlreadySent())
        return outcomes


def _drawings_store(requests: list[DrawingRequest]) -> list[DrawingReceipt | errors.QuizError]:
    now = timezone.now()
    participants = {
        p.id: p
        for p in Participant.objects.filter(id__in={r.participant_id for r in requests}).only(
            "id", "session_id", "nickname", "removed", "current_index", "question_opened_at"
        )
    }
    sessions = {
        s.id: s
        for s in QuizSession.objects.select_related("quiz").filter(id__in={p.session_id for p in participants.values()})
    }
    rounds = {
        (r.session_id, r.question_id): r
        for r in DrawingRound.objects.select_related("question").filter(session_id__in=sessions)
    }
    sent = _sent_counts(rounds.values(), {r.participant_id for r in requests})
    join_order: dict[int, dict[int, int]] = {}  # session -> participant -> join index, read once a batch
    outcomes: list[DrawingReceipt | errors.QuizError] = []
    new: list[Drawing] = []
    for request in requests:
        try:
            participant = participants.get(request.participant_id)
            if participant is None:
                raise errors.BadToken()
            session = sessions[participant.session_id]
            round_ = rounds.get((session.id, request.question_id))
            if session.id not in join_order:
                ids = session.participants.order_by("id").values_list("id", flat=True)
                join_order[session.id] = {pid: i for i, pid in enumerate(ids)}
            join_index = join_order[session.id].get(participant.id, 0)
            drawing = _drawing_build(participant, session, round_, request, now, sent, join_index)
        except errors.QuizError as exc:
            outcomes.append(exc)
            continue
        new.append(drawing)
        outcomes.append(DrawingReceipt(drawing=drawing, phase=drawing.phase))
    Drawing.objects.bulk_create(new)
    if new:
        ids = [d.id for d in new]
        for round_id in {d.round_id for d in new}:
            round_drawings = [d for d in new if d.round_id == round_id]
            _after_commit_wall(round_drawings[0].round, round_drawings)
        transaction.on_commit(lambda: _queue_render(ids))
    return outcomes


def _sent_counts(rounds: Any, participant_ids: set[int]) -> dict[tuple[int, int, str], int]:
    rows = (
        Drawing.objects.filter(round__in=list(rounds), participant_id__in=participant_ids)
        .values_list("round_id", "participant_id", "phase")
        .annotate(n=models.Count("id"))
        .order_by()
    )
    return {(round_id, pid, phase): n for round_id, pid, phase, n in rows}


def _drawing_build(
    participant: Participant,
    session: QuizSession,
    round_: DrawingRound | None,
    request: DrawingRequest,
    now: Any,
    sent: dict[tuple[int, int, str], int],
    join_index: int,
) -> Drawing:
    """Check one drawing against the open round (in memory; the caller saves)."""
    if participant.removed:
        raise errors.Removed()
    if session.ended_at is not None:
        raise errors.SessionEnded()
    if round_ is None:
        raise errors.NotDrawingRound()
    question = round_.question
    questions = session_questions(session)
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        index, opened_at = participant.current_index, participant.question_opened_at
        deadline = opened_at + timedelta(seconds=question.time_limit_s) if opened_at else None
    else:
        index, opened_at, deadline = session.current_index, session.question_opened_at, session.question_deadline
    if not (0 <= index < len(questions)) or questions[index].id != question.id or opened_at is None:
        raise errors.QuestionNotOpen()
    key = (round_.id, participant.id, round_.phase)
    if round_.phase == DrawingRound.Phase.COLLECT:
        if sent.get(key):
            raise errors.DrawingAlreadySent()
        if session.mode != QuizSession.Mode.STUDENT_PACED and session.state != QuizSession.State.QUESTION:
            raise errors.QuestionNotOpen()
        if deadline is None or now > deadline + timedelta(milliseconds=settings.QUIZ_ANSWER_GRACE_MS):
            raise errors.TooLate()
        label = prompt_for_join_index(question, join_index)["key"]
    else:
        if sent.get(key, 0) >= MAX_GUESS_DRAWINGS:
            raise errors.DrawingLimit(maximum=MAX_GUESS_DRAWINGS)
        keys = [p["key"] for p in question_prompts(question)]
        if request.label not in keys:
            raise errors.UnknownPrompt()
        label = request.label
    sent[key] = sent.get(key, 0) + 1
    drawing = Drawing(
        round=round_,
        participant=participant,
        phase=round_.phase,
        label=label,
        strokes=request.strokes,
        guesses=list(request.guesses)[:GUESS_TOP],
        response_ms=max(0, int((now - opened_at).total_seconds() * 1000)),
    )
    drawing.participant = participant
    return drawing


#: Drawings per ``drawings_added`` message: a burst of 500 becomes ten messages of about 120 KB.
WALL_CHUNK = 50


def _after_commit_wall(round_: DrawingRound, drawings: list[Drawing]) -> None:
    prompts = {p["key"]: p["text"] for p in question_prompts(round_.question)}
    counts = round_counts(round_)
    for start in range(0, len(drawings), WALL_CHUNK):
        payload = message(
            "drawings_added",
            question_id=round_.question_id,
            drawings=[drawing_public(d, prompts) for d in drawings[start : start + WALL_CHUNK]],
            counts=counts,
        )
        _broadcast(round_.session_id, payload, audience=HOSTS)


def _broadcast(session_id: int, payload: dict[str, Any], *, audience: str = fanout.EVERYONE) -> None:
    text = messages.dumps(payload)
    group = groups.session_group(session_id)
    transaction.on_commit(lambda: fanout.publish_sync(group, text, audience=audience))


def _queue_render(drawing_ids: list[int]) -> None:
    from quizapp.tasks import render_drawings

    try:
        render_drawings.delay(drawing_ids)
    except Exception:  # the broker is down: training renders what is pending, nothing is lost
        logger.warning("quiz: could not queue rendering of %d drawings", len(drawing_ids), exc_info=True)


# --- rendering (a Celery task, and training's catch-up) --------------------------------------------


def drawings_render(*, drawing_ids: list[int]) -> int:
    """Render the given drawings that still need it: a picture and the data set's 28 x 28 copy."""
    from mlcore.learn.drawings import parse_strokes, render_display, render_normalised
    from mlcore.services.datasets import dataset_add_arrays
    from mlcore.services.files import atomic_with_files

    done = 0
    round_ids = set(
        Drawing.objects.filter(id__in=drawing_ids, removed=False, dataset_image__isnull=True).values_list(
            "round_id", flat=True
        )
    )
    for round_id in round_ids:
        with atomic_with_files() as files:
            round_ = DrawingRound.objects.select_related("dataset").get(id=round_id)
            pending = list(
                Drawing.objects.select_for_update()
                .filter(id__in=drawing_ids, round_id=round_id, removed=False, dataset_image__isnull=True)
                .order_by("id")
            )
            if not pending or round_.dataset is None:
                continue
            parsed = [parse_strokes(d.strokes) for d in pending]
            rows = dataset_add_arrays(
                dataset=round_.dataset,
                items=[
                    (d.label, render_normalised(p), f"drawing {d.id}") for d, p in zip(pending, parsed, strict=True)
                ],
            )
            for drawing, picture, row in zip(pending, parsed, rows, strict=True):
                drawing.dataset_image = row
                files.save_field(drawing.image, "drawing.png", render_display(picture, side=DISPLAY_SIDE))
            Drawing.objects.bulk_update(pending, ["dataset_image", "image"])
            done += len(pending)
    return done


def _render_pending(round_: DrawingRound) -> None:
    ids = list(
        Drawing.objects.filter(round=round_, removed=False, dataset_image__isnull=True).values_list("id", flat=True)
    )
    if ids:
        drawings_render(drawing_ids=ids)


# --- the instructor's controls -------------------------------------------------------------------


def _host_round(session_id: int, user: User) -> tuple[QuizSession, DrawingRound]:
    session = QuizSession.objects.select_for_update().select_related("quiz", "room").get(id=session_id)
    if session.room.owner_id != user.id:
        raise errors.NotAllowed()
    if session.ended_at is not None:
        raise errors.SessionEnded()
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        raise errors.InvalidState()
    round_ = current_round(session)
    if round_ is None:
        raise errors.NotDrawingRound()
    return session, round_


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
    _broadcast(session_id, message("drawing_hidden", drawing_id=drawing.id, hidden=drawing.hidden), audience=HOSTS)
    return drawing


@transaction.atomic
def drawing_remove(*, session_id: int, user: User, drawing_id: int) -> Drawing:
    """Take a drawing off the wall and out of the data set (the student cannot send another)."""
    from mlcore.services.datasets import dataset_image_delete
    from mlcore.services.files import delete_on_commit

    drawing = _drawing_of_session(session_id, user, drawing_id)
    if not drawing.removed:
        if drawing.dataset_image is not None:
            dataset_image_delete(image=drawing.dataset_image)
        if drawing.image:
            delete_on_commit(drawing.image.name)
        drawing.removed, drawing.hidden, drawing.dataset_image, drawing.image = True, True, None, ""
        drawing.save(update_fields=["removed", "hidden", "dataset_image", "image"])
    payload = message("drawing_removed", drawing_id=drawing.id, counts=round_counts(drawing.round))
    _broadcast(session_id, payload, audience=HOSTS)
    return drawing


def round_train(*, session_id: int, user: User, doodles_per_class: int = 0) -> Any:
    """Train on the round's drawings (and, if asked, generated doodles of the prompts that have them)."""
    from mlcore.errors import MlError
    from mlcore.models import FINISHED_STATES
    from mlcore.services.training import training_job_create

    if isinstance(doodles_per_class, bool) or not isinstance(doodles_per_class, int):
        raise errors.InvalidState()
    doodles_per_class = max(0, min(MAX_DOODLES_PER_CLASS, doodles_per_class))
    with transaction.atomic():
        session, round_ = _host_round(session_id, user)
        round_ = round_open(session, round_.question)  # a fresh data set if the instructor deleted it
        job = round_.training_job
        if job is not None and job.state not in FINISHED_STATES:
            raise errors.TrainingRunning()
    _render_pending(round_)
    if doodles_per_class and not round_.doodles_per_class:
        _add_doodles(round_, doodles_per_class)
    with transaction.atomic():
        _session, round_ = _host_round(session_id, user)  # the session's row lock orders two presses
        if round_.training_job is not None and round_.training_job.state not in FINISHED_STATES:
            raise errors.TrainingRunning()
        dataset = round_.dataset
        dataset.refresh_from_db()
        if sum(1 for n in dataset.class_counts.values() if n >= 2) < 2:
            raise errors.TooFewDrawings()
        try:
            job = training_job_create(owner=user, dataset=dataset, params={"epochs": TRAIN_EPOCHS})
        except MlError as exc:
            raise _ml_refusal(exc) from None
        round_.training_job = job
        round_.save(update_fields=["training_job"])
        _broadcast(session_id, training_message(round_))
    return job


def _ml_refusal(exc: Any) -> errors.QuizError:
    """mlcore's refusal (too few examples, ...) with its own code and message, as the quiz's error."""
    error = errors.InvalidState(str(exc.message))
    error.code = exc.code
    return error


def _add_doodles(round_: DrawingRound, per_class: int) -> None:
    from mlcore.learn.doodles import generate_doodles
    from mlcore.services.datasets import dataset_add_arrays

    keys = [p["key"] for p in question_prompts(round_.question) if drawing_prompts.is_doodle_class(p["key"])]
    if not keys:
        return
    images, labels = generate_doodles(per_class=per_class, seed=round_.id, classes=keys)
    items = [(label, image, "generated doodle") for image, label in zip(images, labels, strict=True)]
    with transaction.atomic():
        locked = DrawingRound.objects.select_for_update().get(id=round_.id)
        if locked.doodles_per_class:
            return
        dataset_add_arrays(dataset=round_.dataset, items=items)
        locked.doodles_per_class = per_class
        locked.save(update_fields=["doodles_per_class"])
    round_.doodles_per_class = per_class


#: Folds of the round's learning curve: two keep it to eight small trainings, quick enough for a class.
CURVE_FOLDS = 2


def round_measure_curve(*, session_id: int, user: User) -> Any:
    """The virtuous cycle made visible: train on growing shares of the round's drawings (a learning
    curve, an mlcore job) and plot held-out accuracy against the number of drawings."""
    from mlcore.errors import MlError
    from mlcore.models import FINISHED_STATES
    from mlcore.services.learning_curves import learning_curve_job_create

    with transaction.atomic():
        session, round_ = _host_round(session_id, user)
        round_ = round_open(session, round_.question)
        job = round_.curve_job
        if job is not None and job.state not in FINISHED_STATES:
            raise errors.TrainingRunning()
    _render_pending(round_)
    with transaction.atomic():
        _session, round_ = _host_round(session_id, user)
        if round_.curve_job is not None and round_.curve_job.state not in FINISHED_STATES:
            raise errors.TrainingRunning()
        dataset = round_.dataset
        dataset.refresh_from_db()
        if sum(1 for n in dataset.class_counts.values() if n >= 2) < 2:
            raise errors.TooFewDrawings()
        try:
            job = learning_curve_job_create(owner=user, dataset=dataset, folds=CURVE_FOLDS)
        except MlError as exc:
            raise _ml_refusal(exc) from None
        round_.curve_job = job
        round_.save(update_fields=["curve_job"])
        _broadcast(session_id, curve_message(round_), audience=HOSTS)
    return job


@transaction.atomic
def guess_round_start(*, session_id: int, user: User) -> DrawingRound:
    """Students draw any prompt; the round's trained model guesses while they draw."""
    session, round_ = _host_round(session_id, user)
    if round_model(round_) is None:
        raise errors.NoModelYet()
    if session.state == QuizSession.State.QUESTION:
        from quizapp.services.live import _reveal

        _reveal(session)
    round_.phase = DrawingRound.Phase.GUESS
    round_.save(update_fields=["phase"])
    _broadcast(session_id, message("guess_round", **round_public(round_)))
    return round_
