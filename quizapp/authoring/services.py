"""Writes on quizzes and their questions, including imports (JSON, Kahoot, GIFT, Aiken)."""

import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.image_checks import CheckedImage
from quizapp.authoring import formats
from quizapp.authoring.formats import Parsed, Problem, Skipped, aiken, gift, kahoot
from quizapp.models import Question, Quiz
from quizapp.rules import drawing_prompts, ordering, scale, slider, word_cloud

EXPORT_FORMAT = "a2blab.quiz"
EXPORT_VERSION = 1
POINT_CHOICES = (0, 1000, 2000)
MIN_TIME_S, MAX_TIME_S = 5, 300
MIN_OPTIONS, MAX_OPTIONS = 2, 6
#: A text round's labels (desks of the call centre): few enough to read on a phone.
MAX_TEXT_LABELS = 6
MAX_ACCEPTED = 20
MAX_QUESTIONS = 100
#: A slide's limits (issue 14): a title a projector can show, a screenful of Markdown, notes.
MAX_SLIDE_TITLE = 200
MAX_SLIDE_BODY = 5000
MAX_NOTES = 5000


def true_false_options(*, correct: bool, true_label: str = "", false_label: str = "") -> list[dict[str, Any]]:
    """True/false as two options; the labels default to possible / impossible (가능 / 불가능)."""
    return [
        {"text": true_label or _("Possible"), "correct": bool(correct)},
        {"text": false_label or _("Impossible"), "correct": not correct},
    ]


def _clean_options(options: Any) -> list[dict[str, Any]]:
    if not isinstance(options, list):
        raise ValidationError(_("Options must be a list."))
    cleaned = []
    for option in options:
        if isinstance(option, str):
            option = {"text": option, "correct": False}
        if not isinstance(option, dict) or not str(option.get("text", "")).strip():
            raise ValidationError(_("Every option needs a text."))
        text = str(option["text"]).strip()
        if len(text) > 200:
            raise ValidationError(_("An option has at most 200 characters."))
        cleaned.append({"text": text, "correct": bool(option.get("correct"))})
    return cleaned


def question_validate(
    *,
    kind: str,
    prompt: str,
    options: Any = None,
    accepted_answers: Any = None,
    numeric: Any = None,
    scale: Any = None,
    words_per_student: Any = None,
    time_limit_s: Any = 20,
    points: Any = 1000,
    explanation: str = "",
    body: Any = "",
    layout: Any = Question.Layout.TITLE_BODY,
    notes: Any = "",
) -> dict[str, Any]:
    """Check an item's fields (a question's or a slide's) and return them cleaned, or raise a
    translated ValidationError. Every item may carry instructor notes."""
    if kind not in Question.Kind.values:
        raise ValidationError(_("Unknown question kind: %(kind)s") % {"kind": str(kind)[:30]})
    notes = _long_text(notes, MAX_NOTES, _("Instructor notes have at most %(max)d characters."))
    if kind in (Question.Kind.SLIDE, Question.Kind.CANVAS):
        return _slide_fields(prompt, body, layout, notes, kind=kind)
    prompt = str(prompt or "").strip()
    if not prompt:
        raise ValidationError(_("A question needs its text."))
    if len(prompt) > 1000:
        raise ValidationError(_("A question has at most 1000 characters."))
    time_limit_s, points = _time_and_points(time_limit_s, points)
    fields: dict[str, Any] = {
        "kind": kind,
        "prompt": prompt,
        "time_limit_s": time_limit_s,
        "points": points,
        "explanation": str(explanation or "").strip()[:2000],
        "options": [],
        "accepted_answers": [],
        "numeric": {},
        "words_per_student": 1,
        "body": "",
        "layout": Question.Layout.TITLE_BODY,
        "notes": notes,
    }
    _kind_fields(
        fields,
        options=options,
        accepted_answers=accepted_answers,
        numeric=numeric,
        scale_settings=scale,
        words_per_student=words_per_student,
    )
    return fields


