"""The live session's state machine: start, next, reveal, re-vote, lock, remove, end, the guess round,
and a student's own pace.

Each action locks the session row, validates, writes in that transaction and, once it commits,
broadcasts what changed (:func:`quizapp.broadcast.after_commit`). Joining is :mod:`quizapp.live.join`,
answering :mod:`quizapp.live.answers`; consumers and views call these and nothing else.
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.ws_protocol import message
from quizapp import broadcast, errors, groups, messages
from quizapp.authoring.services import question_validate, quiz_create
from quizapp.drawing import rounds
from quizapp.drawing import selectors as drawing_selectors
from quizapp.live import answers
from quizapp.models import Answer, DrawingRound, Participant, Question, Quiz, QuizSession, Room
from quizapp.rules import scoring
from quizapp.selectors import (
    answer_distribution,
    answers_grouped,
    leaderboard_top,
    ordering_tally,
    participant_calibrations,
    reveal_personal_parts,
    scale_stats,
    session_lock_for_host,
    session_questions,
    standings,
    team_standings,
)

#: Team counts an instructor may choose (0: no teams).
TEAM_COUNTS = (0, 2, 3, 4, 5, 6)


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
    ranked = standings(session)
    calibrations = participant_calibrations(session) if session.quiz.ask_confidence else {}
    personal = {
        groups.member_key(r.id): messages.dumps(
            {"rank": r.rank, "score": r.score, "calibration": calibrations.get(r.id)}
        )
        for r in ranked
    }
    extra = {"teams": team_standings(session)} if session.team_count else {}
    top = leaderboard_top(session, ranked)
    broadcast.after_commit(session.id, message("session_ended", top=top, **extra), personal=personal)


@transaction.atomic
def session_end(*, session_id: int, user: User) -> QuizSession:
    session = _host_session(session_id, user)
    if session.ended_at is None:
        _end(session)
    return session


def _host_session(session_id: int, user: User) -> QuizSession:
    return session_lock_for_host(session_id=session_id, user=user)


# --- the instructor's controls ------------------------------------------------------------


def _open_item(session: QuizSession, index: int) -> None:
    """Show the lesson's item at ``index``: a slide, or a question opened for answers."""
    if session_questions(session)[index].is_slide:
        _show_slide(session, index)
    else:
        _open_question(session, index)


def _show_slide(session: QuizSession, index: int) -> None:
    """A slide on the projector and the phones: nothing to answer, no deadline."""
    items = session_questions(session)
    session.current_index = index
    session.current_vote = 1
    session.state = QuizSession.State.SLIDE
    session.question_opened_at = timezone.now()
    session.question_deadline = None
    session.save(update_fields=["current_index", "current_vote", "state", "question_opened_at", "question_deadline"])
    broadcast.after_commit(session.id, messages.slide_shown(session, items[index], item_index=index, items=len(items)))


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
    payload = messages.question_opened(session, question, items=questions, item_index=index)
    personal = None
    if question.is_round:
        payload["drawing"] = drawing_selectors.round_public(rounds.round_open(session, question))
        personal = drawing_selectors.prompts_by_member(session, question)
    else:
        personal = _own_deadlines(session, question)
    broadcast.after_commit(session.id, payload, personal=personal)


def _own_deadlines(session: QuizSession, question: Question) -> dict[str, str] | None:
    """The question broadcast's personal parts for students with a time accommodation: their own
    ``deadline_ms`` (null: no time limit) and ``time_factor``; everyone else keeps the class's."""
    personal = {}
    for participant in session.participants.filter(removed=False).exclude(time_factor=1).only("id", "time_factor"):
        deadline = answers.own_deadline(participant, session, question, session.question_opened_at or timezone.now())
        personal[groups.member_key(participant.id)] = messages.dumps(
            {
                "deadline_ms": messages.epoch_ms(deadline),
                "time_factor": messages.time_factor_public(participant.time_factor),
            }
        )
    return personal or None


