"""Live sessions: start, join, answer, next, reveal, lock, remove, end.

Each action validates, writes in one transaction and, once it commits, broadcasts what
changed to the session's sockets through :mod:`core.fanout`. Consumers and views call these
and nothing else.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import fanout, rate_limits
from core.ws_protocol import message
from quizapp import answer_matching, errors, groups, messages, nicknames, scoring, teams
from quizapp.models import Answer, Participant, Question, Quiz, QuizSession, Room
from quizapp.selectors import (
    answer_distribution,
    leaderboard_rows,
    participant_calibrations,
    room_get_by_code,
    session_questions,
    team_standings,
)

logger = logging.getLogger(__name__)

TOKEN_SALT = "quizapp.participant"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE_S = 24 * 3600
STUDENTS = "students"
TEAM_COUNTS = (0, 2, 3, 4, 5, 6)
HOSTS = "hosts"


def _after_commit_broadcast(
    session_id: int, payload: dict[str, Any], *, audience: str = fanout.EVERYONE, personal: dict[str, str] | None = None
) -> None:
    text = messages.dumps(payload)
    group = groups.session_group(session_id)
    transaction.on_commit(lambda: fanout.publish_sync(group, text, audience=audience, personal=personal))


def _rules(quiz: Quiz) -> scoring.ScoringRules:
    return scoring.ScoringRules(speed_points=quiz.speed_points, streaks=quiz.streaks)


def _lock_session(session_id: int) -> QuizSession:
    return QuizSession.objects.select_for_update().select_related("quiz", "room").get(id=session_id)


# --- starting and ending --------------------------------------------------------------


@transaction.atomic
def session_start(
    *, room: Room, quiz: Quiz, mode: str, user: User, friendly_nicknames: bool = False, team_count: int = 0
) -> QuizSession:
    """Open a session of ``quiz`` in ``room``; a session still live there is ended first."""
    if room.owner_id != user.id or quiz.owner_id != user.id:
        raise errors.NotAllowed()
    if mode not in QuizSession.Mode.values:
        raise errors.InvalidState()
    if team_count not in TEAM_COUNTS:
        raise errors.InvalidState()
    if not quiz.questions.exists():
        raise errors.InvalidState(errors.InvalidState.default_message)
    for live in QuizSession.objects.select_for_update().filter(room=room, ended_at__isnull=True):
        _end(live)
    state = QuizSession.State.RUNNING if mode == QuizSession.Mode.STUDENT_PACED else QuizSession.State.LOBBY
    session = QuizSession.objects.create(
        room=room, quiz=quiz, mode=mode, state=state, friendly_nicknames=friendly_nicknames, team_count=team_count
    )
    if mode == QuizSession.Mode.QUICK_QUESTION:
        _open_question(session, 0)
    return session


@transaction.atomic
def quick_question_start(
    *, room: Room, user: User, kind: str, prompt: str, options: list[dict] | None = None, accepted: list[str] | None
) -> QuizSession:
    """One ad-hoc question without a quiz, open at once."""
    from quizapp.services.quizzes import question_validate

    if room.owner_id != user.id:
        raise errors.NotAllowed()
    quiz = Quiz.objects.create(owner=user, title=prompt[:200], is_adhoc=True, streaks=False)
    fields = question_validate(kind=kind, prompt=prompt, options=options or [], accepted_answers=accepted or [])
    Question.objects.create(quiz=quiz, position=0, **fields)
    return session_start(room=room, quiz=quiz, mode=QuizSession.Mode.QUICK_QUESTION, user=user)


@transaction.atomic
def exit_ticket_start(*, room: Room, user: User, own_question: str = "", language: str = "ko") -> QuizSession:
    """Socrative's exit ticket in one click: how well was it understood, what was learnt, and
    the instructor's own question — student-paced, so everyone answers at their own speed."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from quizapp.services.quizzes import quiz_create

    if room.owner_id != user.id:
        raise errors.NotAllowed()
    with translation.override(language):
        questions = [
            {
                "kind": Question.Kind.POLL,
                "prompt": _("How well did you understand today's material?"),
                "options": [
                    _("1 — not at all"),
                    _("2 — a little"),
                    _("3 — partly"),
                    _("4 — mostly"),
                    _("5 — completely"),
                ],
                "time_limit_s": 120,
                "points": 0,
            },
            {"kind": Question.Kind.OPEN, "prompt": _("What did you learn today?"), "time_limit_s": 300},
        ]
        if own_question.strip():
            questions.append({"kind": Question.Kind.OPEN, "prompt": own_question.strip(), "time_limit_s": 300})
        quiz = quiz_create(owner=user, title=_("Exit ticket"), language=language, questions=questions)
    quiz.is_adhoc = True
    quiz.save(update_fields=["is_adhoc"])
    return session_start(room=room, quiz=quiz, mode=QuizSession.Mode.STUDENT_PACED, user=user)


