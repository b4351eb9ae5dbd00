"""Loading a session's report: the rows :func:`quizapp.reporting.build.report_build` takes, in three queries."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from quizapp.models import Answer, QuizSession
from quizapp.reporting.build import (
    AnswerRow,
    ParticipantRow,
    QuestionRow,
    SessionInfo,
    SessionReport,
    report_build,
)
from quizapp.selectors import session_scored_questions


def session_for_owner(*, user: User, session_id: int) -> QuizSession | None:
    """The session, only if ``user`` owns its room."""
    if not user.is_authenticated:
        return None
    return QuizSession.objects.select_related("quiz", "room").filter(id=session_id, room__owner_id=user.id).first()


ANSWER_FIELDS = (
    "participant_id",
    "question_id",
    "vote",
    "choices",
    "text",
    "correct",
    "response_ms",
    "points",
    "streak_bonus",
    "confidence",
    "ratings",
)


def _answer_row(values: dict[str, Any]) -> AnswerRow:
    choices = values["choices"] if isinstance(values["choices"], list) else []
    return AnswerRow(
        participant_id=values["participant_id"],
        question_id=values["question_id"],
        vote=values["vote"],
        choices=tuple(c for c in choices if isinstance(c, int) and not isinstance(c, bool)),
        text=values["text"] or "",
        correct=values["correct"],
        response_ms=values["response_ms"],
        points=values["points"] + values["streak_bonus"],
        confidence=values["confidence"],
        ratings=tuple(r for r in (values["ratings"] or []) if isinstance(r, int) and not isinstance(r, bool)),
    )


def session_report(session: QuizSession) -> SessionReport:
    """Load a session's questions, participants and answers (three queries) and build its report."""
    hidden = session.hidden_words if isinstance(session.hidden_words, dict) else {}
    # slides are no questions: no row, no column, no number
    questions = [
        QuestionRow.from_model(q, number=i, hidden_words=hidden.get(str(q.id), []))
        for i, q in enumerate(session_scored_questions(session), start=1)
    ]
    fields = ("id", "nickname", "score", "removed", "time_factor", "time_requested")
    participants = [ParticipantRow(**p) for p in session.participants.order_by("joined_at", "id").values(*fields)]
    answers = [
        _answer_row(values)
        for values in Answer.objects.filter(session=session).order_by("vote", "id").values(*ANSWER_FIELDS)
    ]
    info = SessionInfo(
        id=session.id,
        quiz_title=session.quiz.title,
        room_code=session.room.code,
        mode_label=str(session.get_mode_display()),
        started_at=session.created_at,
        ended_at=session.ended_at,
    )
    return report_build(session=info, questions=questions, participants=participants, answers=answers)