def _kind_fields(
    fields: dict[str, Any],
    *,
    options: Any,
    accepted_answers: Any,
    numeric: Any,
    scale_settings: Any,
    words_per_student: Any,
) -> None:
    """Fill in what the question's kind needs (options, accepted answers, settings), checked."""
    kind = fields["kind"]
    if kind == Question.Kind.OPEN:
        fields["points"] = 0  # nothing to be right about
    elif kind == Question.Kind.SHORT_ANSWER:
        fields["accepted_answers"] = _accepted_answers(accepted_answers)
    elif kind == Question.Kind.DRAWING:
        fields["points"] = 0  # a drawing is data, not a right answer
        fields["options"] = _drawing_prompts(options)
    elif kind == Question.Kind.SLIDER:
        settings = _slider_settings(numeric)
        fields["numeric"] = settings.as_dict()
        # the histogram's bins are the options: tally, bars and report work as for a poll
        right = settings.bin_of(settings.answer)
        fields["options"] = [{"text": t, "correct": i == right} for i, t in enumerate(settings.bin_labels())]
    elif kind == Question.Kind.SCALE:
        fields["points"] = 0  # an opinion, like a poll: nothing to be right about
        statements, rating_scale = _scale(options, scale_settings if scale_settings is not None else numeric)
        fields["numeric"] = rating_scale.as_dict()
        fields["options"] = [{"text": text, "correct": False} for text in statements]
    elif kind == Question.Kind.WORD_CLOUD:
        fields["points"] = 0  # a cloud of the class's words, like a poll: nothing to be right about
        fields["words_per_student"] = _words_per_student(words_per_student)
    elif kind == Question.Kind.TEXT_ROUND:
        fields["points"] = 0  # a sentence is data too
        fields["options"] = _drawing_prompts(options, high=MAX_TEXT_LABELS, text_round=True)
    else:
        fields["options"] = _choice_options(kind, options)


def _time_and_points(time_limit_s: Any, points: Any) -> tuple[int, int]:
    try:
        time_limit_s, points = int(time_limit_s), int(points)
    except (TypeError, ValueError):
        raise ValidationError(_("Time limit and points must be whole numbers.")) from None
    if not MIN_TIME_S <= time_limit_s <= MAX_TIME_S:
        raise ValidationError(
            _("The time limit is between %(min)d and %(max)d seconds.") % {"min": MIN_TIME_S, "max": MAX_TIME_S}
        )
    if points not in POINT_CHOICES:
        raise ValidationError(_("Points are 0 (no score), 1000 (normal) or 2000 (double)."))
    return time_limit_s, points


