"""Answers: checked against the open question, scored from server-side time, stored in batches.

The unique (participant, question, vote) constraint is the last word on double answers. The live
socket's batch queue (:mod:`quizapp.live.batching`) stores what arrived meanwhile in one transaction
and schedules the tally; :func:`answer_submit` is the same path for one answer.
"""

import json
import operator
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from quizapp import errors, messages
from quizapp.models import Answer, Participant, Question, Quiz, QuizSession
from quizapp.rules import answer_matching, ordering, scale, scoring, slider, word_cloud
from quizapp.selectors import session_questions, session_with_quiz

PARTICIPANT_TABLE = Participant._meta.db_table  # noqa: SLF001 - Django's documented Model._meta API
ANSWER_TABLE = Answer._meta.db_table  # noqa: SLF001


def rules_for(quiz: Quiz) -> scoring.ScoringRules:
    """The quiz's scoring switches as the pure scoring rules take them."""
    return scoring.ScoringRules(speed_points=quiz.speed_points, streaks=quiz.streaks)


@dataclass(slots=True)
class StoredAnswer:
    """An answer as the batch stored it (its id set once inserted): the acknowledgement and the
    tally read it; the ORM reads the row back as :class:`Answer`. Not a model instance: building
    one per answer was a fifth of storing a class's answers (docs/operations.md)."""

    session_id: int
    participant_id: int
    question: Question
    vote: int
    choices: list[int]
    ratings: list[int]
    text: str
    correct: bool | None
    response_ms: int
    points: int
    streak_bonus: int
    confidence: float | None
    answered_at: datetime
    #: Set once inserted.
    id: int = 0

    @property
    def question_id(self) -> int:
        return self.question.id


@dataclass(frozen=True)
class AnswerReceipt:
    answer: StoredAnswer
    #: Shown to the student at once only in student-paced mode (else at the reveal).
    immediate_result: dict[str, Any] | None


@dataclass(frozen=True)
class AnswerRequest:
    participant_id: int
    question_id: int
    choices: Any = None
    text: Any = None
    confidence: Any = None
    #: A slider's number.
    value: Any = None
    #: A scale's ratings: one whole number per statement.
    ratings: Any = None
    #: An ordering question's item ids, in the student's order.
    order: Any = None
    #: A word cloud's words (a list of strings; ``text`` is taken as one word).
    words: Any = None


def answer_submit(
    *,
    participant_id: int,
    question_id: int,
    choices: Any = None,
    text: Any = None,
    confidence: Any = None,
    value: Any = None,
    ratings: Any = None,
    order: Any = None,
    words: Any = None,
) -> AnswerReceipt:
    """Store one answer, scored from server-side time; a second one is refused."""
    request = AnswerRequest(participant_id, question_id, choices, text, confidence, value, ratings, order, words)
    outcome = answers_submit([request])[0]
    if isinstance(outcome, errors.QuizError):
        raise outcome
    return outcome


def answers_submit(requests: list[AnswerRequest]) -> list[AnswerReceipt | errors.QuizError]:
    """Store many answers in one transaction (what arrived while the last batch was written).

    Each request gets its receipt or its refusal, in order. The unique constraint is the last
    word on a second answer: a batch is first stored without looking for its students' earlier
    answers (one round trip less, and no plan that scans a question's answers as statistics lag
    behind a filling table); if one was there, the batch is stored again with the lookup, and if
    that still fails (a row that came in between), one by one.
    """
    for look_up_earlier in (False, True):
        try:
            with transaction.atomic():
                return _answers_store(requests, look_up_earlier=look_up_earlier)
        except IntegrityError:
            continue
    outcomes: list[AnswerReceipt | errors.QuizError] = []
    for request in requests:
        try:
            with transaction.atomic():
                outcomes += _answers_store([request], look_up_earlier=True)
        except IntegrityError:
            outcomes.append(errors.AlreadyAnswered())
    return outcomes


