"""Kahoot's quiz spreadsheet (xlsx), read and written (pure: no database).

Kahoot's template has a few rows of instructions, then the table: ``Question``, ``Answer 1`` to
``Answer 4``, ``Time limit (sec)`` (Kahoot allows 5, 10, 20, 30, 60, 90, 120, 240) and
``Correct answer(s)`` (``1`` or ``1,3``). The header row is found by its titles, wherever it is;
the other columns (row numbers, image links) are ignored. Kahoot's own limits (120 characters a
question, 75 an answer) are not ours: ``question_validate`` checks A2B Lab's. Two answers that
name true and false make a true/false question. Problems are reported by spreadsheet row.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from django.utils.translation import gettext as _

from core.spreadsheet_safety import neutralise_cell, restore_cell
from quizapp.authoring.formats import Parsed, Problem, Skipped, is_true_false_pair

HEADER_SEARCH_ROWS = 30
MAX_ROWS = 1000
MAX_COLUMNS = 30
MAX_UNCOMPRESSED_BYTES = 30_000_000
KAHOOT_TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
DEFAULT_TIME_S = 20
_ANSWER_COLUMN = re.compile(r"^answer\s*([1-4])\b")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return restore_cell(str(value).strip())  # our own exports defuse formulas with a leading quote


def _columns(row: tuple[Any, ...]) -> dict[str, int] | None:
    """Where each column of the table is, if ``row`` is its header row."""
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        title = _text(value).casefold()
        answer = _ANSWER_COLUMN.match(title)
        if answer:
            found.setdefault(f"answer{answer.group(1)}", index)
        elif title.startswith("question"):
            found.setdefault("question", index)
        elif title.startswith("time limit"):
            found.setdefault("time", index)
        elif title.startswith("correct answer"):
            found.setdefault("correct", index)
    return found if {"question", "answer1", "answer2", "correct"} <= found.keys() else None


def _open(raw: bytes) -> Any:
    """The workbook's first sheet, after checking the zip does not unpack to something huge."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ValueError(_("The spreadsheet unpacks to more than 30 MB."))
    except zipfile.BadZipFile:
        raise ValueError(_("This file is not an Excel spreadsheet (.xlsx).")) from None
    import openpyxl  # noqa: PLC0415 - heavy, and only an xlsx import needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        raise ValueError(_("This file is not an Excel spreadsheet (.xlsx).")) from None
    return workbook


def parse(raw: bytes) -> Parsed:
    """A Kahoot spreadsheet's questions and refused rows; ``ValueError`` if it is not one."""
    workbook = _open(raw)
    try:
        sheet = workbook.worksheets[0]
        parsed = Parsed()
        columns = None
        if len(workbook.worksheets) > 1:
            parsed.notes.append(Problem(0, _("Only the first sheet was read (“%(name)s”).") % {"name": sheet.title}))
        rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        for number, row in enumerate(rows, start=1):
            if number > MAX_ROWS:
                if any(_text(value) for value in row):
                    reason = _("The sheet has more than %(max)d rows: split it into several files.") % {"max": MAX_ROWS}
                    parsed.problems.append(Problem(number, reason, where="row"))
                break
            if columns is None:
                columns = _columns(row)
                if columns is None and number >= HEADER_SEARCH_ROWS:
                    break
                continue
            _row(parsed, number, row, columns)
    finally:
        workbook.close()
    if columns is None:
        raise ValueError(
            _(
                "No table found: Kahoot's template has a header row with Question, Answer 1 to Answer 4, "
                "Time limit (sec) and Correct answer(s)."
            )
        )
    return parsed


def _cell(row: tuple[Any, ...], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return _text(row[index]) if index is not None and index < len(row) else ""


def _row(parsed: Parsed, number: int, row: tuple[Any, ...], columns: dict[str, int]) -> None:
    prompt = _cell(row, columns, "question")
    answers = [(n, _cell(row, columns, f"answer{n}")) for n in range(1, 5)]
    time_text, correct_text = _cell(row, columns, "time"), _cell(row, columns, "correct")
    if not prompt and not time_text and not correct_text and not any(text for _n, text in answers):
        return  # an empty row of the template
    try:
        question = _question(prompt, answers, time_text, correct_text)
    except ValueError as exc:
        parsed.problems.append(Problem(number, str(exc), where="row"))
    else:
        parsed.questions.append((number, question))


def _question(prompt: str, answers: list[tuple[int, str]], time_text: str, correct_text: str) -> dict[str, Any]:
    if not prompt:
        raise ValueError(_("The row has answers but no question."))
    if not correct_text:
        raise ValueError(_("No correct answer: write its number (1 to 4) in Correct answer(s)."))
    numbers = [part for part in re.split(r"[,;\s]+", correct_text) if part]
    if not all(part.isdigit() and 1 <= int(part) <= 4 for part in numbers):
        raise ValueError(_("Correct answer(s) lists answer numbers from 1 to 4, like 1 or 1,3."))
    correct = {int(part) for part in numbers}
    filled = {n for n, text in answers if text}
    if not correct <= filled:
        missing = min(correct - filled)
        raise ValueError(_("Answer %(n)d is marked correct but is empty.") % {"n": missing})
    try:
        time_limit_s = int(float(time_text)) if time_text else DEFAULT_TIME_S
    except ValueError:
        raise ValueError(_("The time limit is a number of seconds.")) from None
    options: list[dict[str, Any]] = [{"text": text, "correct": n in correct} for n, text in answers if text]
    kind = "multiple_choice"
    if len(options) == 2 and len(correct) == 1 and is_true_false_pair(options[0]["text"], options[1]["text"]):
        kind = "true_false"
    return {"kind": kind, "prompt": prompt, "options": options, "time_limit_s": time_limit_s}


def export(questions: list[dict[str, Any]], *, title: str = "") -> tuple[bytes, list[Skipped]]:
    """A spreadsheet in Kahoot's layout for the questions it can carry, and the ones it could not."""
    import openpyxl  # noqa: PLC0415 - heavy, and only an xlsx export needs it

    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    sheet.title = "Kahoot"
    sheet.append([neutralise_cell(title or "Quiz")])
    sheet.append(["Add questions, at least two answer alternatives, time limit and choose correct answers."])
    sheet.append([])
    header = ["", "Question - max 120 characters"]
    header += [f"Answer {n} - max 75 characters" for n in range(1, 5)]
    header += ["Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs", "Correct answer(s) - choose at least one"]
    sheet.append(header)
    skipped: list[Skipped] = []
    number = 0
    for position, question in enumerate(questions, start=1):
        options = question.get("options") or []
        correct = [str(i + 1) for i, o in enumerate(options) if o.get("correct")]
        if question["kind"] not in ("multiple_choice", "true_false") or len(options) > 4 or not correct:
            reason = _("Kahoot's sheet carries quiz questions of 2 to 4 answers.")
            skipped.append(Skipped(position, question["kind"], reason))
            continue
        number += 1
        texts = [o["text"] for o in options] + [""] * (4 - len(options))
        row = [number, question["prompt"], *texts, question.get("time_limit_s", DEFAULT_TIME_S), ",".join(correct)]
        sheet.append([neutralise_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), skipped
