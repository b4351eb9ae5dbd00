"""Moodle GIFT, read and written (pure: no database).

Read: multiple choice ``{=right ~wrong}``, several correct with weights ``{~%50%a ~%50%b ~c}``,
true/false ``{T}`` ``{TRUE}`` ``{F}`` ``{FALSE}``, short answer ``{=a =b}``, essay ``{}`` (an open
question), missing-word questions (text after the block: the blank becomes ``_____``), titles
``::title::`` (dropped: our questions have none), comment lines ``//``, ``$CATEGORY:`` lines (the
first names the quiz, the others are reported), escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``, the
format markers ``[html]`` ``[moodle]`` ``[plain]`` ``[markdown]``, and feedback: the general
feedback ``####...`` or else the right answer's ``#...`` becomes the explanation. Numerical
``{#15:2}`` / ``{#10..20}`` / ``{#=15:0 =%50%15:2}`` becomes a slider: the (first fully right)
answer and its tolerance as the margin, on a range GIFT does not carry (:func:`slider_range`,
reported so the author can adjust it). Matching ``{=1 -> first =2 -> second =3 -> third}`` becomes an
ordering question when its left sides are the positions 1 to n (or first, second, …; 첫째, 둘째, …;
1st, 2nd, …), in any order; any other matching question is refused, as are descriptions (text
without an answer block).

Written: multiple choice, true/false, short answer, open, slider (``{#answer:margin}``) and
ordering questions (as matching from the positions ``1``..``n``, which reads back as the same
order; an item with ``->`` in it would not, so that question is skipped); polls, scales and drawing
and text rounds are listed as skipped. Time limits and points are not part of GIFT.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from quizapp.authoring.formats import Parsed, Problem, Skipped, is_true_false_pair

# Escaped characters become private-use placeholders while the structure is parsed.
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004"}
_ESCAPES.update({"\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"})
_RESTORE = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#", "\ue004": "{", "\ue005": "}"}
_RESTORE.update({"\ue006": ":", "\ue007": "\n"})
_PLACEHOLDERS = re.compile("[\ue000-\ue007]")
_TITLE = re.compile(r"^\s*::(.*?)::", re.DOTALL)
_MARKER = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = re.compile(r"^(TRUE|T|FALSE|F)\s*(?:#([^#]*))?(?:#(.*))?$", re.IGNORECASE | re.DOTALL)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_CATEGORY_ROOTS = {"$course$", "$system$", "$module$", "$cat1$", "$cat2$", "$cat3$", "top"}
MULTI_CORRECT_WEIGHTS = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667"}
BLANK = "_____"


def _protect(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    return _PLACEHOLDERS.sub(lambda m: _RESTORE[m.group(0)], text)


def _clean_text(text: str, *, is_html: bool = False) -> str:
    """Real line breaks are spaces (GIFT's rule); ``\\n`` is a line break; then the escapes."""
    joined = " ".join(part.strip() for part in text.split("\n"))
    restored = _restore(joined).strip()
    if is_html:
        restored = html.unescape(strip_tags(restored)).strip()
    return restored


def category_name(line: str) -> str:
    """``$CATEGORY: $course$/top/AI basics`` -> ``AI basics`` (``//`` is a slash in a name, as in Moodle)."""
    path = line.split(":", 1)[1].strip()
    parts = [p.strip().replace("//", "/") for p in re.split(r"(?<!/)/(?!/)", path)]
    parts = [p for p in parts if p and p.lower() not in _CATEGORY_ROOTS]
    return _restore(parts[-1]) if parts else ""


def _blocks(text: str, parsed: Parsed) -> list[tuple[int, list[str]]]:
    """Questions as (first line number, lines); comments dropped, categories handled here."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    categories: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped or stripped.upper().startswith("$CATEGORY:"):
            if current:
                blocks.append((start, current))
                current = []
            if stripped:
                name = category_name(stripped)
                if name and not categories:
                    parsed.title = name[:200]
                elif name and name not in categories:
                    parsed.notes.append(
                        Problem(number, _("Category “%(name)s”: its questions join this one quiz.") % {"name": name})
                    )
                categories.append(name)
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def parse(raw_text: str, *, true_false_labels: tuple[str, str] = ("True", "False")) -> Parsed:
    """A GIFT file's questions and refused lines (see the module's docstring)."""
    parsed = Parsed()
    text = _protect(_PLACEHOLDERS.sub("", raw_text.replace("\r\n", "\n").replace("\r", "\n")))
    for line, lines in _blocks(text, parsed):
        try:
            question = _question("\n".join(lines), line, parsed, true_false_labels)
        except _Refused as exc:
            parsed.problems.append(Problem(line, exc.reason))
        else:
            parsed.questions.append((line, question))
    return parsed


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _question(block: str, line: int, parsed: Parsed, labels: tuple[str, str]) -> dict[str, Any]:
    block = _TITLE.sub("", block, count=1)
    marker = _MARKER.match(block)
    is_html = bool(marker and marker.group(1).lower() == "html")
    if marker:
        block = block[marker.end() :]
    start = block.find("{")
    if start < 0:
        if "}" in block:
            raise _Refused(_("A “}” closes an answer block that was never opened (write \\} for the character)."))
        raise _Refused(_("This text has no answer block { }: a description, not a question, so it is not imported."))
    end = block.find("}", start)
    if end < 0:
        raise _Refused(_("The answer block opened with “{” is never closed with “}”."))
    if "{" in block[end:] or "}" in block[end + 1 :]:
        raise _Refused(_("A question has one answer block { }; write \\{ and \\} for the characters."))
    before, answers, after = block[:start], block[start + 1 : end], block[end + 1 :]
    prompt = _clean_text(before, is_html=is_html)
    if after.strip():
        prompt = f"{prompt} {BLANK} {_clean_text(after, is_html=is_html)}".strip()
    question = _answers(answers, labels, line, parsed)
    question["prompt"] = prompt
    return question


def _answers(block: str, labels: tuple[str, str], line: int, parsed: Parsed) -> dict[str, Any]:
    body, _sep, general = block.partition("####")
    explanation = _clean_text(general)
    body = body.strip()
    if not body:
        return {"kind": "open", "explanation": explanation}
    if body.startswith("#"):
        numeric = _numerical(body[1:])
        parsed.notes.append(
            Problem(
                line,
                _(
                    "A numerical question became a slider from %(min)s to %(max)s: GIFT has no range, "
                    "adjust it in the builder."
                )
                % {"min": numeric["min"], "max": numeric["max"]},
            )
        )
        return {"kind": "slider", "numeric": numeric, "explanation": explanation}
    truth = _TRUE_FALSE.match(body)
    if truth:
        correct = truth.group(1).upper().startswith("T")
        feedback = [_clean_text(f) for f in (truth.group(3), truth.group(2)) if f]
        return {
            "kind": "true_false",
            "options": [{"text": labels[0], "correct": correct}, {"text": labels[1], "correct": not correct}],
            "explanation": explanation or next((f for f in feedback if f), ""),
        }
    head, *tokens = re.split(r"(?=[=~])", body)
    if head.strip():
        raise _Refused(_("Each answer in { } starts with = (right) or ~ (wrong)."))
    answers = [_answer(token) for token in tokens]
    wrong_marked = any(marker == "~" for marker, *_rest in answers)
    if not wrong_marked and any("->" in text for _m, text, _c, _f in answers):
        return _matching_as_ordering([text for _m, text, _c, _f in answers], explanation)
    feedback_of_right = next((f for _m, _t, right, f in answers if right and f), "")
    if any(f for _m, _t, right, f in answers if f and f != feedback_of_right) or (explanation and feedback_of_right):
        parsed.notes.append(
            Problem(line, _("Feedback on single answers is not kept (only the general one or the right answer's)."))
        )
    explanation = explanation or feedback_of_right
    if not wrong_marked:
        return {
            "kind": "short_answer",
            "accepted_answers": [text for _m, text, right, _f in answers if right],
            "explanation": explanation,
        }
    options: list[dict[str, Any]] = [{"text": text, "correct": right} for _m, text, right, _f in answers]
    kind = "multiple_choice"
    one_right = sum(o["correct"] for o in options) == 1
    if len(options) == 2 and one_right and is_true_false_pair(options[0]["text"], options[1]["text"]):
        kind = "true_false"
    return {"kind": kind, "options": options, "explanation": explanation}


#: Words for positions (1 to 6) a matching question's left side may use, casefolded.
_POSITION_WORDS = {
    **{word: n for n, word in enumerate(("first", "second", "third", "fourth", "fifth", "sixth"), start=1)},
    **{word: n for n, word in enumerate(("1st", "2nd", "3rd", "4th", "5th", "6th"), start=1)},
    **{word: n for n, word in enumerate(("첫째", "둘째", "셋째", "넷째", "다섯째", "여섯째"), start=1)},
    **{word: n for n, word in enumerate(("첫번째", "두번째", "세번째", "네번째", "다섯번째", "여섯번째"), start=1)},
}


def _position(left: str) -> int | None:
    """``1``, ``1.``, ``(1)``, ``first``, ``첫 번째`` -> 1; anything else ``None``."""
    key = "".join(left.casefold().split()).strip(".)(:")
    if key.isdigit():
        return int(key)
    return _POSITION_WORDS.get(key)


def _matching_as_ordering(pairs: list[str], explanation: str) -> dict[str, Any]:
    """A matching question whose left sides are positions: the right sides in that order."""
    placed: dict[int, str] = {}
    for pair in pairs:
        left, arrow, right = pair.partition("->")
        position = _position(left) if arrow else None
        if position is None or position in placed:
            raise _Refused(
                _(
                    "A matching question imports only as an ordering question, and only when its left sides are "
                    "the positions 1, 2, 3, … (or first, second, …): here they are not."
                )
            )
        placed[position] = right.strip()
    if sorted(placed) != list(range(1, len(placed) + 1)):
        raise _Refused(
            _("The positions of this matching question skip a number: they must run 1, 2, 3, … without gaps.")
        )
    return {"kind": "ordering", "options": [placed[n] for n in sorted(placed)], "explanation": explanation}


_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_NUMERICAL = re.compile(
    rf"^\s*(?:=(?:%(?P<weight>\d+(?:\.\d+)?)%)?)?\s*(?P<a>{_NUMBER})\s*(?:(?P<sep>:|\.\.)\s*(?P<b>{_NUMBER}))?\s*(?:#.*)?$"
)


def _numerical(body: str) -> dict[str, Any]:
    """``15:2``, ``10..20`` or ``=15:0 =%50%15:2`` (the first answer worth 100 %) as slider settings."""
    parts = [p for p in re.split(r"(?==)", body.strip()) if p.strip()] or [body]
    chosen = None
    for part in parts:
        match = _NUMERICAL.match(part)
        if match is None:
            raise _Refused(_("A numerical answer is a number, “answer:tolerance” or “low..high”."))
        if chosen is None or (match.group("weight") in (None, "100") and chosen.group("weight") not in (None, "100")):
            chosen = match
    if chosen is None:
        raise _Refused(_("A numerical answer is a number, “answer:tolerance” or “low..high”."))
    a = float(chosen.group("a"))
    b = float(chosen.group("b")) if chosen.group("b") else 0.0
    if chosen.group("sep") == "..":
        low, high = sorted((a, b))
        answer, margin = (low + high) / 2, (high - low) / 2
    else:
        answer, margin = a, abs(b)
    decimals = max(_decimals(chosen.group("a")), _decimals(chosen.group("b") or "0"))
    step = 10.0**-decimals if decimals else 1.0
    if chosen.group("sep") == ".." and decimals == 0 and not float(answer).is_integer():
        step = 0.5
    low, high = slider_range(answer, margin)
    return {
        "min": _plain(low),
        "max": _plain(high),
        "step": _plain(step),
        "answer": _plain(answer),
        "margin": _plain(margin),
    }


def slider_range(answer: float, margin: float) -> tuple[float, float]:
    """The range a slider gets for a GIFT numerical answer: from 0 (or below a negative answer) to
    well past it, so the answer is not in the middle by construction."""
    width = max(abs(answer), 10 * margin, 10.0)
    low = 0.0 if answer >= 0 else answer - width
    return low, answer + width


def _decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else round(number, 6)


def _answer(token: str) -> tuple[str, str, bool, str]:
    """``=text#feedback`` / ``~%50%text`` -> (marker, text, right, feedback)."""
    marker, rest = token[0], token[1:].lstrip()
    weight = _WEIGHT.match(rest)
    right = marker == "="
    if weight:
        right = float(weight.group(1)) > 0
        rest = rest[weight.end() :]
    text, _sep, feedback = rest.partition("#")
    return marker, _clean_text(text), right, _clean_text(feedback)