def _end(session: QuizSession) -> None:
    session.state = QuizSession.State.ENDED
    session.ended_at = timezone.now()
    if session.question_deadline and session.question_deadline > session.ended_at:
        session.question_deadline = session.ended_at
    session.save(update_fields=["state", "ended_at", "question_deadline"])
    rows = leaderboard_rows(session)
    calibrations = participant_calibrations(session) if session.quiz.ask_confidence else {}
    personal = {
        groups.member_key(r["id"]): messages.dumps(
            {"rank": r["rank"], "score": r["score"], "calibration": calibrations.get(r["id"])}
        )
        for r in rows
    }
    extra = {"teams": team_standings(session)} if session.team_count else {}
    _after_commit_broadcast(session.id, message("session_ended", top=rows[:5], **extra), personal=personal)


@transaction.atomic
def session_end(*, session_id: int, user: User) -> QuizSession:
    session = _host_session(session_id, user)
    if session.ended_at is None:
        _end(session)
    return session


def _host_session(session_id: int, user: User) -> QuizSession:
    session = _lock_session(session_id)
    if session.room.owner_id != user.id:
        raise errors.NotAllowed()
    return session


# --- the instructor's controls ------------------------------------------------------------


def _open_question(session: QuizSession, index: int) -> None:
    questions = session_questions(session)
    question = questions[index]
    now = timezone.now()
    session.current_index = index
    session.current_vote = 1
    session.state = QuizSession.State.QUESTION
    session.question_opened_at = now
    session.question_deadline = now + timedelta(seconds=question.time_limit_s)
    session.save(update_fields=["current_index", "current_vote", "state", "question_opened_at", "question_deadline"])
    payload = messages.question_opened(session, question, index=index, total=len(questions))
    personal = None
    if question.is_drawing:
        from quizapp import drawing_selectors
        from quizapp.services import drawings

        payload["drawing"] = drawing_selectors.round_public(drawings.round_open(session, question))
        personal = drawing_selectors.prompts_by_member(session, question)
    _after_commit_broadcast(session.id, payload, personal=personal)


@transaction.atomic
def session_revote(*, session_id: int, user: User) -> QuizSession:
    """Peer instruction: after the reveal and a discussion, open the same question for a second
    vote. Second votes score no points; the report shows how the class moved."""
    session = _host_session(session_id, user)
    if session.state != QuizSession.State.REVEAL or session.current_vote != 1:
        raise errors.InvalidState()
    questions = session_questions(session)
    question = questions[session.current_index]
    if question.is_drawing:
        raise errors.InvalidState()
    now = timezone.now()
    session.current_vote = 2
    session.state = QuizSession.State.QUESTION
    session.question_opened_at = now
    session.question_deadline = now + timedelta(seconds=question.time_limit_s)
    session.save(update_fields=["current_vote", "state", "question_opened_at", "question_deadline"])
    payload = messages.question_opened(session, question, index=session.current_index, total=len(questions))
    _after_commit_broadcast(session.id, payload)
    return session


