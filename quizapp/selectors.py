"""Reads of the live quiz: what a reconnecting student, the console and reports see."""

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast

from core.prepared import PreparedQuery, loaded_instance
from quizapp import errors, groups, messages
from quizapp.models import Answer, Participant, Question, Quiz, QuizSession, Room
from quizapp.rules import answer_matching, calibration, ordering, room_codes, scale, scoring, teams, word_cloud


def room_get_by_code(code: str) -> Room | None:
    """The room a typed code reaches, look-alikes and case forgiven."""
    return Room.objects.filter(code_key=room_codes.lookup_key(code)).select_related("owner").first()


#: What a join reads of a room's live session, its room and its quiz (one row, by the room's code key).
_JOIN_SESSION_FIELDS = (
    "id",
    "mode",
    "state",
    "locked",
    "friendly_nicknames",
    "team_count",
    "has_bans",
    "room_id",
    "quiz_id",
)
_JOIN_ROOM_FIELDS = ("id", "code", "code_key", "max_participants", "owner_id")
_JOIN_QUIZ_FIELDS = ("id", "title", "language", "ask_confidence")
_LIVE_SESSION_BY_CODE = PreparedQuery(
    lambda key: (
        QuizSession.objects.filter(room__code_key=key, ended_at__isnull=True)
        .order_by("pk")
        .values_list(
            *_JOIN_SESSION_FIELDS,
            *(f"room__{name}" for name in _JOIN_ROOM_FIELDS),
            *(f"quiz__{name}" for name in _JOIN_QUIZ_FIELDS),
        )[:1]
    ),
    str,
)
_PRESENT = PreparedQuery(
    lambda session_id: Participant.objects.filter(session_id=session_id, removed=False).order_by().values_list("id"),
    int,
)
_BANNED_NICKNAME = PreparedQuery(
    lambda session_id, key: (
        Participant.objects.filter(session_id=session_id, banned=True, nickname_key=key)
        .order_by()
        .values_list("id")[:1]
    ),
    int,
    str,
)
_BANNED_NICKNAME_OR_DEVICE = PreparedQuery(
    lambda session_id, key, device_id: (
        Participant.objects.filter(Q(nickname_key=key) | Q(device_id=device_id), session_id=session_id, banned=True)
        .order_by()
        .values_list("id")[:1]
    ),
    int,
    str,
    str,
)


def _all_fields(model: type[Any]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)  # noqa: SLF001 - Django's documented Model._meta API


_PARTICIPANT_FIELDS, _SESSION_FIELDS = _all_fields(Participant), _all_fields(QuizSession)
_QUIZ_FIELDS, _ROOM_FIELDS = _all_fields(Quiz), _all_fields(Room)
_PARTICIPANT_WITH_SESSION = PreparedQuery(
    lambda participant_id: Participant.objects.filter(id=participant_id).values_list(
        *_PARTICIPANT_FIELDS,
        *(f"session__{name}" for name in _SESSION_FIELDS),
        *(f"session__quiz__{name}" for name in _QUIZ_FIELDS),
        *(f"session__room__{name}" for name in _ROOM_FIELDS),
    ),
    int,
)


def participant_with_session(participant_id: int) -> Participant | None:
    """The participant with their session, its quiz and room, whole, in one prepared read: what a
    (re)connecting socket reads (a class of 10,000 reconnecting after a network blip reads it
    20,000 times; core/prepared.py)."""
    row = _PARTICIPANT_WITH_SESSION.first(participant_id)
    if row is None:
        return None
    at = len(_PARTICIPANT_FIELDS)
    participant = loaded_instance(Participant, _PARTICIPANT_FIELDS, row[:at])
    session = loaded_instance(QuizSession, _SESSION_FIELDS, row[at : at + len(_SESSION_FIELDS)])
    at += len(_SESSION_FIELDS)
    session.quiz = loaded_instance(Quiz, _QUIZ_FIELDS, row[at : at + len(_QUIZ_FIELDS)])
    at += len(_QUIZ_FIELDS)
    session.room = loaded_instance(Room, _ROOM_FIELDS, row[at:])
    participant.session = session
    return participant


