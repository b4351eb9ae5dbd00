"""Reading an uploaded CSV safely and predictably (pure Python, no Django).

Workshop CSVs come from Korean Excel (CP949, sometimes UTF-8 with a BOM), Google Sheets (UTF-8),
macOS Numbers and hand edits, with commas, semicolons (European Excel) or tabs. :func:`read_csv`

* refuses oversized, empty and binary uploads (an ``.xlsx`` renamed ``.csv`` is binary) before parsing;
* decodes UTF-16 when it starts with a BOM (Excel's "Unicode text"), else UTF-8 (BOM or not), else
  CP949 (a superset of EUC-KR);
* sniffs the delimiter among ``,`` ``;`` and tab with :class:`csv.Sniffer`, falling back to comma;
* parses strictly: bad quoting and ragged rows are refused with the first bad line number instead
  of silently shifting values into the wrong column;
* strips whitespace around headers and cells, NFC-normalises header names, drops blank rows and the
  nameless empty trailing columns Excel leaves behind.

:class:`CsvRejected` codes (stable; messages live in the web layer, see ``docs/uploads.md``):

===================== =============================================================================
code                  params
===================== =============================================================================
``empty``             ``{}``
``too_large``         ``{"size_bytes", "max_bytes", "max_mb"}``
``binary``            ``{"hint"}``: ``"excel"`` for an xlsx/xls file, else ``None``
``unknown_encoding``  ``{}``
``malformed``         ``{"line", "expected", "found"}`` for a ragged row (``found`` fields where the
                      header has ``expected``); ``{"line", "error"}`` for broken quoting
``no_header``         ``{"column"}`` (1-based position of a nameless column) or ``{"column": None}``
                      when the first row is all numbers (data, not names)
``duplicate_columns`` ``{"column"}``
``too_many_rows``     ``{"max_rows"}``
``too_many_columns``  ``{"count", "max_columns"}``
``field_too_large``   ``{"line", "max_kb"}``: one cell longer than the parser's field limit (often a
                      quote that is never closed, which swallows the rest of the file)
===================== =============================================================================
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from core.rejections import Rejected

__all__ = [
    "CSV_REJECTION_CODES",
    "MISSING_MARKERS",
    "CsvRejected",
    "ParsedCsv",
    "infer_column_types",
    "is_missing",
    "parse_number",
    "read_csv",
]

CSV_REJECTION_CODES = frozenset(
    {
        "empty",
        "too_large",
        "binary",
        "unknown_encoding",
        "malformed",
        "no_header",
        "duplicate_columns",
        "too_many_rows",
        "too_many_columns",
        "field_too_large",
    }
)

MISSING_MARKERS = frozenset(
    {"", "na", "n/a", "null", "-", "nan", "#n/a", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!"}
)
"""Cells that mean "no value" (compared case-insensitively). Excel's error values count as missing."""

DELIMITERS = ",;\t"
SNIFF_LINES = 50
SNIFF_CHARS = 32_000
"""Sniffer's regexes are slow on long input; the first lines say enough about the delimiter."""

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][+-]?\d+)?", re.ASCII)


class CsvRejected(Rejected):
    """A CSV that cannot be used; ``code`` is stable, ``params`` fill in the message."""

    CODES = CSV_REJECTION_CODES
    KIND = "csv"


@dataclass(frozen=True)
class ParsedCsv:
    """A parsed CSV: every row has exactly ``len(columns)`` stripped string cells."""

    columns: list[str]
    rows: list[list[str]]
    encoding: str
    """``"utf-8"``, ``"utf-8-sig"`` (had a BOM), ``"utf-16"`` or ``"cp949"``."""
    delimiter: str


def read_csv(
    data: bytes,
    *,
    max_bytes: int = 20_000_000,
    max_rows: int = 100_000,
    max_columns: int = 200,
) -> ParsedCsv:
    """Decode, sniff and parse ``data``, or raise :class:`CsvRejected` (codes in the module docstring)."""
    if not data:
        raise CsvRejected("empty")
    if len(data) > max_bytes:
        raise CsvRejected("too_large", {"size_bytes": len(data), "max_bytes": max_bytes, "max_mb": _mb(max_bytes)})
    text, encoding = _decode(bytes(data))
    if not text.strip():
        raise CsvRejected("empty")
    delimiter = _sniff_delimiter(text)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    columns: list[str] | None = None
    rows: list[list[str]] = []
    try:
        for raw in reader:
            cells = [cell.strip() for cell in raw]
            if not any(cells):
                continue  # blank lines and Excel's ",,,," leftovers
            if columns is None:
                columns = _header(cells, max_columns)
                continue
            if len(cells) > len(columns) and not any(cells[len(columns) :]):
                cells = cells[: len(columns)]
            if len(cells) != len(columns):
                raise CsvRejected("malformed", {"line": reader.line_num, "expected": len(columns), "found": len(cells)})
            if len(rows) >= max_rows:
                raise CsvRejected("too_many_rows", {"max_rows": max_rows})
            rows.append(cells)
    except csv.Error as exc:
        raise _parse_error(exc, reader.line_num) from exc
    if columns is None:
        raise CsvRejected("empty")
    columns, rows = _drop_nameless_empty_columns(columns, rows)
    return ParsedCsv(columns=columns, rows=rows, encoding=encoding, delimiter=delimiter)