@transaction.atomic
def session_next(*, session_id: int, user: User) -> QuizSession:
    """Open the next question (from the lobby, the first), or end after the last."""
    session = _host_session(session_id, user)
    if session.ended_at is not None:
        raise errors.SessionEnded()
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        raise errors.InvalidState()
    if session.state == QuizSession.State.QUESTION:
        _reveal(session)
    total = len(session_questions(session))
    if session.current_index + 1 >= total:
        _end(session)
    else:
        _open_question(session, session.current_index + 1)
    return session


@transaction.atomic
def session_reveal(*, session_id: int, user: User) -> QuizSession:
    """Close the open question and show the answer, the distribution and each one's result."""
    session = _host_session(session_id, user)
    if session.state != QuizSession.State.QUESTION:
        raise errors.InvalidState()
    _reveal(session)
    return session


def _reveal(session: QuizSession) -> None:
    question = session_questions(session)[session.current_index]
    now = timezone.now()
    session.state = QuizSession.State.REVEAL
    if session.question_deadline is None or session.question_deadline > now:
        session.question_deadline = now
    session.save(update_fields=["state", "question_deadline"])
    vote = session.current_vote
    answers = list(Answer.objects.filter(session=session, question=question, vote=vote))
    # A missing answer breaks a streak, as a wrong one does (polls and 0-point questions do not count).
    if vote == 1 and question.has_correct_answer and question.points > 0:
        answered = {a.participant_id for a in answers}
        session.participants.exclude(id__in=answered).update(streak=0)
    rows = leaderboard_rows(session)
    ranks = {r["id"]: r for r in rows}
    by_participant = {a.participant_id: a for a in answers}
    personal = {}
    for pid, row in ranks.items():
        answer = by_participant.get(pid)
        personal[groups.member_key(pid)] = messages.dumps(
            {
                "answered": answer is not None,
                "correct": answer.correct if answer else None,
                "points": (answer.points + answer.streak_bonus) if answer else 0,
                "score": row["score"],
                "rank": row["rank"],
                "streak": row["streak"],
            }
        )
    extra = {"teams": team_standings(session)} if session.team_count else {}
    shift = None
    if vote == 2 and question.has_correct_answer:
        first = list(
            Answer.objects.filter(session=session, question=question, vote=1).values_list("correct", flat=True)
        )
        shift = {"before": _share_correct(first), "after": _share_correct([a.correct for a in answers])}
    payload = message(
        "reveal",
        question_id=question.id,
        vote=vote,
        shift=shift,
        **messages.question_reveal(question),
        distribution=answer_distribution(question, [(a.choices, a.text, 1) for a in answers]),
        answered=len(answers),
        participants=len(rows),
        top=rows[:5],
        **extra,
    )
    if question.is_drawing:
        from quizapp import drawing_selectors
        from quizapp.services import drawings

        payload["drawing"] = drawing_selectors.round_public(drawings.round_open(session, question))
    _after_commit_broadcast(session.id, payload, personal=personal)


def _share_correct(flags: list[bool | None]) -> float | None:
    return round(100 * sum(1 for f in flags if f) / len(flags), 1) if flags else None


@transaction.atomic
def session_set_locked(*, session_id: int, user: User, locked: bool) -> QuizSession:
    session = _host_session(session_id, user)
    session.locked = locked
    session.save(update_fields=["locked"])
    _after_commit_broadcast(session.id, message("locked", locked=locked))
    return session


@transaction.atomic
def participant_remove(*, session_id: int, user: User, participant_id: int, ban: bool) -> Participant:
    session = _host_session(session_id, user)
    participant = Participant.objects.select_for_update().filter(session=session, id=participant_id).first()
    if participant is None:
        raise errors.InvalidState()
    participant.removed = True
    participant.banned = participant.banned or ban
    participant.save(update_fields=["removed", "banned"])
    _after_commit_broadcast(
        session.id,
        message("removed", banned=participant.banned),
        audience=f"member:{groups.member_key(participant.id)}",
    )
    _after_commit_broadcast(session.id, message("participant_left", participant_id=participant.id), audience=HOSTS)
    return participant


