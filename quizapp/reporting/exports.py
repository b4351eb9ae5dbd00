"""A session report as spreadsheets: CSV (one table) and XLSX (one sheet per table).

* **CSV** is UTF-8 with a byte-order mark, so Excel opens Korean correctly, written by the
  :mod:`csv` module (quoting, embedded commas and line breaks handled there).
* **XLSX** is written by openpyxl in write-only mode (memory stays flat for a big class).
* Every string cell goes through :func:`core.spreadsheet_safety.neutralise_cell` in both
  formats, so a nickname like ``=HYPERLINK(...)`` is shown, never evaluated. Numbers are written
  as numbers (and never neutralised), so scores can be summed and sorted.
* Tables hold plain values; "right" is 1 or 0 (an empty cell for a poll or no answer), so
  ``SUM`` counts right answers; percentages are 0 to 100; times are seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheet_safety import neutralise_cell, neutralise_row
from quizapp.reporting.build import SessionReport, VoteStats

__all__ = [
    "CSV_CONTENT_TYPE",
    "TABLES",
    "XLSX_CONTENT_TYPE",
    "Table",
    "calibration_table",
    "csv_bytes",
    "distribution_table",
    "export_filename",
    "grid_table",
    "questions_table",
    "summary_table",
    "tables_for",
    "xlsx_bytes",
]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
#: Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass(frozen=True)
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _right(correct: bool | None) -> int | None:
    return None if correct is None else int(correct)


def _local(value: datetime | None) -> datetime | None:
    """A naive local time (spreadsheets have no time zones)."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


# --- tables -------------------------------------------------------------------------------


def grid_table(report: SessionReport) -> Table:
    """Students × questions with their time accommodation; per question: answer, right, time, confidence, points."""
    header = [_("Nickname"), _("Score"), _("Right answers"), _("Removed")]
    header += [_("Time accommodation"), _("Asked for more time (1/0)")]
    for q in report.questions:
        n = {"n": q.number}
        header += [
            _("Q%(n)d answer") % n,
            _("Q%(n)d right (1/0)") % n,
            _("Q%(n)d time (s)") % n,
            _("Q%(n)d confidence (%%)") % n,
            _("Q%(n)d points") % n,
        ]
    rows = []
    for row in report.grid:
        values: list[Any] = [row.participant.nickname, row.participant.score, row.correct_count]
        values.append(int(row.participant.removed))
        values += [row.participant.time_label, int(row.participant.time_requested)]
        for cell in row.cells:
            if cell is None:
                values += [None] * 5
            else:
                values += [cell.display, _right(cell.correct), round(cell.seconds, 1), cell.confidence_percent]
                values.append(cell.points)
        rows.append(values)
    return Table(_("Grid"), header, rows)


def _vote_columns(stats: VoteStats | None) -> list[Any]:
    if stats is None:
        return [None, None]
    return [stats.answered, _round(stats.percent_correct)]


def questions_table(report: SessionReport) -> Table:
    """One row per question: answers, % right, mean time and, after a re-vote, the shift."""
    header = [
        _("No."),
        _("Question"),
        _("Kind"),
        _("Points"),
        _("Participants"),
        _("Answered"),
        _("Right answers"),
        _("Right (%)"),
        _("Mean time (s)"),
        _("2nd vote: answered"),
        _("2nd vote: right (%)"),
        _("Change (percentage points)"),
        _("Wrong to right"),
        _("Right to wrong"),
    ]
    rows = []
    for stats in report.question_stats:
        q, first, shift = stats.question, stats.first, stats.shift
        values: list[Any] = [q.number, q.prompt, q.kind_label or q.kind, q.points, stats.participants]
        values += [first.answered, first.correct_count if first.graded else None, _round(first.percent_correct)]
        values.append(_round(first.mean_seconds))
        values += _vote_columns(shift.second if shift else None)
        if shift is None:
            values += [None, None, None]
        else:
            values += [_round(shift.change_points), shift.wrong_to_right, shift.right_to_wrong]
        rows.append(values)
    return Table(_("Questions"), header, rows)


def distribution_table(report: SessionReport) -> Table:
    """How many chose each option (or typed each answer), per question and vote."""
    header = [_("No."), _("Vote"), _("Answer"), _("Right answer (1/0)"), _("Count"), _("Share (%)")]
    rows = []
    for stats in report.question_stats:
        votes = [(1, stats.first)]
        if stats.shift is not None:
            votes.append((2, stats.shift.second))
        for vote, vote_stats in votes:
            for entry in vote_stats.distribution:
                share = 100 * entry.count / vote_stats.answered if vote_stats.answered else None
                label = _("%(word)s (hidden)") % {"word": entry.label} if entry.hidden else entry.label
                rows.append([stats.question.number, vote, label, _right(entry.correct), entry.count, _round(share)])
    return Table(_("Answer counts"), header, rows)


def summary_table(report: SessionReport) -> Table:
    info, summary, cal = report.session, report.summary, report.calibration
    rows: list[list[Any]] = [
        [_("Quiz"), info.quiz_title],
        [_("Room"), info.room_code],
        [_("Mode"), info.mode_label],
        [_("Started"), _local(info.started_at)],
        [_("Ended"), _local(info.ended_at)],
        [_("Participants"), summary.participants],
        [_("Questions"), summary.questions],
        [_("Answers"), summary.answers],
        [_("Mean score"), _round(summary.mean_score)],
        [_("Right (%)"), _round(summary.percent_correct)],
        [_("Mean time (s)"), _round(summary.mean_seconds)],
    ]
    if cal is not None:
        rows += [
            [_("Answers with a confidence"), cal.answers],
            [_("Brier score (class)"), round(cal.brier, 4)],
            [_("Mean confidence (%)"), _round(100 * cal.mean_confidence)],
            [_("Calibration"), cal.verdict_label],
        ]
    return Table(_("Summary"), [_("Item"), _("Value")], rows)


