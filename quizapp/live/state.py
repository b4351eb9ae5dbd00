"""What a (re)connecting socket is sent: a student's whole state, the console's and projector's.

Assembled from the quiz's reads (:mod:`quizapp.selectors`) and the drawing round's
(:mod:`quizapp.drawing.selectors`), so neither read layer needs the other.
"""

from typing import Any

from django.utils import timezone

from quizapp import messages, selectors
from quizapp.drawing import selectors as drawing_selectors
from quizapp.live import answers
from quizapp.models import Answer, Participant, QuizSession
from quizapp.rules import word_cloud


def student_state(participant: Participant) -> dict[str, Any]:
    """Everything a (re)connecting student needs: the session, the open question, their answer
    to it, their score and rank; the correct answer only once revealed; once the session has
    ended, the final ``top`` (and ``teams``, and their ``calibration`` when the quiz asked)."""
    session = participant.session
    questions = selectors.session_questions(session)
    state: dict[str, Any] = {
        "session": messages.session_public(session),
        "server_now_ms": messages.epoch_ms(timezone.now()),
        "you": {
            "id": participant.id,
            "nickname": participant.nickname,
            "score": participant.score,
            "team": participant.team,
            "time_factor": messages.time_factor_public(participant.time_factor),
        },
        "question": None,
        "slide": None,
        "answer": None,
        "reveal": None,
    }
    if session.mode == QuizSession.Mode.STUDENT_PACED:
        index, opened_at = participant.current_index, participant.question_opened_at
        state["finished"] = index >= len(questions)
    else:
        index, opened_at = session.current_index, session.question_opened_at
    if 0 <= index < len(questions) and opened_at is not None and questions[index].is_slide:
        # a reconnecting phone lands on the slide being shown (nothing to answer on it)
        state["slide"] = messages.slide_public(questions[index], item_index=index, items=len(questions))
    elif 0 <= index < len(questions) and opened_at is not None:
        question = questions[index]
        state["question"] = messages.question_public(question, **messages.numbering(questions, index))
        state["opened_at_ms"] = messages.epoch_ms(opened_at)
        # The student's own deadline (null: no time limit); the projector keeps the class's.
        deadline = answers.own_deadline(participant, session, question, opened_at)
        if session.state == QuizSession.State.REVEAL or session.ended_at is not None:
            deadline = session.question_deadline
        state["deadline_ms"] = messages.epoch_ms(deadline)
        vote = session.current_vote if session.mode != QuizSession.Mode.STUDENT_PACED else 1
        state["vote"] = vote
        answer = Answer.objects.filter(participant=participant, question=question, vote=vote).first()
        if answer is not None:
            state["answer"] = {
                "choices": answer.choices,
                "text": answer.text,
                "ratings": answer.ratings,
                "confidence": answer.confidence,
            }
            if question.is_word_cloud:
                state["answer"]["words"] = word_cloud.split_stored(answer.text)
        revealed = session.state == QuizSession.State.REVEAL or (
            session.mode == QuizSession.Mode.STUDENT_PACED and answer is not None
        )
        if revealed:
            state["reveal"] = {
                **messages.question_reveal(question),
                "correct": answer.correct if answer else None,
                "points": (answer.points + answer.streak_bonus) if answer else 0,
            }
    state["you"]["rank"] = selectors.participant_rank(participant)
    if session.ended_at is not None:
        _add_final(state, session, participant)
    open_question = questions[index] if 0 <= index < len(questions) and opened_at is not None else None
    if open_question is not None and open_question.is_round:
        round_ = drawing_selectors.round_of(session, open_question)
        state["drawing"] = drawing_selectors.student_round(participant, round_) if round_ else None
    return state


def _add_final(state: dict[str, Any], session: QuizSession, participant: Participant) -> None:
    """An ended session's state is its end screen: the five best and this student's calibration."""
    state["top"] = selectors.leaderboard_top(session)
    if session.team_count:
        state["teams"] = selectors.team_standings(session)
    if session.quiz.ask_confidence:
        state["you"]["calibration"] = selectors.participant_calibrations(session).get(participant.id)


def host_state(session: QuizSession) -> dict[str, Any]:
    """What the console and projector show on (re)connect."""
    questions = selectors.session_questions(session)
    current = questions[session.current_index] if 0 <= session.current_index < len(questions) else None
    everyone = selectors.participant_rows(session)
    state: dict[str, Any] = {
        "session": messages.session_public(session),
        "server_now_ms": messages.epoch_ms(timezone.now()),
        "questions": len(questions),
        "current_index": session.current_index,
        "question": None,
        "slide": None,
        "participants": [messages.participant_public(p) for p in everyone if not p.removed],
        "grid": selectors.results_grid(session, everyone),
        "leaderboard": selectors.leaderboard_top(session),
        "teams": selectors.team_standings(session) if session.team_count else None,
    }
    if current is not None and current.is_slide:
        # instructor notes are not here: the projector shares this socket (the console page has them)
        state["slide"] = messages.slide_public(current, item_index=session.current_index, items=len(questions))
    elif current is not None:
        state["question"] = {
            **messages.question_public(current, **messages.numbering(questions, session.current_index)),
            **messages.question_reveal(current),
        }
        state["opened_at_ms"] = messages.epoch_ms(session.question_opened_at)
        state["deadline_ms"] = messages.epoch_ms(session.question_deadline)
        state["tally"] = selectors.tally(session, current)
        if current.is_round:
            round_ = drawing_selectors.round_of(session, current)
            if round_ is not None:
                state["drawing"] = drawing_selectors.host_round(round_)
    return state