_SESSION_WITH_QUIZ = PreparedQuery(
    lambda session_id: QuizSession.objects.filter(id=session_id).values_list(
        *_SESSION_FIELDS, *(f"quiz__{name}" for name in _QUIZ_FIELDS)
    ),
    int,
)


def session_with_quiz(session_id: int) -> QuizSession | None:
    """The session and its quiz, whole, in one prepared read (each batch of answers reads it)."""
    row = _SESSION_WITH_QUIZ.first(session_id)
    if row is None:
        return None
    session = loaded_instance(QuizSession, _SESSION_FIELDS, row[: len(_SESSION_FIELDS)])
    session.quiz = loaded_instance(Quiz, _QUIZ_FIELDS, row[len(_SESSION_FIELDS) :])
    return session


def live_session_for_code(code: str) -> QuizSession | None:
    """The live session of the room a typed code reaches, with its room and quiz, in one prepared read
    (a join's hot path: core/prepared.py). Fields a join does not read are deferred, not defaulted."""
    row = _LIVE_SESSION_BY_CODE.first(room_codes.lookup_key(code))
    if row is None:
        return None
    rooms_at, quizzes_at = len(_JOIN_SESSION_FIELDS), len(_JOIN_SESSION_FIELDS) + len(_JOIN_ROOM_FIELDS)
    session = loaded_instance(QuizSession, _JOIN_SESSION_FIELDS, row[:rooms_at])
    session.room = loaded_instance(Room, _JOIN_ROOM_FIELDS, row[rooms_at:quizzes_at])
    session.quiz = loaded_instance(Quiz, _JOIN_QUIZ_FIELDS, row[quizzes_at:])
    return session


def participants_present(session_id: int) -> int:
    """Students in the session, removed ones not counted."""
    return _PRESENT.count(session_id)


def participant_banned(*, session_id: int, nickname_key: str, device_id: str = "") -> bool:
    """Whether a student with this nickname (or this browser, when it sent its id) was banned from the session."""
    if device_id:
        return _BANNED_NICKNAME_OR_DEVICE.first(session_id, nickname_key, device_id) is not None
    return _BANNED_NICKNAME.first(session_id, nickname_key) is not None


def room_get_for_host(*, user: User, code: str) -> Room | None:
    """The room, only if ``user`` owns it."""
    room = room_get_by_code(code)
    return room if room is not None and room.owner_id == user.id else None


def rooms_for_owner(user: User) -> QuerySet[Room]:
    return Room.objects.filter(owner=user)


def quizzes_for_owner(user: User) -> QuerySet[Quiz]:
    return Quiz.objects.filter(owner=user, is_adhoc=False)


def session_lock_for_host(*, session_id: int, user: User) -> QuizSession:
    """The session row, locked for a write by its room's owner; anyone else is refused."""
    session = QuizSession.objects.select_for_update().select_related("quiz", "room").get(id=session_id)
    if session.room.owner_id != user.id:
        raise errors.NotAllowed()
    return session


def live_session(room: Room) -> QuizSession | None:
    return QuizSession.objects.select_related("quiz", "room").filter(room=room, ended_at__isnull=True).first()


#: Where :func:`session_questions` keeps a session object's questions (one query per object).
QUESTIONS_CACHE = "questions_in_order"


_QUESTION_FIELDS = _all_fields(Question)
_QUIZ_QUESTIONS = PreparedQuery(
    lambda quiz_id: Question.objects.filter(quiz_id=quiz_id).order_by("position", "id").values_list(*_QUESTION_FIELDS),
    int,
)


def session_questions(session: QuizSession) -> list[Question]:
    """The session's items (its lesson's questions and slides) in order, loaded once per session
    object; ``session.current_index`` indexes this list. A prepared read: every batch of answers
    reads them (the ORM compiled the same query for each, core/prepared.py)."""
    cached = getattr(session, QUESTIONS_CACHE, None)
    if cached is None:
        cached = [loaded_instance(Question, _QUESTION_FIELDS, row) for row in _QUIZ_QUESTIONS.rows(session.quiz_id)]
        setattr(session, QUESTIONS_CACHE, cached)
    return cached