def _answers_store(requests: list[AnswerRequest], *, look_up_earlier: bool) -> list[AnswerReceipt | errors.QuizError]:
    now = timezone.now()
    participant_ids = {r.participant_id for r in requests}
    seats = {seat.id: seat for seat in _seats_locked(participant_ids)}
    sessions = {}
    for session_id in {seat.session_id for seat in seats.values()}:
        session = session_with_quiz(session_id)
        if session is not None:
            sessions[session_id] = session
    # Earlier batches' answers (else only this batch's doubles are caught here; the insert refuses the rest).
    existing = _answered(participant_ids, {r.question_id for r in requests}) if look_up_earlier else set()
    outcomes: list[AnswerReceipt | errors.QuizError] = []
    new_answers: list[StoredAnswer] = []
    changed: dict[int, Seat] = {}
    for request in requests:
        seat = seats.get(request.participant_id)
        try:
            if seat is None or seat.session_id not in sessions:
                raise errors.BadToken()
            receipt = _answer_build(seat, sessions[seat.session_id], request, now, existing)
        except errors.QuizError as exc:
            outcomes.append(exc)
            continue
        existing.add((seat.id, request.question_id, receipt.answer.vote))
        new_answers.append(receipt.answer)
        changed[seat.id] = seat
        outcomes.append(receipt)
    _answers_insert(new_answers, now)
    _scores_update(list(changed.values()))
    return outcomes


@dataclass(slots=True)
class Seat:
    """What a batch reads of a student, locked for its transaction (and writes back: score, streak).
    Not a model instance: building hundreds of those per batch was a tenth of storing them."""

    id: int
    session_id: int
    removed: bool
    score: int
    streak: int
    current_index: int
    question_opened_at: datetime | None
    time_factor: int


#: The columns of :class:`Seat`, in its order.
SEAT_FIELDS = tuple(Seat.__dataclass_fields__)


def _seats_locked(ids: set[int]) -> list[Seat]:
    """The batch's students, locked for its transaction. On PostgreSQL one statement with the ids as
    one array (the ORM's ``IN`` of hundreds of placeholders cost more to compile and bind than to
    run), in id order so that batches side by side lock in the same order."""
    if connection.vendor != "postgresql":
        rows = Participant.objects.select_for_update().filter(id__in=ids).order_by("id").values_list(*SEAT_FIELDS)
        return [Seat(*row) for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(SEAT_FIELDS)} FROM {PARTICIPANT_TABLE}"  # noqa: S608 - names are the model's
            " WHERE id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE",
            [_int_array(ids)],
        )
        return [Seat(*row) for row in cursor.fetchall()]


def _answered(participant_ids: set[int], question_ids: set[int]) -> set[tuple[int, int, int]]:
    """(participant, question, vote) of the answers these students already gave these questions."""
    if connection.vendor != "postgresql":
        return set(
            Answer.objects.filter(participant_id__in=participant_ids, question_id__in=question_ids).values_list(
                "participant_id", "question_id", "vote"
            )
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT participant_id, question_id, vote FROM {ANSWER_TABLE}"  # noqa: S608 - names are the model's
            " WHERE participant_id = ANY(%s::bigint[]) AND question_id = ANY(%s::bigint[])",
            [_int_array(participant_ids), _int_array(question_ids)],
        )
        return set(cursor.fetchall())


def _int_array(ids: set[int]) -> str:
    """A PostgreSQL array literal: one text parameter (psycopg dumps a list element by element)."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def _scores_update(seats: list[Seat]) -> None:
    """Write the batch's new scores and streaks: on PostgreSQL one statement joined to the rows sent
    as one JSON document (a statement per row was a quarter of a batch's database time, and psycopg
    dumping arrays element by element most of the rest), elsewhere one prepared statement run per
    row; both far cheaper than ``bulk_update``'s CASE for hundreds."""
    if not seats:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {PARTICIPANT_TABLE} AS p SET score = v.score, streak = v.streak"  # noqa: S608
                " FROM json_to_recordset(%s::json) AS v(id bigint, score integer, streak integer)"
                # The ids again as an array: joined to the recordset alone (100 rows as far as the
                # planner knows) the class's table was scanned whole for every batch.
                " WHERE p.id = v.id AND p.id = ANY(%s::bigint[])",
                [
                    json.dumps([{"id": s.id, "score": s.score, "streak": s.streak} for s in seats]),
                    _int_array({s.id for s in seats}),
                ],
            )
        else:
            cursor.executemany(
                f"UPDATE {PARTICIPANT_TABLE} SET score = %s, streak = %s WHERE id = %s",  # noqa: S608
                [(s.score, s.streak, s.id) for s in seats],
            )


