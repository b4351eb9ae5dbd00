"""Drawing rounds, the students' side: drawings checked, stored in batches, rendered into the data set.

The flow (docs/websocket-protocol.md, "Drawing rounds"):

1. A drawing question opens -> its :class:`DrawingRound` and an empty mlcore image data set owned
   by the instructor (:func:`quizapp.drawing.rounds.round_open`, in the question's own transaction).
2. Each student draws the prompt assigned round-robin (:mod:`quizapp.rules.drawing_prompts`) and
   sends the strokes. Drawings are stored in batches, one transaction per round trip, like answers
   (:func:`drawings_submit`); the hosts hear of each batch at once and the projector wall draws the
   strokes itself, so nothing waits for images.
3. A Celery task renders each stored drawing twice (:func:`drawings_render`): a picture for people
   and a 28 x 28 copy that joins the data set. Training renders whatever is still pending first, so
   a missed task loses nothing.
4. The instructor trains (:func:`quizapp.drawing.rounds.round_train`: an mlcore training job,
   optionally with generated doodles), and the room follows its progress (:mod:`quizapp.drawing.relay`).
5. The guess round (:func:`quizapp.live.session.session_guess_round`): students draw any prompt and
   the model's top guesses come back while they draw (:mod:`quizapp.drawing.guesses`); what they
   then submit, labelled with what they meant, joins the data set too — the virtuous cycle.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core import fanout
from core.ws_protocol import message
from mlcore.errors import from_learn_error
from mlcore.learn import LearnError
from mlcore.learn.drawings import Drawing as Strokes
from mlcore.learn.drawings import parse_strokes, render_display, render_normalised
from mlcore.services.datasets import dataset_add_arrays
from mlcore.services.files import atomic_with_files
from quizapp import errors, groups, messages
from quizapp.drawing.selectors import (
    MAX_GUESS_DRAWINGS,
    drawing_public,
    prompt_for_join_index,
    question_prompts,
    round_counts,
)
from quizapp.models import Drawing, DrawingRound, Participant, QuizSession
from quizapp.rules.drawing_descriptions import MAX_DESCRIPTION_LENGTH, clean_description
from quizapp.selectors import session_questions

logger = logging.getLogger(__name__)

DISPLAY_SIDE = 256
#: Guesses kept with a drawing and shown to a student.
GUESS_TOP = 3
#: The Celery task that renders stored drawings (``quizapp.tasks``), sent by name so this
#: module does not import the task module that imports it.
RENDER_TASK = "quizapp.tasks.render_drawings"


# --- drawings in ------------------------------------------------------------------------------


def parse_drawing(raw: Any) -> Strokes:
    """The strokes a client sent, checked (``mlcore.learn.drawings``): one place refuses bad drawings."""
    try:
        return parse_strokes(raw)
    except LearnError as exc:
        error = errors.DrawingRejected(str(from_learn_error(exc).message))
        error.code = exc.code
        raise error from None


def parse_description(raw: Any) -> str:
    """A description sent instead of a drawing, cleaned (:mod:`quizapp.rules.drawing_descriptions`)."""
    cleaned = clean_description(raw)
    if cleaned is None:
        raise errors.DescriptionRejected(maximum=MAX_DESCRIPTION_LENGTH)
    return cleaned


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
    #: Words instead of strokes (collect phase; :func:`parse_description`): ``strokes`` is ``{}``.
    description: str = ""


@dataclass(frozen=True)
class DrawingReceipt:
    drawing: Drawing
    phase: str
    #: The hosts' wall messages for the batch this drawing was stored in, ``(session id, JSON text)``,
    #: on the batch's last receipt of each round: whoever stored the batch publishes them
    #: (:func:`drawings_submit` at once, the socket batch queue after its acknowledgements).
    wall: tuple[tuple[int, str], ...] = ()


def drawings_submit(requests: list[DrawingRequest]) -> list[DrawingReceipt | errors.QuizError]:
    """Store many drawings (:func:`drawings_store`) and tell the hosts' wall at once."""
    outcomes = drawings_store(requests)
    wall_publish(outcomes)
    return outcomes


def wall_publish(outcomes: list[DrawingReceipt | errors.QuizError]) -> None:
    """Publish the wall messages of stored drawings (from synchronous code, after the commit)."""
    for outcome in outcomes:
        if isinstance(outcome, DrawingReceipt):
            for session_id, text in outcome.wall:
                transaction.on_commit(partial(_wall_send, groups.session_group(session_id), text))


def _wall_send(group: str, text: str) -> None:
    fanout.publish_sync(group, text, audience=groups.HOSTS)