# --- writing ----------------------------------------------------------------------------------


def escape(text: str) -> str:
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _answer_text(marker: str, text: str, weight: str | None = None) -> str:
    """One answer; a text that starts like a weight (``%5%``) gets an explicit one first."""
    if weight is None and _WEIGHT.match(text):
        weight = "100" if marker == "=" else "0"
    return f"{marker}{f'%{weight}%' if weight else ''}{escape(text)}"


def _block(question: dict[str, Any], truth_labels: tuple[str, str]) -> str | None:
    kind = question["kind"]
    options = question.get("options") or []
    if kind == "open":
        return ""
    if kind == "slider":
        numeric = question.get("numeric") or {}
        if "answer" not in numeric:
            return None
        margin = numeric.get("margin") or 0
        return f"#{numeric['answer']}:{margin}" if margin else f"#{numeric['answer']}"
    if kind == "ordering":
        items = [str(o.get("text", "") if isinstance(o, dict) else o) for o in options]
        if any("->" in item for item in items):
            return None
        return " ".join(f"={n} -> {escape(item)}" for n, item in enumerate(items, start=1))
    if kind == "short_answer":
        accepted = question.get("accepted_answers") or []
        if any("->" in a for a in accepted):
            return None
        return " ".join(_answer_text("=", a) for a in accepted)
    if kind == "true_false" and len(options) == 2:
        first, second = (o["text"].strip().casefold() for o in options)
        if (first, second) == tuple(label.casefold() for label in truth_labels):
            return "TRUE" if options[0].get("correct") else "FALSE"
    correct = [o for o in options if o.get("correct")]
    if len(correct) == 1:
        return " ".join(_answer_text("=" if o.get("correct") else "~", o["text"]) for o in options)
    weight = MULTI_CORRECT_WEIGHTS.get(len(correct), "10")
    return " ".join(_answer_text("~", o["text"], weight if o.get("correct") else None) for o in options)