@transaction.atomic
def session_revote(*, session_id: int, user: User) -> QuizSession:
    """Peer instruction: after the reveal and a discussion, open the same question for a second
    vote. Second votes score no points; the report shows how the class moved."""
    session = _host_session(session_id, user)
    if session.state != QuizSession.State.REVEAL or session.current_vote != 1:
        raise errors.InvalidState()
    questions = session_questions(session)
    question = questions[session.current_index]
    if question.is_round:
        raise errors.InvalidState()
    now = timezone.now()
    session.current_vote = 2
    session.state = QuizSession.State.QUESTION
    session.question_opened_at = now
    session.question_deadline = now + timedelta(seconds=question.time_limit_s)
    session.save(update_fields=["current_vote", "state", "question_opened_at", "question_deadline"])
    payload = messages.question_opened(session, question, items=questions, item_index=session.current_index)
    broadcast.after_commit(session.id, payload, personal=_own_deadlines(session, question))
    return session


@transaction.atomic
def session_next(*, session_id: int, user: User) -> QuizSession:
    """Show the next item (from the lobby, the first): a slide, or a question opened for answers
    (an open question is revealed first); end after the last."""
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
        _open_item(session, session.current_index + 1)
    return session


@transaction.atomic
def session_back(*, session_id: int, user: User) -> QuizSession:
    """Back (the console's ←): show the previous slide again. Back moves over slides only, from a
    slide to the slide before it; a question is never reopened (its answers, scores and streaks stay
    as they were), so back from a question, or onto one, is refused (docs/websocket-protocol.md)."""
    session = _host_session(session_id, user)
    if session.ended_at is not None:
        raise errors.SessionEnded()
    items = session_questions(session)
    index = session.current_index
    if session.mode != QuizSession.Mode.INSTRUCTOR_PACED or session.state != QuizSession.State.SLIDE:
        raise errors.BackNotHere()
    if index < 1 or not items[index - 1].is_slide:
        raise errors.BackNotHere()
    _show_slide(session, index - 1)
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
    answered = Answer.objects.filter(session=session, question=question, vote=vote)
    grouped = answers_grouped(session, question, vote)
    # A missing answer breaks a streak, as a wrong one does (polls and 0-point questions do not count).
    # Who answered is asked of the database, not sent to it: a list of 10,000 ids was half a reveal.
    if vote == 1 and question.has_correct_answer and question.points > 0:
        session.participants.filter(streak__gt=0).exclude(id__in=answered.values("participant_id")).update(streak=0)
    personal = reveal_personal_parts(session, question.id, vote)
    extra: dict[str, Any] = {"teams": team_standings(session)} if session.team_count else {}
    if question.is_ordering:  # how many exact, partly right, wrong
        extra["ordering"] = ordering_tally(grouped)
    shift = None
    if vote == 2 and question.has_correct_answer:
        first = Answer.objects.filter(session=session, question=question, vote=1)
        shift = {
            "before": _share_correct(list(first.values_list("correct", flat=True))),
            "after": _share_correct(list(answered.values_list("correct", flat=True))),
        }
    payload = message(
        "reveal",
        question_id=question.id,
        vote=vote,
        shift=shift,
        **messages.question_reveal(question),
        distribution=answer_distribution(question, grouped),
        answered=answered.count(),
        participants=len(personal),
        top=leaderboard_top(session),
        **extra,
    )
    if question.kind == Question.Kind.SCALE:  # the class's mean, spread and distribution per statement
        payload["scale_stats"] = scale_stats(question, answered.values_list("ratings", flat=True))
        payload["distribution"] = [s["n"] for s in payload["scale_stats"]]
    if question.is_round:
        payload["drawing"] = drawing_selectors.round_public(rounds.round_open(session, question))
    broadcast.after_commit(session.id, payload, personal=personal)


def _share_correct(flags: list[bool | None]) -> float | None:
    return round(100 * sum(1 for f in flags if f) / len(flags), 1) if flags else None