# --- students -------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinResult:
    participant: Participant
    token: str


def participant_token(participant: Participant) -> str:
    return signing.dumps({"p": participant.id, "s": participant.session_id}, salt=TOKEN_SALT, compress=True)


def participant_from_token(token: str) -> Participant:
    """The participant a browser's saved token stands for, if they may still play."""
    try:
        data = signing.loads(str(token)[:500], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE_S)
    except signing.BadSignature:
        raise errors.BadToken() from None
    participant = (
        Participant.objects.select_related("session", "session__quiz", "session__room")
        .filter(id=data.get("p"), session_id=data.get("s"))
        .first()
    )
    if participant is None:
        raise errors.BadToken()
    if participant.banned:
        raise errors.Banned()
    if participant.removed:
        raise errors.Removed()
    if participant.session.ended_at is not None:
        raise errors.SessionEnded()
    return participant


def participant_join(
    *, code: str, nickname: str, address: str, device_id: str = "", team: int | None = None
) -> JoinResult:
    """A student joins the live session of the room ``code`` with a nickname."""
    if not rate_limits.hit(groups.join_rate_key("addr", address), settings.QUIZ_JOIN_RATE_PER_ADDRESS):
        raise errors.RateLimited()
    room = room_get_by_code(code)
    if room is None:
        if not rate_limits.hit(groups.join_rate_key("guess", address), settings.QUIZ_CODE_GUESS_RATE):
            logger.warning("quiz: room-code guessing throttled for %s", address)
            raise errors.RateLimited()
        raise errors.RoomNotFound()
    if not rate_limits.hit(groups.join_rate_key("room", str(room.id)), settings.QUIZ_JOIN_RATE_PER_ROOM):
        raise errors.RateLimited()
    session = QuizSession.objects.filter(room=room, ended_at__isnull=True).only("friendly_nicknames").first()
    if session is not None and session.friendly_nicknames:
        return _join(room=room, nickname=None, device_id=device_id[:64], team=team)
    cleaned, problem = nicknames.validate_nickname(nickname)
    if problem is not None:
        raise errors.NicknameInvalid(_nickname_message(problem))
    return _join(room=room, nickname=cleaned, device_id=device_id[:64], team=team)


def _nickname_message(code: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "empty": _("Type a nickname."),
        "too_long": _("A nickname has at most %(max)d characters.") % {"max": nicknames.MAX_LENGTH},
        "invalid_characters": _("A nickname needs at least one letter or digit."),
    }.get(str(code), str(errors.NicknameInvalid.default_message))


@transaction.atomic
def _join(*, room: Room, nickname: str | None, device_id: str, team: int | None = None) -> JoinResult:
    """``nickname=None``: the session hands out a friendly one. ``team``: the team chosen at
    join (team sessions); without one, the smallest team gets the newcomer."""
    session = (
        QuizSession.objects.select_for_update().select_related("quiz").filter(room=room, ended_at__isnull=True).first()
    )
    if session is None:
        raise errors.NoLiveSession()
    if nickname is None:
        taken = set(session.participants.values_list("nickname_key", flat=True))
        nickname = nicknames.friendly_nickname(secrets.SystemRandom(), session.quiz.language, taken=taken)
    key = nicknames.nickname_key(nickname)
    banned = session.participants.filter(banned=True)
    if banned.filter(nickname_key=key).exists() or (device_id and banned.filter(device_id=device_id).exists()):
        raise errors.Banned()
    if session.locked:
        raise errors.RoomLocked()
    if session.participants.filter(removed=False).count() >= room.max_participants:
        raise errors.RoomFull()
    if not session.team_count:
        team = None
    elif team is None or not 0 <= team < session.team_count:
        current = dict(session.participants.filter(removed=False).values_list("id", "team"))
        team = teams.balanced_assignment([None], session.team_count, existing=current)[None]
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                session=session, nickname=nickname, nickname_key=key, device_id=device_id, team=team
            )
    except IntegrityError:
        raise errors.NicknameTaken() from None
    participant.session = session
    _after_commit_broadcast(
        session.id, message("participant_joined", participant=messages.participant_public(participant)), audience=HOSTS
    )
    return JoinResult(participant=participant, token=participant_token(participant))


