"""Aiken, read and written (pure: no database).

A question is its text, then options ``A. text`` or ``A) text`` (letters in order), then
``ANSWER: B``. Blank lines between questions are optional. Two options that name true and false
(``True``/``False``, ``가능``/``불가능``...) make a true/false question; otherwise it is multiple
choice with one right answer. Aiken has no explanations, time limits or points.

Written: single-correct multiple choice and true/false (as two options); the rest is skipped.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from quizapp.authoring.formats import Parsed, Problem, Skipped, is_true_false_pair

_OPTION = re.compile(r"^([A-Z])\s*[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _Question:
    def __init__(self, line: int, text: str) -> None:
        self.line = line
        self.text = [text]
        self.options: list[str] = []
        self.refused: Problem | None = None


def _lines(text: str) -> list[str]:
    """Lines as editors number them (``str.splitlines`` would also split on form feeds and the like)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse(raw_text: str) -> Parsed:
    """An Aiken file's questions and refused lines (see the module's docstring)."""
    parsed = Parsed()
    current: _Question | None = None
    for number, raw_line in enumerate(_lines(raw_text), start=1):
        line = raw_line.strip()
        if not line:
            continue
        answer, option = _ANSWER.match(line), _OPTION.match(line)
        if current is None:
            if answer or (option and option.group(1) == "A"):
                parsed.problems.append(Problem(number, _("An option or ANSWER line without a question before it.")))
                continue
            current = _Question(number, line)
        elif answer:
            _finish(current, answer.group(1).strip(), number, parsed)
            current = None
        elif option:
            expected = LETTERS[len(current.options)] if len(current.options) < len(LETTERS) else ""
            if option.group(1) != expected and not current.refused:
                reason = _("Option %(got)s comes where %(expected)s was expected.")
                current.refused = Problem(number, reason % {"got": option.group(1), "expected": expected or "?"})
            current.options.append(option.group(2).strip())
        elif current.options:
            reason = _("This line is neither an option (A. …) nor the ANSWER line.")
            current.refused = current.refused or Problem(number, reason)
        else:
            current.text.append(line)
    if current is not None:
        parsed.problems.append(Problem(current.line, _("This question has no “ANSWER: …” line.")))
    return parsed


def _finish(question: _Question, answer: str, number: int, parsed: Parsed) -> None:
    if question.refused:
        parsed.problems.append(question.refused)
        return
    letters = LETTERS[: len(question.options)]
    if not question.options:
        parsed.problems.append(Problem(question.line, _("This question has no options (A. …, B. …).")))
        return
    letter = answer.upper()
    if len(letter) != 1 or letter not in letters:
        reason = _("ANSWER names one of the options' letters (%(letters)s).")
        parsed.problems.append(Problem(number, reason % {"letters": ", ".join(letters)}))
        return
    options: list[dict[str, Any]] = [
        {"text": text, "correct": LETTERS[i] == letter} for i, text in enumerate(question.options)
    ]
    kind = "multiple_choice"
    if len(options) == 2 and is_true_false_pair(options[0]["text"], options[1]["text"]):
        kind = "true_false"
    parsed.questions.append((question.line, {"kind": kind, "prompt": " ".join(question.text), "options": options}))


def export(questions: list[dict[str, Any]]) -> tuple[str, list[Skipped]]:
    """Aiken text for the questions it can carry, and the ones it could not."""
    blocks: list[str] = []
    skipped: list[Skipped] = []
    for position, question in enumerate(questions, start=1):
        kind = question["kind"]
        options = question.get("options") or []
        correct = [i for i, o in enumerate(options) if o.get("correct")]
        if kind not in ("multiple_choice", "true_false"):
            skipped.append(Skipped(position, kind, _("Aiken carries only multiple choice and true/false.")))
            continue
        if len(correct) != 1:
            skipped.append(Skipped(position, kind, _("Aiken has exactly one right answer per question.")))
            continue
        if len(options) > len(LETTERS):
            skipped.append(Skipped(position, kind, _("Too many options for Aiken's letters.")))
            continue
        lines = [_one_line(question["prompt"])]
        lines += [f"{LETTERS[i]}. {_one_line(o['text'])}" for i, o in enumerate(options)]
        lines.append(f"ANSWER: {LETTERS[correct[0]]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else ""), skipped


def _one_line(text: str) -> str:
    """Aiken is one line per question and option: line breaks become spaces."""
    return " ".join(str(text).split())