def _long_text(value: Any, limit: int, message: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(message % {"max": limit})
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(message % {"max": limit})
    return value


def _slide_fields(title: Any, body: Any, layout: Any, notes: str, *, kind: str = Question.Kind.SLIDE) -> dict[str, Any]:
    """A slide (or a canvas activity, a slide whose phones offer the idea form): a title, Markdown
    text, a layout; no answers, no points, no time limit to keep."""
    title = str(title or "").strip()
    if not title:
        raise ValidationError(_("A slide needs its title."))
    if len(title) > MAX_SLIDE_TITLE:
        raise ValidationError(_("A slide's title has at most %(max)d characters.") % {"max": MAX_SLIDE_TITLE})
    if layout in (None, ""):
        layout = Question.Layout.TITLE_BODY
    if layout not in Question.Layout.values:
        raise ValidationError(_("Unknown slide layout: %(layout)s") % {"layout": str(layout)[:30]})
    return {
        "kind": kind,
        "prompt": title,
        "body": _long_text(body, MAX_SLIDE_BODY, _("A slide's text has at most %(max)d characters.")),
        "layout": layout,
        "notes": notes,
        "time_limit_s": 20,
        "points": 0,
        "explanation": "",
        "options": [],
        "accepted_answers": [],
        "numeric": {},
    }


SLIDER_MESSAGES = {
    "slider_settings": _("A slider question needs its settings: minimum, maximum, step, answer and margin."),
    "slider_range": _("A slider's minimum must be a number below its maximum."),
    "slider_step": _("A slider's step is a positive number, with at most 100,000 steps from minimum to maximum."),
    "slider_answer": _("A slider's answer is a number between its minimum and maximum, on its step."),
    "slider_margin": _("A slider's margin is a number from 0 to the width of its range."),
}


def _slider_settings(numeric: Any) -> slider.SliderSettings:
    try:
        return slider.clean_settings(numeric)
    except slider.SliderRefused as exc:
        raise ValidationError(SLIDER_MESSAGES.get(exc.code, SLIDER_MESSAGES["slider_settings"])) from None


SCALE_MESSAGES = {
    "scale_settings": gettext_lazy("A scale question's settings are its range (1-5 or 0-10) and optional end labels."),
    "scale_range": gettext_lazy("A scale runs from 1 to 5 or from 0 to 10."),
    "scale_label": gettext_lazy("A scale's end labels are text of at most %(max)d characters."),
    "scale_statements": gettext_lazy("A scale question has 1 to %(max)d statements to rate."),
    "scale_statement_empty": gettext_lazy("Each statement of a scale needs its text."),
    "scale_statement_long": gettext_lazy("A statement has at most %(max)d characters."),
    "scale_statement_twice": gettext_lazy("Two statements of a scale are the same: each is rated once."),
}


def _scale(options: Any, raw: Any) -> tuple[list[str], scale.ScaleSettings]:
    try:
        return scale.clean_statements(options if options is not None else []), scale.clean_settings(raw)
    except scale.ScaleRefused as exc:
        limits = {"scale_label": scale.MAX_LABEL, "scale_statements": scale.MAX_STATEMENTS}
        limit = limits.get(exc.code, scale.MAX_STATEMENT)
        message = str(SCALE_MESSAGES.get(exc.code, SCALE_MESSAGES["scale_settings"]))  # in the request's language
        raise ValidationError(message % {"max": limit} if "%(max)d" in message else message) from None


def ordering_message(code: str) -> str:
    """An ordering refusal's text, in the request's language (looked up when it is raised)."""
    limits = {"min": ordering.MIN_ITEMS, "max": ordering.MAX_ITEMS}
    if code == "ordering_count":
        return _("An ordering question has %(min)d to %(max)d items.") % limits
    if code == "ordering_blank":
        return _("Every item of an ordering question needs a text.")
    if code == "ordering_length":
        return _("An item of an ordering question has at most %(max)d characters.") % {"max": ordering.MAX_ITEM_LENGTH}
    if code == "ordering_duplicate":
        return _("Two items of an ordering question read the same: students could not tell them apart.")
    return _("An ordering question needs its items as a list, in their right order.")


def _ordering_items(options: Any) -> list[str]:
    try:
        return ordering.clean_items(options)
    except ordering.OrderingRefused as exc:
        raise ValidationError(ordering_message(exc.code)) from None


def _words_per_student(raw: Any) -> int:
    try:
        return word_cloud.clean_limit(raw)
    except word_cloud.WordRefused:
        raise ValidationError(
            _("A word cloud takes %(min)d to %(max)d words per student.")
            % {"min": word_cloud.MIN_ANSWERS, "max": word_cloud.MAX_ANSWERS}
        ) from None


def _accepted_answers(accepted_answers: Any) -> list[str]:
    accepted = [str(a).strip() for a in (accepted_answers or []) if str(a).strip()]
    if not accepted:
        raise ValidationError(_("A short-answer question needs at least one accepted answer."))
    if len(accepted) > MAX_ACCEPTED or any(len(a) > 200 for a in accepted):
        raise ValidationError(_("At most 20 accepted answers of at most 200 characters each."))
    return accepted


def _choice_options(kind: str, options: Any) -> list[dict[str, Any]]:
    """True/false, multiple choice and poll options, with the rules of each kind; an ordering
    question's items in their right order (phones get them shuffled: ``quizapp.rules.ordering``)."""
    if kind == Question.Kind.ORDERING:
        return [{"text": text, "correct": False} for text in _ordering_items(options)]
    cleaned = _clean_options(options or [])
    correct_count = sum(o["correct"] for o in cleaned)
    if kind == Question.Kind.TRUE_FALSE:
        if len(cleaned) != 2 or correct_count != 1:
            raise ValidationError(_("A true/false question has two options and exactly one is correct."))
    elif not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise ValidationError(
            _("A question has %(min)d to %(max)d options.") % {"min": MIN_OPTIONS, "max": MAX_OPTIONS}
        )
    elif kind == Question.Kind.MULTIPLE_CHOICE and correct_count == 0:
        raise ValidationError(_("Mark at least one option as correct (or make it a poll)."))
    elif kind == Question.Kind.POLL:
        cleaned = [{**o, "correct": False} for o in cleaned]
    return cleaned


def _drawing_prompts(
    options: Any, *, high: int = drawing_prompts.MAX_PROMPTS, text_round: bool = False
) -> list[dict[str, Any]]:
    """A round's prompts (a drawing round's things to draw, a text round's labels, e.g. the
    call centre's desks): 2 to ``high`` short names, no two of them the same class."""
    cleaned = _clean_options(options or [])
    low = drawing_prompts.MIN_PROMPTS
    if not low <= len(cleaned) <= high:
        if text_round:
            raise ValidationError(_("A text round has %(min)d to %(max)d labels.") % {"min": low, "max": high})
        raise ValidationError(_("A drawing round has %(min)d to %(max)d prompts.") % {"min": low, "max": high})
    if any(len(o["text"]) > drawing_prompts.MAX_PROMPT_LENGTH for o in cleaned):
        raise ValidationError(
            _("A prompt has at most %(max)d characters.") % {"max": drawing_prompts.MAX_PROMPT_LENGTH}
        )
    duplicate = drawing_prompts.duplicate_key([o["text"] for o in cleaned])
    if duplicate is not None:
        raise ValidationError(_("Two prompts name the same thing (%(name)s): keep one.") % {"name": duplicate})
    return [{"text": o["text"], "correct": False} for o in cleaned]


@transaction.atomic
def quiz_create(
    *,
    owner: User,
    title: str,
    language: str = Quiz.Language.KOREAN,
    questions: list[dict[str, Any]] | None = None,
    speed_points: bool = True,
    streaks: bool = True,
    ask_confidence: bool = False,
) -> Quiz:
    title = str(title or "").strip()[:200]
    if not title:
        raise ValidationError(_("A quiz needs a title."))
    if language not in Quiz.Language.values:
        raise ValidationError(_("The language is Korean (ko) or English (en)."))
    questions = questions or []
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("A quiz has at most %(max)d questions.") % {"max": MAX_QUESTIONS})
    quiz = Quiz.objects.create(
        owner=owner,
        title=title,
        language=language,
        speed_points=bool(speed_points),
        streaks=bool(streaks),
        ask_confidence=bool(ask_confidence),
    )
    for position, data in enumerate(questions):
        if not isinstance(data, dict):
            raise ValidationError(_("Question %(n)d is not an object.") % {"n": position + 1})
        try:
            fields = question_validate(**{k: data[k] for k in data if k in QUESTION_INPUT_FIELDS})
        except ValidationError as exc:
            raise ValidationError(
                _("Question %(n)d: %(problem)s") % {"n": position + 1, "problem": "; ".join(exc.messages)}
            ) from None
        except TypeError:
            raise ValidationError(_("Question %(n)d is missing its kind or text.") % {"n": position + 1}) from None
        Question.objects.create(quiz=quiz, position=position, **fields)
    return quiz