@dataclass(frozen=True)
class AnswerReceipt:
    answer: Answer
    #: Shown to the student at once only in student-paced mode (else at the reveal).
    immediate_result: dict[str, Any] | None


@dataclass(frozen=True)
class AnswerRequest:
    participant_id: int
    question_id: int
    choices: Any = None
    text: Any = None
    confidence: Any = None


def answer_submit(
    *,
    participant_id: int,
    question_id: int,
    choices: Any = None,
    text: Any = None,
    confidence: Any = None,
) -> AnswerReceipt:
    """Store one answer, scored from server-side time; a second one is refused."""
    request = AnswerRequest(participant_id, question_id, choices, text, confidence)
    outcome = answers_submit([request])[0]
    if isinstance(outcome, errors.QuizError):
        raise outcome
    return outcome


def answers_submit(requests: list[AnswerRequest]) -> list[AnswerReceipt | errors.QuizError]:
    """Store many answers in one transaction (what arrived while the last batch was written).

    Each request gets its receipt or its refusal, in order. The unique constraint stays the
    last word: if another process stored one of these first, the batch is retried one by one.
    """
    try:
        with transaction.atomic():
            return _answers_store(requests)
    except IntegrityError:
        outcomes: list[AnswerReceipt | errors.QuizError] = []
        for request in requests:
            try:
                with transaction.atomic():
                    outcomes += _answers_store([request])
            except IntegrityError:
                outcomes.append(errors.AlreadyAnswered())
        return outcomes


def _answers_store(requests: list[AnswerRequest]) -> list[AnswerReceipt | errors.QuizError]:
    now = timezone.now()
    participant_ids = {r.participant_id for r in requests}
    participants = {
        p.id: p
        for p in Participant.objects.select_for_update()
        .filter(id__in=participant_ids)
        .only("id", "session_id", "removed", "score", "streak", "current_index", "question_opened_at")
    }
    sessions = {
        s.id: s
        for s in QuizSession.objects.select_related("quiz").filter(id__in={p.session_id for p in participants.values()})
    }
    existing = set(
        Answer.objects.filter(
            participant_id__in=participant_ids, question_id__in={r.question_id for r in requests}
        ).values_list("participant_id", "question_id", "vote")
    )
    outcomes: list[AnswerReceipt | errors.QuizError] = []
    new_answers: list[Answer] = []
    changed: dict[int, Participant] = {}
    for request in requests:
        participant = participants.get(request.participant_id)
        try:
            if participant is None:
                raise errors.BadToken()
            session = sessions[participant.session_id]
            receipt = _answer_build(participant, session, request, now, existing)
        except errors.QuizError as exc:
            outcomes.append(exc)
            continue
        existing.add((participant.id, request.question_id, receipt.answer.vote))
        new_answers.append(receipt.answer)
        changed[participant.id] = participant
        outcomes.append(receipt)
    Answer.objects.bulk_create(new_answers)
    if changed:
        # One prepared statement run per row: far cheaper than bulk_update's CASE for hundreds.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Participant._meta.db_table} SET score = %s, streak = %s WHERE id = %s",  # noqa: S608
                [(p.score, p.streak, p.id) for p in changed.values()],
            )
    return outcomes