@transaction.atomic
def session_set_locked(*, session_id: int, user: User, locked: bool) -> QuizSession:
    session = _host_session(session_id, user)
    session.locked = locked
    session.save(update_fields=["locked"])
    broadcast.after_commit(session.id, message("locked", locked=locked))
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
    if ban and not session.has_bans:  # from now on every join of the session asks about bans
        QuizSession.objects.filter(id=session.id).update(has_bans=True)
    broadcast.after_commit(
        session.id,
        message("removed", banned=participant.banned),
        audience=groups.member_audience(participant.id),
    )
    broadcast.after_commit(
        session.id, message("participant_left", participant_id=participant.id), audience=groups.HOSTS
    )
    return participant


def accommodation_invalid() -> errors.QuizError:
    return errors.InvalidState(_("A time accommodation is ×2, ×10, no time limit or none."))


@transaction.atomic
def participant_accommodate(*, session_id: int, user: User, participant_id: int, factor: int) -> Participant:
    """Give a student a time accommodation (``scoring.TIME_FACTORS``: 1 standard, 2, 10, 0 no
    limit). It applies at once, to the open question too: their phone gets its own deadline."""
    session = _host_session(session_id, user)
    if factor not in scoring.TIME_FACTORS:
        raise accommodation_invalid()
    participant = Participant.objects.select_for_update().filter(session=session, id=participant_id).first()
    if participant is None or participant.removed:
        raise errors.InvalidState()
    participant.time_factor = factor
    participant.save(update_fields=["time_factor"])
    participant.session = session
    deadline, open_id = None, None
    questions = session_questions(session)
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        index, opened_at, open_now = participant.current_index, participant.question_opened_at, True
    else:
        index, opened_at = session.current_index, session.question_opened_at
        open_now = session.state == QuizSession.State.QUESTION
    if open_now and opened_at is not None and 0 <= index < len(questions) and not questions[index].is_slide:
        deadline = answers.own_deadline(participant, session, questions[index], opened_at)
        open_id = questions[index].id
    wire = messages.time_factor_public(factor)
    broadcast.after_commit(
        session.id,
        message(
            "time_accommodation",
            time_factor=wire,
            question_id=open_id,
            deadline_ms=messages.epoch_ms(deadline),
            server_now_ms=messages.epoch_ms(timezone.now()),
        ),
        audience=groups.member_audience(participant.id),
    )
    broadcast.after_commit(
        session.id,
        message("participant_accommodated", participant=messages.participant_public(participant)),
        audience=groups.HOSTS,
    )
    return participant


@transaction.atomic
def session_guess_round(*, session_id: int, user: User) -> DrawingRound:
    """Students draw any prompt and the round's trained model guesses while they draw; an open
    drawing question is revealed first."""
    session = _host_session(session_id, user)
    round_ = rounds.current_round_for_host(session)
    rounds.guess_round_check(round_)
    if session.state == QuizSession.State.QUESTION:
        _reveal(session)
    return rounds.guess_round_open(session, round_)


# --- student-paced -----------------------------------------------------------------------------


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
        answered = (
            current.is_slide
            or Answer.objects.filter(participant=participant, question=current).exists()
            or (current.is_round and participant.drawings.filter(round__question=current).exists())
        )
        deadline = answers.own_deadline(participant, session, current, participant.question_opened_at)
        # no time limit: they move on when they choose (nothing holds them on a question)
        time_up = deadline is None or timezone.now() > deadline
        if not answered and not time_up:
            raise errors.NotFinished()
        if not answered and current.has_correct_answer and current.points > 0:
            participant.streak = 0
        participant.current_index += 1
    participant.question_opened_at = timezone.now() if participant.current_index < len(questions) else None
    participant.save(update_fields=["current_index", "question_opened_at", "streak"])
    question = questions[participant.current_index] if participant.current_index < len(questions) else None
    if question is not None and question.is_round:
        rounds.round_open(session, question)
    return participant, question