def _parse_error(exc: csv.Error, line: int) -> CsvRejected:
    """What the csv module's error means for the person: a huge cell, or broken quoting."""
    if "field larger than field limit" in str(exc):
        return CsvRejected("field_too_large", {"line": line, "max_kb": max(1, round(csv.field_size_limit() / 1024))})
    return CsvRejected("malformed", {"line": line, "error": str(exc)})


def is_missing(cell: str) -> bool:
    """True for cells that mean "no value": blank, ``NA``, ``N/A``, ``null``, ``-``, ``#N/A``..."""
    return cell.strip().lower() in MISSING_MARKERS


def parse_number(cell: str) -> float | None:
    """``cell`` as a float, or ``None``. Accepts ``1,234.5`` (thousands grouping), refuses ``inf``,
    ``nan``, ``1_000`` and full-width digits, which :func:`float` would quietly accept."""
    text = cell.strip()
    if not text or not _NUMBER.fullmatch(text) or not any(ch.isdigit() for ch in text):
        return None
    mantissa = re.split(r"[eE]", text, maxsplit=1)[0]
    if not any(ch.isdigit() for ch in mantissa):
        return None
    return float(text.replace(",", ""))


def infer_column_types(parsed: ParsedCsv) -> dict[str, Literal["numeric", "categorical", "empty"]]:
    """Per column: ``numeric`` if every non-missing cell is a number, ``empty`` if all are missing."""
    types: dict[str, Literal["numeric", "categorical", "empty"]] = {}
    for index, column in enumerate(parsed.columns):
        present = [row[index] for row in parsed.rows if not is_missing(row[index])]
        if not present:
            types[column] = "empty"
        elif all(parse_number(cell) is not None for cell in present):
            types[column] = "numeric"
        else:
            types[column] = "categorical"
    return types


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CsvRejected("unknown_encoding") from exc
    if b"\x00" in data or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        hint = "excel" if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) else None
        raise CsvRejected("binary", {"hint": hint})
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8"
        return text, encoding
    raise CsvRejected("unknown_encoding")


def _sniff_delimiter(text: str) -> str:
    """:class:`csv.Sniffer`'s guess, checked against the header line.

    A delimiter has to split the header: the sniffer alone picks ``;`` for a one-column file of
    sentences with semicolons, which would then be refused as ragged. With no candidate splitting
    the header the file has one column, and the delimiter is one that splits no line of the sample.
    """
    lines = text[:SNIFF_CHARS].splitlines()[:SNIFF_LINES]
    if len(lines) > 1 and (len(text) > SNIFF_CHARS or len(lines) == SNIFF_LINES):
        lines.pop()  # may be cut in the middle
    sample = "\n".join(lines)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    candidates = [sniffed, *(d for d in DELIMITERS if d != sniffed)]
    widths = {d: _field_counts(sample, d) for d in candidates}
    splitting = [d for d in candidates if widths[d] and widths[d][0] >= 2]
    if splitting:
        consistent = [d for d in splitting if len(set(widths[d])) == 1]
        return (consistent or splitting)[0]
    for delimiter in DELIMITERS:
        if all(width == 1 for width in widths[delimiter]):
            return delimiter
    return ","


def _field_counts(sample: str, delimiter: str) -> list[int]:
    """Fields per non-blank row of ``sample``; empty when it does not parse."""
    try:
        return [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(map(str.strip, row))]
    except csv.Error:
        return []


def _header(cells: list[str], max_columns: int) -> list[str]:
    names = [unicodedata.normalize("NFC", cell) for cell in cells]
    while names and not names[-1]:
        names.pop()  # nameless trailing columns: kept only if they hold data (see below)
    if len(cells) > max_columns:
        raise CsvRejected("too_many_columns", {"count": len(cells), "max_columns": max_columns})
    for position, name in enumerate(names, start=1):
        if not name:
            raise CsvRejected("no_header", {"column": position})
    if all(parse_number(name) is not None for name in names):
        raise CsvRejected("no_header", {"column": None})
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise CsvRejected("duplicate_columns", {"column": name})
        seen.add(name)
    return names + [""] * (len(cells) - len(names))


def _drop_nameless_empty_columns(columns: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Excel exports ``a,b,,`` when a blank column was once formatted; such columns carry nothing."""
    named = len(columns)
    while named and not columns[named - 1]:
        named -= 1
    if named == len(columns):
        return columns, rows
    for row in rows:
        for position, cell in enumerate(row[named:], start=named + 1):
            if cell:
                raise CsvRejected("no_header", {"column": position})
    return columns[:named], [row[:named] for row in rows]


def _mb(n_bytes: int) -> int | float:
    value = round(n_bytes / 1_000_000, 1)
    return int(value) if value.is_integer() else value