#: What :func:`_answers_insert` reads of each answer, in order, and the type PostgreSQL reads it as
#: from the batch's JSON (``None``: a JSON value, kept as one).
_ROW_FIELDS = (
    ("session_id", "bigint"),
    ("participant_id", "bigint"),
    ("question_id", "bigint"),
    ("vote", "smallint"),
    ("choices", None),
    ("ratings", None),
    ("text", "text"),
    ("correct", "boolean"),
    ("response_ms", "integer"),
    ("points", "integer"),
    ("streak_bonus", "integer"),
    ("confidence", "double precision"),
)
#: The columns :func:`_answers_insert` writes: every concrete field of Answer but its id (a test
#: keeps the list equal to the model's, so a new field cannot be left out silently).
INSERTED_COLUMNS = (*(name for name, _type in _ROW_FIELDS), "answered_at")
_row_of = operator.attrgetter(*(name for name, _type in _ROW_FIELDS))
#: Each row is a JSON array, read by position: a batch's JSON a third of the size of one object per
#: row, written by ``json.dumps`` in half the time, and read by PostgreSQL in two thirds of
#: ``json_populate_recordset``'s (measured on 200-answer batches, docs/operations.md).
_PG_INSERT = (
    f"INSERT INTO {ANSWER_TABLE} ({', '.join(INSERTED_COLUMNS)}) SELECT "  # noqa: S608 - names are this module's constants; values are parameters
    + ", ".join(f"r->{i}" if kind is None else f"(r->>{i})::{kind}" for i, (_name, kind) in enumerate(_ROW_FIELDS))
    + ", %s::timestamptz FROM jsonb_array_elements(%s::jsonb) AS r"
)