def _answer_build(
    participant: Participant, session: QuizSession, request: AnswerRequest, now, existing: set
) -> AnswerReceipt:
    """Check one answer against the open question and score it (in memory; the caller saves)."""
    if participant.removed:
        raise errors.Removed()
    if session.ended_at is not None:
        raise errors.SessionEnded()
    questions = session_questions(session)
    question_id = request.question_id
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        index, opened_at = participant.current_index, participant.question_opened_at
        if index >= len(questions) or questions[index].id != question_id or opened_at is None:
            raise _not_open_or_answered(participant, question_id)
        deadline = opened_at + timedelta(seconds=questions[index].time_limit_s)
    else:
        index, opened_at, deadline = session.current_index, session.question_opened_at, session.question_deadline
        if session.state != QuizSession.State.QUESTION or not (0 <= index < len(questions)):
            raise _not_open_or_answered(participant, question_id)
        if questions[index].id != question_id:
            raise _not_open_or_answered(participant, question_id)
    question = questions[index]
    vote = session.current_vote if session.mode != QuizSession.Mode.STUDENT_PACED else 1
    if (participant.id, question_id, vote) in existing:
        raise errors.AlreadyAnswered()
    if now > deadline + timedelta(milliseconds=settings.QUIZ_ANSWER_GRACE_MS):
        raise errors.TooLate()
    chosen, typed, correct = _check_answer(question, request.choices, request.text)
    confidence_value = _check_confidence(session.quiz, request.confidence)
    response_ms = max(0, int((now - opened_at).total_seconds() * 1000))
    rules = _rules(session.quiz)
    counts = question.has_correct_answer and question.points > 0 and vote == 1
    base = scoring.answer_points(
        correct=bool(correct),
        points=question.points if counts else 0,
        response_ms=response_ms,
        time_limit_ms=question.time_limit_s * 1000,
        rules=rules,
    )
    bonus, streak = (0, participant.streak)
    if counts:
        bonus, streak = scoring.streak_bonus(participant.streak, bool(correct), rules)
    answer = Answer(
        session=session,
        participant=participant,
        question=question,
        choices=chosen,
        text=typed,
        correct=correct,
        response_ms=min(response_ms, question.time_limit_s * 1000 + settings.QUIZ_ANSWER_GRACE_MS),
        points=base,
        streak_bonus=bonus,
        confidence=confidence_value,
        vote=vote,
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


def _not_open_or_answered(participant: Participant, question_id: int) -> errors.QuizError:
    if Answer.objects.filter(participant=participant, question_id=question_id).exists():
        return errors.AlreadyAnswered()
    return errors.QuestionNotOpen()


def _check_answer(question: Question, choices: Any, text: Any) -> tuple[list[int], str, bool | None]:
    if question.takes_text:
        if not isinstance(text, str) or not text.strip() or len(text) > 200:
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


def _check_confidence(quiz: Quiz, confidence: Any) -> float | None:
    if not quiz.ask_confidence or confidence is None:
        return None
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0.5 <= confidence <= 1.0:
        raise errors.InvalidAnswer()
    return float(confidence)


@transaction.atomic
def student_advance(*, participant_id: int) -> tuple[Participant, Question | None]:
    """Student-paced: move to the next question once the current one is answered (or first)."""
    participant = (
        Participant.objects.select_for_update().select_related("session", "session__quiz").get(id=participant_id)
    )
    session = participant.session
    if session.ended_at is not None:
        raise errors.SessionEnded()
    if session.mode != QuizSession.Mode.STUDENT_PACED:
        raise errors.InvalidState()
    questions = session_questions(session)
    if participant.question_opened_at is not None and participant.current_index < len(questions):
        current = questions[participant.current_index]
        answered = Answer.objects.filter(participant=participant, question=current).exists() or (
            current.is_drawing and participant.drawings.filter(round__question=current).exists()
        )
        time_up = timezone.now() > participant.question_opened_at + timedelta(seconds=current.time_limit_s)
        if not answered and not time_up:
            raise errors.NotFinished()
        if not answered and current.has_correct_answer and current.points > 0:
            participant.streak = 0
        participant.current_index += 1
    participant.question_opened_at = timezone.now() if participant.current_index < len(questions) else None
    participant.save(update_fields=["current_index", "question_opened_at", "streak"])
    question = questions[participant.current_index] if participant.current_index < len(questions) else None
    if question is not None and question.is_drawing:
        from quizapp.services import drawings

        drawings.round_open(session, question)
    return participant, question