def drawings_store(requests: list[DrawingRequest]) -> list[DrawingReceipt | errors.QuizError]:
    """Store many drawings in one transaction, each with its receipt or refusal, in order. The hosts'
    wall messages come with the receipts (:attr:`DrawingReceipt.wall`), not yet published: the socket
    batch queue acknowledges 500 sentences first and then tells the wall (an acknowledgement must not
    wait for a projector message).

    The one-per-round constraint is the last word: if another process stored one of these first,
    the batch is retried one by one (as :func:`quizapp.live.answers.answers_submit` does).
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
                joined = session.participants.order_by("id").values_list("id", flat=True)
                join_order[session.id] = {pid: i for i, pid in enumerate(joined)}
            join_index = join_order[session.id].get(participant.id, 0)
            drawing = _drawing_build(participant, session, round_, request, now, sent, join_index)
        except errors.QuizError as exc:
            outcomes.append(exc)
            continue
        new.append(drawing)
        outcomes.append(DrawingReceipt(drawing=drawing, phase=drawing.phase))
    Drawing.objects.bulk_create(new)
    if new:
        new_ids = [d.id for d in new if not d.description]  # a description is not a picture
        for round_id in {d.round_id for d in new}:
            round_drawings = [d for d in new if d.round_id == round_id]
            wall = _wall_messages(round_drawings[0].round, round_drawings)
            last = max(
                i for i, o in enumerate(outcomes) if isinstance(o, DrawingReceipt) and o.drawing.round_id == round_id
            )
            outcomes[last] = replace(outcomes[last], wall=wall)  # type: ignore[type-var]
        if new_ids:
            transaction.on_commit(lambda: _queue_render(new_ids))
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
    now: datetime,
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
    _check_description(round_, request)
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
        description=request.description,
        guesses=list(request.guesses)[:GUESS_TOP],
        response_ms=max(0, int((now - opened_at).total_seconds() * 1000)),
    )
    drawing.participant = participant
    return drawing


def _check_description(round_: DrawingRound, request: DrawingRequest) -> None:
    """A text round takes sentences only. In a drawing round, words instead of a drawing only while
    collecting (a guess-round drawing needs strokes to guess)."""
    if round_.question.is_text_round:
        if not request.description:
            raise errors.DescriptionRejected(maximum=MAX_DESCRIPTION_LENGTH)
    elif request.description and round_.phase != DrawingRound.Phase.COLLECT:
        raise errors.DescriptionNotHere()


#: Drawings per ``drawings_added`` message: a burst of 500 becomes ten messages of about 120 KB.
WALL_CHUNK = 50


def _wall_messages(round_: DrawingRound, drawings: list[Drawing]) -> tuple[tuple[int, str], ...]:
    """``drawings_added`` for the hosts, serialised: (session id, text) per chunk."""
    prompts = {p["key"]: p["text"] for p in question_prompts(round_.question)}
    counts = round_counts(round_)
    return tuple(
        (
            round_.session_id,
            messages.dumps(
                message(
                    "drawings_added",
                    question_id=round_.question_id,
                    drawings=[drawing_public(d, prompts) for d in drawings[start : start + WALL_CHUNK]],
                    counts=counts,
                )
            ),
        )
        for start in range(0, len(drawings), WALL_CHUNK)
    )


def _queue_render(drawing_ids: list[int]) -> None:
    try:
        current_app.send_task(RENDER_TASK, args=[drawing_ids])
    except Exception:  # the broker is down: training renders what is pending, nothing is lost
        logger.warning("quiz: could not queue rendering of %d drawings", len(drawing_ids), exc_info=True)


# --- rendering (a Celery task, and training's catch-up) --------------------------------------------


def _to_render() -> models.QuerySet[Drawing]:
    """Drawings still to render: kept, not yet in the data set, and pictures (not descriptions)."""
    return Drawing.objects.filter(removed=False, dataset_image__isnull=True, description="")


def drawings_render(*, drawing_ids: list[int]) -> int:
    """Render the given drawings that still need it: a picture and the data set's 28 x 28 copy."""
    done = 0
    round_ids = set(_to_render().filter(id__in=drawing_ids).values_list("round_id", flat=True))
    for round_id in round_ids:
        with atomic_with_files() as files:
            round_ = DrawingRound.objects.select_related("dataset").get(id=round_id)
            pending = list(
                _to_render().select_for_update().filter(id__in=drawing_ids, round_id=round_id).order_by("id")
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


def render_pending(round_: DrawingRound) -> None:
    """Render what the worker has not yet (training must not miss a drawing)."""
    ids = list(_to_render().filter(round=round_).values_list("id", flat=True))
    if ids:
        drawings_render(drawing_ids=ids)
