"""The JSON the live quiz sends (docs/websocket-protocol.md). Built here, serialised once.

Nothing here reveals a correct answer unless its name says ``reveal``.
"""

import json
from datetime import datetime
from typing import Any, Protocol

from django.utils.translation import gettext as _

from core.ws_protocol import message
from quizapp.models import Question, QuizSession
from quizapp.rules import ordering, scale, slide_markdown, slider

#: One encoder for every message: ``json.dumps`` with options builds a new one per call, a
#: noticeable part of acknowledging 10,000 answers.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dumps(payload: dict[str, Any]) -> str:
    return _ENCODE(payload)


def epoch_ms(value: datetime | None) -> int | None:
    return int(value.timestamp() * 1000) if value is not None else None


def numbering(items: list[Question], item_index: int) -> dict[str, int]:
    """Where an item stands: ``index``/``total`` count questions only ("question 2 of 5": slides are
    not questions), ``item_index``/``items`` count every item of the lesson, slides included."""
    return {
        "index": sum(1 for q in items[:item_index] if not q.is_slide),
        "total": sum(1 for q in items if not q.is_slide),
        "item_index": item_index,
        "items": len(items),
    }


def question_public(
    question: Question, *, index: int, total: int, item_index: int | None = None, items: int | None = None
) -> dict[str, Any]:
    """A question as students see it: no ``correct`` flags, no accepted answers, no instructor notes.
    ``index``/``total`` number the questions (:func:`numbering`); ``item_index``/``items`` the lesson's items."""
    no_options = question.takes_text or question.is_word_cloud or question.is_ordering
    multi = question.kind == Question.Kind.MULTIPLE_CHOICE and sum(bool(o.get("correct")) for o in question.options) > 1
    return {
        "id": question.id,
        "index": index,
        "total": total,
        "item_index": index if item_index is None else item_index,
        "items": total if items is None else items,
        "kind": question.kind,
        "prompt": question.prompt,
        "options": [] if no_options else [o.get("text", "") for o in question.options],
        "multiple": multi,
        "image_url": question.image.url if question.image else None,
        "image_alt": question.image_alt,
        "time_limit_s": question.time_limit_s,
        "points": question.points,
        # a slider's range and step (its options are the reveal's histogram bins); never its answer
        "slider": slider.settings_of(question.numeric).public() if question.kind == Question.Kind.SLIDER else None,
        # a scale's range and end labels (its options are the statements to rate)
        "scale": scale.settings_of(question.numeric).as_dict() if question.kind == Question.Kind.SCALE else None,
        # an ordering question's items, shuffled the same way for every phone; never their order
        "ordering": ordering_public(question) if question.is_ordering else None,
        # a word cloud's words per student (the phone shows that many fields); null for other kinds
        "words_per_student": question.words_per_student if question.is_word_cloud else None,
    }


def ordering_items(question: Question, ids: list[int]) -> list[dict[str, Any]]:
    return [{"id": i, "text": question.options[i].get("text", "")} for i in ids]


def ordering_public(question: Question) -> dict[str, Any]:
    """The items as phones get them: ``options`` stays empty, the ids are the stored positions."""
    return {"items": ordering_items(question, ordering.phone_order(len(question.options), question.id))}


def slide_public(slide: Question, *, item_index: int, items: int) -> dict[str, Any]:
    """A slide as the projector and the phones get it: the title, the text rendered safely
    (``body_html``, formulas as MathML), a plain compact version for phones (``short``), the image
    and the layout. Never its instructor notes (the console page carries those itself)."""
    return {
        "id": slide.id,
        "kind": slide.kind,
        "item_index": item_index,
        "items": items,
        "title": slide.prompt,
        "body_html": slide_markdown.render(slide.body),
        "short": slide_markdown.short_text(slide.body),
        "layout": slide.layout,
        "image_url": slide.image.url if slide.image else None,
        "image_alt": slide.image_alt,
    }


def slide_shown(session: QuizSession, slide: Question, *, item_index: int, items: int) -> dict[str, Any]:
    return message(
        "slide",
        session=session_public(session),
        slide=slide_public(slide, item_index=item_index, items=items),
    )


def question_reveal(question: Question) -> dict[str, Any]:
    reveal: dict[str, Any] = {
        "correct_choices": [i for i, o in enumerate(question.options) if o.get("correct")],
        "accepted_answers": list(question.accepted_answers),
        "explanation": question.explanation,
    }
    if question.kind == Question.Kind.SLIDER:
        settings = slider.settings_of(question.numeric)
        reveal["accepted_answers"] = [settings.answer_text()]
        reveal["slider_answer"] = settings.as_dict()
    if question.is_ordering:
        right = ordering_items(question, list(range(len(question.options))))
        reveal["accepted_answers"] = [" → ".join(item["text"] for item in right)]
        reveal["ordering_answer"] = {"items": right}
    return reveal


def session_public(session: QuizSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "mode": session.mode,
        "state": session.state,
        "locked": session.locked,
        "quiz": session.quiz.title,
        "ask_confidence": session.quiz.ask_confidence,
        "room": session.room.code,
        "team_count": session.team_count,
    }


def question_opened(
    session: QuizSession, question: Question, *, items: list[Question], item_index: int
) -> dict[str, Any]:
    return message(
        "question",
        session=session_public(session),
        question=question_public(question, **numbering(items, item_index)),
        opened_at_ms=epoch_ms(session.question_opened_at),
        deadline_ms=epoch_ms(session.question_deadline),
        vote=session.current_vote,
    )


def time_factor_public(factor: int) -> int | None:
    """A time accommodation on the wire: 1, 2 or 10, ``null`` for no time limit (stored as 0)."""
    return None if factor == 0 else factor


class ParticipantLike(Protocol):
    """A participant as the console's lists read one: a model instance or ``selectors.ParticipantRow``."""

    @property
    def id(self) -> int: ...
    @property
    def nickname(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def time_factor(self) -> int: ...
    @property
    def time_requested(self) -> bool: ...


def participant_public(participant: ParticipantLike) -> dict[str, Any]:
    return {
        "id": participant.id,
        "nickname": participant.nickname,
        "score": participant.score,
        "time_factor": time_factor_public(participant.time_factor),
        "time_requested": participant.time_requested,
    }


def team_names() -> list[str]:
    """The teams' names, in the active language; pages hand them to their scripts."""
    return [_("Red"), _("Blue"), _("Yellow"), _("Green"), _("Purple"), _("Teal")]