QUESTION_FIELDS = (
    "kind",
    "prompt",
    "options",
    "accepted_answers",
    "numeric",
    "words_per_student",
    "time_limit_s",
    "points",
    "explanation",
    "body",
    "layout",
    "notes",
)
#: What a question given to the API or in a file may carry: the stored fields, and a scale's
#: settings by their API name (``scale``; stored in ``numeric``).
QUESTION_INPUT_FIELDS = (*QUESTION_FIELDS, "scale")


def quiz_export(quiz: Quiz) -> dict[str, Any]:
    """A quiz as portable JSON (images are not included)."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "title": quiz.title,
        "language": quiz.language,
        "speed_points": quiz.speed_points,
        "streaks": quiz.streaks,
        "ask_confidence": quiz.ask_confidence,
        "questions": [{f: getattr(q, f) for f in QUESTION_FIELDS} for q in quiz.questions.order_by("position", "id")],
    }


def quiz_import(*, owner: User, data: Any) -> Quiz:
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ValidationError(_("This is not an A2B Lab quiz file."))
    if data.get("version") != EXPORT_VERSION:
        raise ValidationError(_("This quiz file's version is not supported."))
    questions = data.get("questions")
    if not isinstance(questions, list):
        raise ValidationError(_("The quiz file has no list of questions."))
    return quiz_create(
        owner=owner,
        title=data.get("title", ""),
        language=data.get("language", Quiz.Language.KOREAN),
        questions=questions,
        speed_points=data.get("speed_points", True),
        streaks=data.get("streaks", True),
        ask_confidence=data.get("ask_confidence", False),
    )


@transaction.atomic
def question_add(*, quiz: Quiz, **fields: Any) -> Question:
    cleaned = question_validate(**fields)
    if quiz.questions.count() >= MAX_QUESTIONS:
        raise ValidationError(_("A quiz has at most %(max)d questions.") % {"max": MAX_QUESTIONS})
    position = (quiz.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = Question.objects.create(quiz=quiz, position=position, **cleaned)
    quiz.save(update_fields=["updated_at"])
    return question


@transaction.atomic
def question_update(*, question: Question, **fields: Any) -> Question:
    cleaned = question_validate(**fields)
    for name, value in cleaned.items():
        setattr(question, name, value)
    question.save()
    return question


@transaction.atomic
def question_duplicate(*, question: Question) -> Question:
    siblings = list(question.quiz.questions.order_by("position", "id"))
    copy = Question.objects.create(
        quiz=question.quiz,
        **{f: getattr(question, f) for f in QUESTION_FIELDS},
        image=question.image,
        image_alt=question.image_alt,
        image_decorative=question.image_decorative,
    )
    siblings.insert(siblings.index(question) + 1, copy)
    _renumber(siblings)
    return copy


@transaction.atomic
def question_delete(*, question: Question) -> None:
    quiz = question.quiz
    question.delete()
    _renumber(list(quiz.questions.order_by("position", "id")))


@transaction.atomic
def question_move(*, question: Question, offset: int) -> None:
    """Move a question up (-1) or down (+1)."""
    siblings = list(question.quiz.questions.order_by("position", "id"))
    index = siblings.index(question)
    target = max(0, min(len(siblings) - 1, index + offset))
    siblings.insert(target, siblings.pop(index))
    _renumber(siblings)


def _renumber(questions: list[Question]) -> None:
    for position, q in enumerate(questions):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])


QUIZ_SETTINGS = ("title", "language", "speed_points", "streaks", "ask_confidence")


@transaction.atomic
def quiz_update(*, quiz: Quiz, **fields: Any) -> Quiz:
    """Change any of a quiz's settings (``QUIZ_SETTINGS``); the others stay as they are."""
    unknown = set(fields) - set(QUIZ_SETTINGS)
    if unknown:
        raise TypeError(f"quiz_update() got unexpected fields {sorted(unknown)}")
    if "title" in fields:
        title = str(fields["title"] or "").strip()[:200]
        if not title:
            raise ValidationError(_("A quiz needs a title."))
        quiz.title = title
    if "language" in fields:
        if fields["language"] not in Quiz.Language.values:
            raise ValidationError(_("The language is Korean (ko) or English (en)."))
        quiz.language = fields["language"]
    for switch in ("speed_points", "streaks", "ask_confidence"):
        if switch in fields:
            setattr(quiz, switch, bool(fields[switch]))
    quiz.save()
    return quiz