def _answers_insert(new_answers: list[StoredAnswer], now: datetime) -> None:
    """Insert a batch and set each answer's id. ``bulk_create`` prepared the values field by field,
    a third of storing a class's answers (docs/operations.md); here PostgreSQL gets one statement
    with the rows as one JSON document (the same text every time, so parsed once; json.dumps is C,
    where psycopg dumped arrays element by element in Python), SQLite one of rows. The ids come
    back with the answers' unique key, so nothing depends on the order rows return in."""
    if not new_answers:
        return
    columns = ", ".join(INSERTED_COLUMNS)
    returning = " RETURNING id, participant_id, question_id, vote"
    ids: dict[tuple[int, int, int], int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_INSERT + returning, [now.isoformat(), json.dumps([_row_of(a) for a in new_answers])])
            ids.update(((p, q, v), i) for i, p, q, v in cursor.fetchall())
        else:
            answered_at = connection.ops.adapt_datetimefield_value(now)
            values = [
                (
                    a.session_id,
                    a.participant_id,
                    a.question_id,
                    a.vote,
                    json.dumps(a.choices),
                    json.dumps(a.ratings),
                    a.text,
                    a.correct,
                    a.response_ms,
                    a.points,
                    a.streak_bonus,
                    a.confidence,
                    answered_at,
                )
                for a in new_answers
            ]
            row = "(" + ", ".join(["%s"] * len(INSERTED_COLUMNS)) + ")"
            per_statement = max(1, (connection.features.max_query_params or 999) // len(INSERTED_COLUMNS))
            for start in range(0, len(values), per_statement):
                chunk = values[start : start + per_statement]
                params = [value for one in chunk for value in one]
                sql = f"INSERT INTO {ANSWER_TABLE} ({columns}) VALUES {', '.join([row] * len(chunk))}{returning}"  # noqa: S608 - as above
                cursor.execute(sql, params)
                ids.update(((p, q, v), i) for i, p, q, v in cursor.fetchall())
    for answer in new_answers:
        answer.id = ids[(answer.participant_id, answer.question_id, answer.vote)]


def _answer_build(
    participant: Seat,
    session: QuizSession,
    request: AnswerRequest,
    now: datetime,
    existing: set[tuple[int, int, int]],
) -> AnswerReceipt:
    """Check one answer against the open question and score it (in memory; the caller saves)."""
    if participant.removed:
        raise errors.Removed()
    if session.ended_at is not None:
        raise errors.SessionEnded()
    question_id = request.question_id
    question, opened_at = _open_question(participant, session, question_id)
    # Their own deadline (a time accommodation), else the class's; none: open until the reveal.
    deadline = own_deadline(participant, session, question, opened_at)
    vote = session.current_vote if session.mode != QuizSession.Mode.STUDENT_PACED else 1
    if (participant.id, question_id, vote) in existing:
        raise errors.AlreadyAnswered()
    if deadline is not None and now > deadline + timedelta(milliseconds=settings.QUIZ_ANSWER_GRACE_MS):
        raise errors.TooLate()
    ratings: list[int] = []
    chosen: list[int]
    typed: str
    correct: bool | None
    if question.kind == Question.Kind.SCALE:  # an opinion per statement: no choice, no right answer
        ratings = _check_ratings(question, request.ratings)
        chosen, typed, correct = [], scale.ratings_text(ratings), None
    elif question.is_word_cloud:  # its words, one to the question's limit; never right or wrong
        chosen, typed, correct = [], _check_words(question, request), None
    else:
        chosen, typed, correct = _check_answer(question, request.choices, request.text, request.value, request.order)
    confidence_value = _check_confidence(session.quiz, request.confidence)
    response_ms = max(0, int((now - opened_at).total_seconds() * 1000))
    rules = rules_for(session.quiz)
    counts = question.has_correct_answer and question.points > 0 and vote == 1
    grace_ms = settings.QUIZ_ANSWER_GRACE_MS
    speed_limit_ms = scoring.speed_time_limit_ms(question.time_limit_s * 1000, participant.time_factor)
    if question.is_ordering:  # partial credit for the items in their right place
        base = ordering.order_points(
            chosen,
            points=question.points if counts else 0,
            response_ms=response_ms,
            time_limit_ms=speed_limit_ms,
            rules=rules,
        )
    else:
        base = scoring.answer_points(
            correct=bool(correct),
            points=question.points if counts else 0,
            response_ms=response_ms,
            time_limit_ms=speed_limit_ms,
            rules=rules,
        )
    bonus, streak = (0, participant.streak)
    if counts:
        bonus, streak = scoring.streak_bonus(participant.streak, bool(correct), rules)
    answer = StoredAnswer(
        session_id=session.id,
        participant_id=participant.id,
        question=question,
        choices=chosen,
        text=typed,
        ratings=ratings,
        correct=correct,
        response_ms=response_ms if deadline is None else min(response_ms, speed_limit_ms + grace_ms),
        points=base,
        streak_bonus=bonus,
        confidence=confidence_value,
        vote=vote,
        answered_at=now,
    )
    participant.score += base + bonus
    participant.streak = streak
    immediate = None
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        immediate = {
            "question_id": question.id,
            **messages.question_reveal(question),
            "correct": correct,
            "points": base + bonus,
            "score": participant.score,
            "streak": streak,
        }
    return AnswerReceipt(answer=answer, immediate_result=immediate)


def _open_question(participant: Seat, session: QuizSession, question_id: int) -> tuple[Question, datetime]:
    """The question this participant may answer now and when it opened for them, or the refusal."""
    questions = session_questions(session)
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        index, opened_at = participant.current_index, participant.question_opened_at
        if index >= len(questions) or questions[index].id != question_id or opened_at is None:
            raise _not_open_or_answered(participant, question_id)
    else:
        index, opened_at = session.current_index, session.question_opened_at
        if session.state != QuizSession.State.QUESTION or not (0 <= index < len(questions)):
            raise _not_open_or_answered(participant, question_id)
        if questions[index].id != question_id or opened_at is None or session.question_deadline is None:
            raise _not_open_or_answered(participant, question_id)
    return questions[index], opened_at


def own_deadline(
    participant: Participant | Seat, session: QuizSession, question: Question, opened_at: datetime
) -> datetime | None:
    """When this student's time on the open question runs out; ``None``: no time limit (the
    answer is taken until the instructor reveals or moves on, or, student-paced, until they do).

    Without an accommodation it is the class's deadline. Drawing questions keep the round's
    deadline (the round collects the drawings for everyone at once)."""
    class_deadline = session.question_deadline if session.mode != QuizSession.Mode.STUDENT_PACED else None
    if participant.time_factor == 1 or question.is_round:
        if class_deadline is not None:
            return class_deadline
        return opened_at + timedelta(seconds=question.time_limit_s)
    own_ms = scoring.own_time_limit_ms(question.time_limit_s * 1000, participant.time_factor)
    return None if own_ms is None else opened_at + timedelta(milliseconds=own_ms)


def _not_open_or_answered(participant: Seat, question_id: int) -> errors.QuizError:
    if Answer.objects.filter(participant_id=participant.id, question_id=question_id).exists():
        return errors.AlreadyAnswered()
    return errors.QuestionNotOpen()


#: What no text column of PostgreSQL holds (a NUL) and what is not a character (a lone surrogate, which
#: JSON's ``\\ud800`` escapes make): refused with the answer alone, never failing its batch with it.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_answer(
    question: Question, choices: Any, text: Any, value: Any = None, order: Any = None
) -> tuple[list[int], str, bool | None]:
    if question.is_round:  # a round takes drawings or sentences (quizapp.drawing), not answers
        raise errors.InvalidAnswer()
    if question.is_slide:  # a slide is shown, never answered
        raise errors.QuestionNotOpen()
    if question.is_ordering:
        return _check_order(question, order)
    if question.kind == Question.Kind.SLIDER:
        return _check_slider(question, value)
    if question.takes_text:
        if not isinstance(text, str) or not text.strip() or len(text) > 200 or _UNSTORABLE.search(text):
            raise errors.InvalidAnswer()
        if question.kind == Question.Kind.OPEN:
            return [], text.strip(), None
        return [], text.strip(), answer_matching.matches(text, question.accepted_answers)
    if isinstance(choices, int) and not isinstance(choices, bool):
        choices = [choices]
    if (
        not isinstance(choices, list)
        or not choices
        or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices)
        or len(set(choices)) != len(choices)
        or not all(0 <= c < len(question.options) for c in choices)
    ):
        raise errors.InvalidAnswer()
    correct_set = {i for i, o in enumerate(question.options) if o.get("correct")}
    if len(choices) > 1 and len(correct_set) <= 1:
        raise errors.InvalidAnswer()
    if question.kind == Question.Kind.POLL or not correct_set:
        return sorted(choices), "", None
    return sorted(choices), "", answer_matching.choice_correct(set(choices), correct_set)