def session_scored_questions(session: QuizSession) -> list[Question]:
    """The session's questions without its slides: what grids, reports and progress count."""
    return [q for q in session_questions(session) if not q.is_slide]


def lesson_notes(session: QuizSession) -> dict[int, str]:
    """The instructor's notes per item id, for the console page only (never on a socket: the
    projector shares the host socket, and phones must not see them)."""
    return {q.id: q.notes for q in session_questions(session) if q.notes}


class Standing(NamedTuple):
    """A student's place in the session (no nickname: the reveal reads one for every student)."""

    id: int
    score: int
    streak: int
    rank: int


def standings(session: QuizSession, limit: int | None = None) -> list[Standing]:
    """Everyone still in the session (or the first ``limit``), best first (ties by id), with
    competition ranks (ties share: a rank depends only on the rows before it, so a prefix's are exact).

    Tuples without nicknames: the reveal reads the whole class, and a dict with a nickname per
    student of 10,000 was a third of its time before its broadcast (docs/operations.md)."""
    # In rank order from the database (its sort runs off this process's GIL); ranks as the rule says.
    players = session.participants.filter(removed=False).order_by("-score", "id")
    rows = list(players.values_list("id", "score", "streak")[:limit])
    ranks = scoring.competition_ranks({pid: score for pid, score, _streak in rows})
    make = Standing._make
    return [make((pid, score, streak, ranks[pid])) for pid, score, streak in rows]


#: Each student's ``you`` of a reveal (docs/websocket-protocol.md), written by the database: the
#: same text ``messages.dumps`` writes for it, ``rank`` by ``RANK()``, the rule of
#: ``scoring.competition_ranks`` (tests/quizapp/live/test_standings.py holds the two equal).
_YOU_TEXT = (
    "'{\"answered\":' || CASE WHEN a.total IS NULL THEN 'false' ELSE 'true' END"
    " || ',\"correct\":' || CASE WHEN a.correct IS NULL THEN 'null' WHEN a.correct THEN 'true' ELSE 'false' END"
    " || ',\"points\":' || CAST(COALESCE(a.total, 0) AS TEXT)"
    " || ',\"score\":' || CAST(p.score AS TEXT)"
    " || ',\"rank\":' || CAST(RANK() OVER (ORDER BY p.score DESC) AS TEXT)"
    " || ',\"streak\":' || CAST(p.streak AS TEXT) || '}'"
)
#: The session's answers to the question (a quiz's questions are every session's of it), joined to
#: the class by hash: planned from statistics taken before the question's answers came in (one row
#: expected), a plain join became a nested loop over the whole question, 7 s at 10,000; the answers
#: looked up one by one in the unique index (``LATERAL``) took twice the time of the hash join (77
#: against 39-42 ms, docs/operations.md).
_ANSWER_JOIN = (
    f"LEFT JOIN (SELECT participant_id, correct, points + streak_bonus AS total FROM {Answer._meta.db_table}"  # noqa: SLF001, S608 - names from the model
    " WHERE session_id = %s AND question_id = %s AND vote = %s) AS a ON a.participant_id = p.id"
)


def reveal_personal_parts(session: QuizSession, question_id: int, vote: int) -> dict[str, str]:
    """Every student still in the session: their ``you`` of the reveal (answered, correct, points
    with the streak bonus, score, rank, streak) as JSON text, by member key (``core.fanout``'s
    personal parts).

    One statement, the text built by the database: reading the class as rows and writing 10,000
    small objects in the web process was most of a 10,000-student reveal's time before its broadcast,
    and ran beside the event loop's work for the GIL (docs/operations.md)."""
    sql = (
        f"SELECT p.id, {_YOU_TEXT} FROM {Participant._meta.db_table} AS p {_ANSWER_JOIN}"  # noqa: SLF001, S608 - names from the models
        " WHERE p.session_id = %s AND NOT p.removed"
    )
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:  # for this statement only (SQLite plans its own way: an index on the answers)
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, [session.id, question_id, vote, session.id])
        rows = cursor.fetchall()
        if postgresql:
            cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")
    member_key = groups.member_key
    return {member_key(pid): text for pid, text in rows}