@transaction.atomic
def quiz_delete(*, quiz: Quiz) -> None:
    """Delete a quiz and its questions, unless a session's results still point at it."""
    if quiz.sessions.exists():
        raise ValidationError(
            _("This quiz has been played in a session and its results keep it, so it cannot be deleted.")
        )
    quiz.delete()


@transaction.atomic
def question_image_set(*, question: Question, image: CheckedImage | None) -> Question:
    """Store a checked, re-encoded image on a question (``None`` removes it).

    The old file is left in storage: a duplicated question may still show it.
    """
    if image is None:
        question.image = ""
        question.save(update_fields=["image"])
    else:
        question.image.save(f"question-{question.id}{image.extension}", ContentFile(image.data), save=False)
        question.save(update_fields=["image"])
    return question


def question_image_describe(*, question: Question, alt: str, decorative: bool) -> Question:
    """Say what the question's image shows (its alt text), or that it is decorative and says nothing.

    An image that is neither described nor marked decorative is refused: a screen reader would
    announce only "image"."""
    alt = " ".join(str(alt or "").split())[:300]
    if question.image and not alt and not decorative:
        raise ValidationError(_("Describe the image (what it shows), or mark it as decorative."))
    question.image_alt = "" if decorative else alt
    question.image_decorative = bool(decorative) and bool(question.image)
    question.save(update_fields=["image_alt", "image_decorative"])
    return question


# --- imports and exports in other tools' formats ----------------------------------------------

#: The largest file an import reads (every format).
IMPORT_MAX_BYTES = 1_000_000
#: Formats a quiz can be exported to besides JSON (``quiz_export_as``).
TEXT_EXPORT_FORMATS = ("gift", "aiken")