def calibration_table(report: SessionReport) -> Table:
    """The class first, then each student: confidence against accuracy, Brier score, verdict."""
    header = [
        _("Nickname"),
        _("Answers with a confidence"),
        _("Mean confidence (%)"),
        _("Right (%)"),
        _("Brier score"),
        _("Verdict"),
    ]
    cal = report.calibration
    rows: list[list[Any]] = []
    if cal is not None:
        rows.append(
            [
                _("Whole class"),
                cal.answers,
                _round(100 * cal.mean_confidence),
                _round(100 * cal.accuracy),
                round(cal.brier, 4),
                cal.verdict_label,
            ]
        )
        for student in cal.students:
            rows.append(
                [
                    student.participant.nickname,
                    student.answers,
                    None if student.mean_confidence is None else _round(100 * student.mean_confidence),
                    None if student.accuracy is None else _round(100 * student.accuracy),
                    None if student.brier is None else round(student.brier, 4),
                    student.verdict_label,
                ]
            )
    return Table(_("Calibration"), header, rows)


def calibration_bins_table(report: SessionReport) -> Table:
    header = [_("Confidence from (%)"), _("Confidence to (%)"), _("Answers"), _("Mean confidence (%)"), _("Right (%)")]
    rows = []
    for b in report.calibration.bins if report.calibration else []:
        rows.append(
            [
                round(100 * b.low, 1),
                round(100 * b.high, 1),
                b.count,
                None if b.mean_confidence is None else _round(100 * b.mean_confidence),
                None if b.accuracy is None else _round(100 * b.accuracy),
            ]
        )
    return Table(_("Calibration bins"), header, rows)


#: The columns of the scales table: how many gave each rating, 0 to 10 (a 1-5 scale leaves 0 and 6-10 empty).
SCALE_POINTS = range(0, 11)


def scale_table(report: SessionReport) -> Table:
    """One row per statement of each scale question: answers, mean, standard deviation, ratings per point."""
    header = [_("No."), _("Statement"), _("Answers"), _("Mean"), _("Standard deviation")]
    header += [_("Rated %(n)d") % {"n": point} for point in SCALE_POINTS]
    rows = []
    for stats in report.question_stats:
        for entry in stats.first.scale:
            counts = dict(entry.counts)
            values: list[Any] = [stats.question.number, entry.statement, entry.n]
            values += [_round(entry.mean, 2), _round(entry.sd, 2)]
            values += [counts.get(point) for point in SCALE_POINTS]
            rows.append(values)
    return Table(_("Scales"), header, rows)


#: The tables a CSV download can be asked for (``?table=``); the XLSX has them all.
TABLES: dict[str, Callable[[SessionReport], Table]] = {
    "grid": grid_table,
    "questions": questions_table,
    "answers": distribution_table,
    "summary": summary_table,
    "calibration": calibration_table,
    "scales": scale_table,
}


def tables_for(report: SessionReport) -> list[Table]:
    """The XLSX's sheets; the calibration ones only when answers carried a confidence, the scales
    one only when the quiz has a scale question."""
    tables = [grid_table(report), questions_table(report), distribution_table(report), summary_table(report)]
    if report.has_scales:
        tables.append(scale_table(report))
    if report.has_confidence:
        tables += [calibration_table(report), calibration_bins_table(report)]
    return tables


# --- writers ------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    return neutralise_cell(value)


def csv_bytes(table: Table) -> bytes:
    """One table as CSV: UTF-8 with a BOM, CRLF line ends, risky text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(neutralise_row(table.header))
    for row in table.rows:
        writer.writerow([_csv_value(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters XLSX cannot hold go first, so none can hide a risky prefix; a
        # carriage return is read back from the XML as a line feed, so it is written as one.
        safe = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
        return safe.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _sheet_name(name: str, taken: set[str]) -> str:
    base = name.translate(_SHEET_NAME_BAD).strip("' ")[:SHEET_NAME_MAX] or "Sheet"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _column_width(values: Sequence[Any]) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=4)
    return min(max(longest + 2, 6), 50)


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """Tables as sheets of one workbook: bold frozen header, numbers as numbers, text neutralised."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.name, taken))
        sheet.freeze_panes = "B2" if table.rows and len(table.header) > 2 else "A2"
        sample = [table.header, *table.rows[:200]]
        for index in range(len(table.header)):
            width = _column_width([row[index] for row in sample if index < len(row)])
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        header = []
        for title in table.header:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(title))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value in row:
                if isinstance(value, datetime):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    cells.append(cell)
                else:
                    cells.append(_xlsx_value(value))
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(report: SessionReport, extension: str, table: str = "") -> str:
    """An ASCII file name: room code, start date, session id (and the table, for CSV)."""
    info = report.session
    started = _local(info.started_at)
    date = started.strftime("%Y%m%d") if started else "session"
    code = "".join(ch for ch in info.room_code if ch.isascii() and ch.isalnum()) or "room"
    suffix = f"-{table}" if table else ""
    return f"a2blab-{code}-{date}-{info.id}{suffix}.{extension}"