def leaderboard_top(session: QuizSession, ranked: list[Standing] | None = None, count: int = 5) -> list[dict[str, Any]]:
    """The board's first ``count`` rows with their nicknames (``ranked``: :func:`standings` already read)."""
    top = standings(session, limit=count) if ranked is None else ranked[:count]
    names = dict(Participant.objects.filter(id__in=[s.id for s in top]).values_list("id", "nickname"))
    return [
        {"id": s.id, "nickname": names.get(s.id, ""), "score": s.score, "streak": s.streak, "rank": s.rank} for s in top
    ]


def participant_rank(participant: Participant) -> int | None:
    """Competition rank (ties share) by counting who is ahead: one query, not the whole board."""
    if participant.removed:
        return None
    if participant.session.state == QuizSession.State.LOBBY:
        # Before the first question nobody has scored: everyone shares first place, no count (a
        # class of 10,000 connecting in the lobby made PostgreSQL count the class 10,000 times).
        return 1
    return _AHEAD.count(participant.session_id, participant.score) + 1


_AHEAD = PreparedQuery(
    lambda session_id, score: (
        Participant.objects.filter(session_id=session_id, removed=False, score__gt=score).order_by().values_list("id")
    ),
    int,
    int,
)


class ParticipantRow(NamedTuple):
    """What the console's lists show of a student (``messages.participant_public`` takes it)."""

    id: int
    nickname: str
    score: int
    time_factor: int
    time_requested: bool
    removed: bool


def participant_rows(session: QuizSession) -> list[ParticipantRow]:
    """Everyone who joined the session, removed students too, in the order they joined.

    Rows, not model instances: a console reconnecting to a class of 10,000 read them with every
    answer of the session as instances, seconds of the web process's database thread."""
    rows = session.participants.order_by("joined_at", "id").values_list(*ParticipantRow._fields)
    return [ParticipantRow._make(row) for row in rows]


class _CellRow(NamedTuple):
    """An answer as a results-grid cell reads it (:func:`answer_cell`)."""

    participant_id: int
    question_id: int
    choices: list[int]
    text: str
    ratings: list[int]
    correct: bool | None
    response_ms: int
    points: int
    streak_bonus: int
    confidence: float | None


def results_grid(session: QuizSession, participants: list[ParticipantRow] | None = None) -> dict[str, Any]:
    """Students × questions (slides left out): each cell the answer, whether it was right, its time and
    points. ``participants``: :func:`participant_rows` already read."""
    questions = session_scored_questions(session)
    if participants is None:
        participants = participant_rows(session)
    options = {q.id: [o.get("text", "") for o in q.options] for q in questions}
    ordered = {q.id for q in questions if q.is_ordering}
    cells: dict[int, dict[int, dict[str, Any]]] = {}
    # The JSON columns as text, decoded in one call: json.loads per value was half of the grid's time.
    as_text = {"choices": Cast("choices", TextField()), "ratings": Cast("ratings", TextField())}
    fields = [f"{name}_json" if name in as_text else name for name in _CellRow._fields]
    rows = list(
        Answer.objects.filter(session=session, vote=1)
        .annotate(**{f"{name}_json": value for name, value in as_text.items()})
        .values_list(*fields)
    )
    choices_at, ratings_at = _CellRow._fields.index("choices"), _CellRow._fields.index("ratings")
    decoded = iter(json.loads("[" + ",".join(f"{r[choices_at]},{r[ratings_at]}" for r in rows) + "]") if rows else [])
    for row in rows:
        values = list(row)
        values[choices_at], values[ratings_at] = next(decoded), next(decoded)
        a = _CellRow._make(values)
        cell = answer_cell(a)
        texts = options.get(a.question_id, [])
        joiner = " → " if a.question_id in ordered else ", "  # an ordering answer is the student's order
        # a word cloud's words are stored one per line
        cell["display"] = a.text.replace(word_cloud.SEPARATOR, ", ") or joiner.join(
            texts[i] for i in a.choices if 0 <= i < len(texts)
        )
        cells.setdefault(a.participant_id, {})[a.question_id] = cell
    return {
        "questions": [{"id": q.id, "prompt": q.prompt, "kind": q.kind, "options": q.options} for q in questions],
        "rows": [
            {
                "participant": messages.participant_public(p),
                "removed": p.removed,
                "cells": [cells.get(p.id, {}).get(q.id) for q in questions],
            }
            for p in participants
        ],
    }