#: The refusal of a scale answer says what fits (the code stays ``invalid_answer``).
SCALE_REFUSED = gettext_lazy("Rate each of the %(count)d statements with a whole number from %(low)d to %(high)d.")


def _check_ratings(question: Question, raw: Any) -> list[int]:
    settings = scale.settings_of(question.numeric)
    count = len(question.options)
    try:
        return scale.check_ratings(settings, count, raw)
    except scale.ScaleRefused:
        raise errors.InvalidAnswer(SCALE_REFUSED, count=count, low=settings.minimum, high=settings.maximum) from None


def _check_order(question: Question, order: Any) -> tuple[list[int], str, bool]:
    """An ordering answer is stored as the order itself (item ids: the grid and the report show
    it); right only when exact (partial credit: :func:`quizapp.rules.ordering.order_points`)."""
    try:
        checked = ordering.check_order(order, len(question.options))
    except ordering.OrderingRefused:
        raise errors.InvalidAnswer() from None
    return checked, "", ordering.is_exact(checked)


def _check_slider(question: Question, value: Any) -> tuple[list[int], str, bool]:
    """A slider's number is stored as its histogram bin (the tally's and the report's) and as itself."""
    settings = slider.settings_of(question.numeric)
    try:
        number = slider.check_value(settings, value)
    except slider.SliderRefused:
        raise errors.InvalidAnswer() from None
    return [settings.bin_of(number)], slider.fmt(number).replace(",", ""), settings.is_correct(number)


WORD_ERRORS: dict[word_cloud.WordError, type[errors.QuizError]] = {
    word_cloud.WordError.EMPTY: errors.WordEmpty,
    word_cloud.WordError.TOO_LONG: errors.WordTooLong,
    word_cloud.WordError.INVALID_CHARACTERS: errors.WordInvalid,
    word_cloud.WordError.MARKUP: errors.WordMarkup,
    word_cloud.WordError.TOO_MANY: errors.TooManyWords,
    word_cloud.WordError.NOT_TEXT: errors.InvalidAnswer,
}


def _check_words(question: Question, request: AnswerRequest) -> str:
    """A word cloud's answer: ``words`` (or ``text`` as one word), cleaned, stored one per line."""
    raw = request.words if request.words is not None else request.text
    if request.choices is not None or request.value is not None:
        raise errors.InvalidAnswer()
    try:
        words = word_cloud.clean_answers(raw, question.words_per_student)
    except word_cloud.WordRefused as exc:
        maximum = question.words_per_student if exc.code == word_cloud.WordError.TOO_MANY else word_cloud.MAX_LENGTH
        raise WORD_ERRORS[exc.code](maximum=maximum) from None
    return word_cloud.SEPARATOR.join(words)


def _check_confidence(quiz: Quiz, confidence: Any) -> float | None:
    if not quiz.ask_confidence or confidence is None:
        return None
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0.5 <= confidence <= 1.0:
        raise errors.InvalidAnswer()
    return float(confidence)
