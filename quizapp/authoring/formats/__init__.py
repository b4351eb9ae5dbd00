"""Files teachers bring from other tools: Kahoot spreadsheets, Moodle GIFT and Aiken.

Each format module is pure (no database): ``parse(...)`` turns a file into a :class:`Parsed`
(question dicts in the shape of :data:`quizapp.authoring.services.QUESTION_FIELDS`, each with the
line or spreadsheet row it came from, plus the refused lines as :class:`Problem`), and the text
formats have ``export(questions)`` giving the text and the questions they could not carry.
The rules of a question (lengths, number of options, time limits) are checked afterwards by
``question_validate`` in the service, which reports its refusals at the same line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

#: The formats :func:`sniff` can name; ``json`` is A2B Lab's own file.
FORMATS = ("json", "kahoot", "gift", "aiken")
EXTENSIONS = {".json": "json", ".xlsx": "kahoot", ".gift": "gift", ".txt": None}

#: Two options that make a true/false question (first the true one), in the languages we serve.
TRUE_FALSE_PAIRS = (
    ("true", "false"),
    ("possible", "impossible"),
    ("yes", "no"),
    ("o", "x"),
    ("참", "거짓"),
    ("가능", "불가능"),
    ("맞다", "틀리다"),
    ("예", "아니오"),
    ("네", "아니요"),
)


@dataclass(frozen=True)
class Problem:
    """A refused (or, as a note, changed) line of an imported file; ``where`` is "line" or "row"."""

    line: int
    reason: str
    where: str = "line"

    def __str__(self) -> str:
        if self.line <= 0:
            return self.reason  # about the whole file
        if self.where == "row":
            return _("Row %(n)d: %(reason)s") % {"n": self.line, "reason": self.reason}
        return _("Line %(n)d: %(reason)s") % {"n": self.line, "reason": self.reason}


@dataclass
class Parsed:
    """What a file holds: its questions (line, fields), the refused lines, notes, a suggested title."""

    questions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    title: str = ""


@dataclass(frozen=True)
class Skipped:
    """A question an export could not carry: its position (from 1), kind and why."""

    position: int
    kind: str
    reason: str

    def __str__(self) -> str:
        return _("Question %(n)d: %(reason)s") % {"n": self.position, "reason": self.reason}


def is_true_false_pair(first: str, second: str) -> bool:
    return (first.strip().casefold(), second.strip().casefold()) in TRUE_FALSE_PAIRS


def decode_text(raw: bytes) -> str:
    """A text file's characters: UTF-8 (with or without BOM), else CP949 (Korean Windows)."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("The file is not text in UTF-8 (or Korean Windows' CP949)."))


def sniff(filename: str, raw: bytes) -> str | None:
    """Which format a file is in, from its extension and then its content; ``None`` if unknown."""
    name = filename.lower()
    for extension, fmt in EXTENSIONS.items():
        if name.endswith(extension) and fmt is not None:
            return fmt
    if raw.startswith(b"PK\x03\x04"):
        return "kahoot"
    try:
        text = decode_text(raw[:200_000])
    except ValueError:
        return None
    stripped = text.lstrip()
    if stripped.startswith("{") and '"format"' in stripped[:2000]:
        return "json"
    if looks_like_aiken(text) and not looks_like_gift(text):
        return "aiken"
    if looks_like_gift(text):
        return "gift"
    return None


_GIFT_BLOCK = re.compile(r"(?<!\\)\{\s*(?:[=~#]|T\b|F\b|TRUE\b|FALSE\b|\})", re.IGNORECASE)
_GIFT_LINE = re.compile(r"^\s*(?:::|\$CATEGORY:)", re.MULTILINE | re.IGNORECASE)
_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", re.MULTILINE | re.IGNORECASE)


def looks_like_gift(text: str) -> bool:
    """GIFT has answer blocks (``{=``, ``{~``, ``{T}``, ``{}``), ``::title::`` or ``$CATEGORY:`` lines."""
    return bool(_GIFT_LINE.search(text) or _GIFT_BLOCK.search(text))


def looks_like_aiken(text: str) -> bool:
    """Aiken has ``ANSWER: X`` lines."""
    return bool(_AIKEN_ANSWER.search(text))