def answer_cell(answer: Any) -> dict[str, Any]:
    """One results-grid cell: an :class:`Answer` or a just-stored answer (quizapp.live.answers)."""
    return {
        "participant_id": answer.participant_id,
        "question_id": answer.question_id,
        "choices": answer.choices,
        "text": answer.text,
        "ratings": answer.ratings,
        "correct": answer.correct,
        "ms": answer.response_ms,
        "points": answer.points + answer.streak_bonus,
        "confidence": answer.confidence,
    }


def answers_grouped(session: QuizSession, question: Question, vote: int) -> list[tuple[Any, str, int]]:
    """A vote's answers as ``(choices, text, count)`` rows, grouped in the database (what the
    distributions take: a class of 10,000 on a two-option question is two rows)."""
    return list(
        Answer.objects.filter(session=session, question=question, vote=vote)
        .values_list("choices", "text")
        .annotate(n=Count("id"))
        .order_by()
    )


def tally(session: QuizSession, question: Question) -> dict[str, Any]:
    """Counts grouped in the database: cheap enough to run a few times a second."""
    if question.kind == Question.Kind.SCALE:
        return scale_tally(session, question)
    grouped = answers_grouped(session, question, session.current_vote)
    counts = {
        "question_id": question.id,
        "vote": session.current_vote,
        "answered": sum(n for _c, _t, n in grouped),
        "participants": participants_present(session.id),
        "distribution": answer_distribution(question, grouped),
    }
    if question.is_ordering:
        counts["ordering"] = ordering_tally(grouped)
    if question.is_word_cloud:
        counts["cloud"] = _cloud_public(session, question, grouped)
    return counts


def ordering_tally(rows: Iterable[tuple[list[int], str, int]]) -> dict[str, int]:
    """An ordering question's answers: how many exact, partly right (some items in place), wrong."""
    return ordering.tally((choices, n) for choices, _text, n in rows).as_dict()


def scale_stats(question: Question, ratings: Iterable[Any]) -> list[dict[str, Any]]:
    """A scale's statistics per statement (``quizapp.rules.scale.aggregate``), for the wire."""
    settings = scale.settings_of(question.numeric)
    return [s.as_dict() for s in scale.aggregate(settings, len(question.options), ratings)]


def scale_tally(session: QuizSession, question: Question) -> dict[str, Any]:
    """A scale's tally: its live mean, spread and distribution per statement; ``distribution``
    counts the ratings each statement got (every answer rates every statement)."""
    ratings = list(
        Answer.objects.filter(session=session, question=question, vote=session.current_vote).values_list(
            "ratings", flat=True
        )
    )
    stats = scale_stats(question, ratings)
    return {
        "question_id": question.id,
        "vote": session.current_vote,
        "answered": len(ratings),
        "participants": participants_present(session.id),
        "distribution": [s["n"] for s in stats],
        "scale_stats": stats,
    }


def hidden_words(session: QuizSession, question: Question) -> list[str]:
    """The word keys the instructor hid on ``question``'s cloud in this session."""
    hidden = session.hidden_words if isinstance(session.hidden_words, dict) else {}
    keys = hidden.get(str(question.id), [])
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def word_cloud_counts(session: QuizSession, question: Question) -> dict[str, Any]:
    """The cloud of the open vote's words (for the hosts: hidden words listed apart)."""
    grouped = answers_grouped(session, question, session.current_vote)
    return _cloud_public(session, question, grouped)