class ImportRefused(ValidationError):
    """An import refused as a whole; ``problems`` are its refused lines (or rows), in order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass
class ImportReport:
    """An import done: the new quiz, the refused lines left out (``skip_refused``), notes."""

    quiz: Quiz
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def _true_false_labels(language: str) -> tuple[str, str]:
    with translation.override(language):
        return _("True"), _("False")


def import_file_parse(*, raw: bytes, fmt: str, language: str = Quiz.Language.KOREAN) -> Parsed:
    """A Kahoot, GIFT or Aiken file read into questions and refused lines (no database)."""
    if fmt == "kahoot":
        try:
            return kahoot.parse(raw)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
    try:
        text = formats.decode_text(raw)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if fmt == "gift":
        return gift.parse(text, true_false_labels=_true_false_labels(language))
    if fmt == "aiken":
        return aiken.parse(text)
    raise ValidationError(_("Unknown file format: %(format)s") % {"format": str(fmt)[:20]})


def parsed_questions_check(parsed: Parsed, *, where: str = "line") -> tuple[list[dict[str, Any]], list[Problem]]:
    """Each parsed question checked by ``question_validate``: the good ones and every refused line."""
    problems = list(parsed.problems)
    good: list[dict[str, Any]] = []
    for line, data in parsed.questions:
        try:
            good.append(question_validate(**{k: data[k] for k in QUESTION_INPUT_FIELDS if k in data}))
        except ValidationError as exc:
            problems.append(Problem(line, " ".join(exc.messages), where=where))
    problems.sort(key=lambda p: p.line)
    return good, problems


@transaction.atomic
def quiz_import_file(
    *,
    owner: User,
    raw: bytes,
    filename: str = "",
    fmt: str | None = None,
    title: str = "",
    language: str = Quiz.Language.KOREAN,
    skip_refused: bool = False,
) -> ImportReport:
    """Make a quiz from a file: A2B Lab's JSON, a Kahoot spreadsheet, Moodle GIFT or Aiken.

    The format is ``fmt`` or sniffed from the name and content. All or nothing: any refused line
    refuses the whole file (:class:`ImportRefused` lists them all), unless ``skip_refused``, when
    the rest is imported and the refused lines come back in the report.
    """
    if len(raw) > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is too large: a quiz file has at most 1 MB."), code="too_large")
    fmt = fmt or formats.sniff(filename, raw)
    if fmt == "json":
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise ValidationError(_("This file is not valid JSON."), code="not_json") from None
        return ImportReport(quiz=quiz_import(owner=owner, data=data))
    if fmt is None:
        raise ValidationError(
            _("We could not tell the file's format: use .json (A2B Lab), .xlsx (Kahoot), .gift or .txt (GIFT, Aiken).")
        )
    if language not in Quiz.Language.values:
        raise ValidationError(_("The language is Korean (ko) or English (en)."))
    parsed = import_file_parse(raw=raw, fmt=fmt, language=language)
    questions, problems = parsed_questions_check(parsed, where="row" if fmt == "kahoot" else "line")
    if problems and not skip_refused:
        raise ImportRefused(problems)
    if not questions:
        raise ImportRefused([*problems, Problem(0, _("The file has no question that can be imported."))])
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("A quiz has at most %(max)d questions.") % {"max": MAX_QUESTIONS})
    name = str(title or "").strip() or parsed.title or PurePath(filename).stem or _("Imported quiz")
    quiz = quiz_create(owner=owner, title=name, language=language, questions=questions)
    return ImportReport(quiz=quiz, skipped=problems, notes=parsed.notes)


def quiz_export_as(quiz: Quiz, fmt: str) -> tuple[str, list[Skipped]]:
    """A quiz as GIFT or Aiken text, and the questions that format could not carry. Slides are left
    out (neither format has them; docs/import-export.md): the questions are numbered without them."""
    shown = (Question.Kind.SLIDE, Question.Kind.CANVAS)
    questions = [q for q in quiz_export(quiz)["questions"] if q["kind"] not in shown]
    if fmt == "gift":
        return gift.export(questions, title=quiz.title, true_false_labels=_true_false_labels(quiz.language))
    if fmt == "aiken":
        return aiken.export(questions)
    raise ValidationError(_("Unknown file format: %(format)s") % {"format": str(fmt)[:20]})