def export(
    questions: list[dict[str, Any]], *, title: str = "", true_false_labels: tuple[str, str] = ("True", "False")
) -> tuple[str, list[Skipped]]:
    """GIFT text for the questions it can carry, and the ones it could not."""
    lines = ["// " + _("Exported from A2B Lab")]
    if title.strip():
        lines.append(f"$CATEGORY: {' '.join(title.split()).replace('/', '//')}")
    lines.append("")
    skipped: list[Skipped] = []
    for position, question in enumerate(questions, start=1):
        kind = question["kind"]
        if kind == "poll":
            skipped.append(Skipped(position, kind, _("GIFT has no polls.")))
            continue
        if kind in ("drawing", "text_round"):
            skipped.append(Skipped(position, kind, _("Drawing and text rounds exist only in A2B Lab.")))
            continue
        if kind == "scale":
            skipped.append(Skipped(position, kind, _("GIFT has no rating scales.")))
            continue
        if kind == "word_cloud":
            skipped.append(Skipped(position, kind, _("GIFT has no word clouds.")))
            continue
        block = _block(question, true_false_labels)
        if block is None:
            skipped.append(Skipped(position, kind, _("An answer contains “->”, which GIFT reads as matching.")))
            continue
        prompt = escape(question["prompt"])
        if prompt.startswith("["):
            prompt = "[plain]" + prompt
        explanation = question.get("explanation") or ""
        feedback = f" ####{escape(explanation)}" if explanation.strip() else ""
        lines.append(f"::Q{position}::{prompt} {{{block}{feedback}}}")
        lines.append("")
    for item in skipped:
        lines.append("// " + _("Not exported: %(problem)s") % {"problem": " ".join(str(item).split())})
    return "\n".join(lines).rstrip() + "\n", skipped