def _cloud_public(session: QuizSession, question: Question, grouped: Iterable[tuple[Any, str, int]]) -> dict[str, Any]:
    words = [word for _c, text, n in grouped for word in word_cloud.split_stored(text) for _ in range(n)]
    cloud = word_cloud.build_cloud(words, hidden_words(session, question))
    return {"question_id": question.id, **cloud.as_dict()}


def current_tally(session_id: int) -> dict[str, Any] | None:
    """The open question's tally, read a few times a second per web process while a class answers
    (prepared reads: the ORM compiled the same queries for every one)."""
    session = session_with_quiz(session_id)
    if session is None:
        raise QuizSession.DoesNotExist
    questions = session_questions(session)
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        return {
            "participants": participants_present(session.id),
            "answered": Answer.objects.filter(session=session).count(),
        }
    if not 0 <= session.current_index < len(questions) or questions[session.current_index].is_slide:
        return None
    return tally(session, questions[session.current_index])


def past_sessions(user: User) -> QuerySet[QuizSession]:
    return (
        QuizSession.objects.filter(room__owner=user, ended_at__isnull=False)
        .select_related("quiz", "room")
        .order_by("-created_at")
    )


def answer_distribution(question: Question, rows: Iterable[tuple[list[int], str, int]]) -> list[int] | dict[str, int]:
    """Counts per option from ``(choices, text, count)`` rows; for short answers, counts per
    normalised text (top 10); for an ordering question, per position how many put the right item
    there (the items in their right order). A word cloud's counts are its ``cloud`` (the hosts'
    only: a hidden word must not reach the phones), so its distribution is empty."""
    if question.is_ordering:
        return ordering.position_counts(((choices, n) for choices, _text, n in rows), len(question.options))
    if question.is_word_cloud:
        return {}
    if question.takes_text:
        counts: Counter[str] = Counter()
        for _choices, text, n in rows:
            counts[answer_matching.normalise_answer(text)] += n
        return dict(counts.most_common(10))
    per_option = [0] * len(question.options)
    for choices, _text, n in rows:
        for index in choices or []:
            if 0 <= index < len(per_option):
                per_option[index] += n
    return per_option


def team_standings(session: QuizSession) -> list[dict[str, Any]]:
    """Each team's mean score (fair to uneven teams) and correct answers per member — how far
    its rocket has flown in the Space Race."""
    members: dict[int, list[int]] = {t: [] for t in range(session.team_count)}
    for team, score in session.participants.filter(removed=False, team__isnull=False).values_list("team", "score"):
        if team is not None:  # the query leaves them out already; this tells the type checker
            members.setdefault(team, []).append(score)
    correct = dict(
        Answer.objects.filter(session=session, vote=1, correct=True, participant__removed=False)
        .values("participant__team")
        .annotate(n=Count("id"))
        .values_list("participant__team", "n")
    )
    means = teams.team_scores(members)
    total = max(1, len(session_scored_questions(session)))
    return [
        {
            "team": team,
            "members": len(members[team]),
            "score": round(means[team], 1),
            "progress": round(correct.get(team, 0) / max(1, len(members[team])) / total, 4),
        }
        for team in sorted(members)
    ]


def participant_calibrations(session: QuizSession) -> dict[int, dict[str, Any]]:
    """For each student: were they over- or under-confident? (first votes with a confidence
    on questions that have a right answer)."""
    pairs: dict[int, list[tuple[float, bool]]] = {}
    rows = Answer.objects.filter(session=session, vote=1, confidence__isnull=False, correct__isnull=False)
    for participant_id, confidence, correct in rows.values_list("participant_id", "confidence", "correct"):
        if confidence is not None and correct is not None:  # the query leaves the others out already
            pairs.setdefault(participant_id, []).append((confidence, correct))
    result = {}
    for participant_id, answers in pairs.items():
        result[participant_id] = {
            "verdict": str(calibration.verdict(answers)),
            "brier": round(calibration.brier_score(answers), 3),
            "mean_confidence": round(sum(c for c, _ in answers) / len(answers), 3),
            "accuracy": round(sum(1 for _, ok in answers if ok) / len(answers), 3),
            "answers": len(answers),
        }
    return result
