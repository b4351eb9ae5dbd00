"""core.csv_checks: CSVs as Korean Excel, Google Sheets and European Excel write them, and broken ones."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.csv_checks import (
    CSV_REJECTION_CODES,
    CsvRejected,
    ParsedCsv,
    infer_column_types,
    is_missing,
    parse_number,
    read_csv,
)

KOREAN = '면적,방수,가격\r\n84.5,3,"52,000"\r\n59,2,31000\r\n'


def rejected(data: bytes, **kwargs) -> CsvRejected:
    with pytest.raises(CsvRejected) as info:
        read_csv(data, **kwargs)
    assert info.value.code in CSV_REJECTION_CODES
    return info.value


# --- encodings --------------------------------------------------------------------------------------


def test_utf8_with_bom_from_excel():
    parsed = read_csv(b"\xef\xbb\xbf" + KOREAN.encode())
    assert parsed.encoding == "utf-8-sig"
    assert parsed.columns == ["면적", "방수", "가격"]  # no BOM glued to the first name
    assert parsed.rows == [["84.5", "3", "52,000"], ["59", "2", "31000"]]
    assert parsed.delimiter == ","


def test_utf8_without_bom():
    assert read_csv(KOREAN.encode()).encoding == "utf-8"


def test_cp949_from_korean_excel():
    data = KOREAN.encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = read_csv(data)
    assert parsed.encoding == "cp949"
    assert parsed.columns == ["면적", "방수", "가격"]


def test_euc_kr_is_read_as_cp949():
    assert read_csv("이름,점수\n김,90\n".encode("euc-kr")).columns == ["이름", "점수"]


def test_utf16_unicode_text_from_excel():
    parsed = read_csv("이름\t점수\r\n김\t90\r\n".encode("utf-16"))
    assert (parsed.encoding, parsed.delimiter, parsed.columns, parsed.rows) == (
        "utf-16",
        "\t",
        ["이름", "점수"],
        [["김", "90"]],
    )


def test_nfd_header_names_are_normalised():
    parsed = read_csv(unicodedata.normalize("NFD", "면적,가격\n1,2\n").encode())
    assert parsed.columns == ["면적", "가격"]


def test_unknown_encoding():
    assert rejected(b"a,b\n\x80\xff,1\n").code == "unknown_encoding"


# --- delimiters and layout ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2;3\n4;5;6\n", ";"),  # European Excel: decimal comma, semicolon delimiter
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("only\n1\n2\n", ","),  # one column: the sniffer gives up, comma it is
        ('name,price\n"Kim, J","1,234"\nLee,"2,000"\n', ","),
    ],
)
def test_delimiter_is_sniffed(text, delimiter):
    assert read_csv(text.encode()).delimiter == delimiter


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("comment\nhello; world\nfoo; bar\n", [["hello; world"], ["foo; bar"]]),
        ("name\nKim, J\nLee, K\n", [["Kim, J"], ["Lee, K"]]),
    ],
)
def test_one_column_of_sentences_is_not_split(text, rows):
    """The sniffer alone would split on a delimiter the header does not even contain."""
    parsed = read_csv(text.encode())
    assert len(parsed.columns) == 1
    assert parsed.rows == rows


def test_semicolon_file():
    parsed = read_csv("면적;가격\n84,5;52000\n".encode())
    assert parsed.columns == ["면적", "가격"]
    assert parsed.rows == [["84,5", "52000"]]


def test_quoted_newlines_crlf_blank_lines_and_whitespace():
    parsed = read_csv(b'\r\n name , note \r\n\r\n kim ,"line one\r\nline two"\r\n,\r\n\r\n')
    assert parsed.columns == ["name", "note"]
    assert parsed.rows == [["kim", "line one\r\nline two"]]


def test_excels_nameless_empty_trailing_columns_are_dropped():
    parsed = read_csv(b"a,b,,\n1,2,,\n3,4,,\n")
    assert parsed.columns == ["a", "b"]
    assert parsed.rows == [["1", "2"], ["3", "4"]]


def test_blank_extra_cells_at_the_end_of_a_row_are_tolerated():
    assert read_csv(b"a,b\n1,2,,\n").rows == [["1", "2"]]


# --- refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n", b",,,\n,,\n"])
def test_empty(data):
    assert rejected(data).code == "empty"


def test_too_large():
    err = rejected(b"a\n" + b"1\n" * 600, max_bytes=1000)
    assert err.code == "too_large"
    assert err.params == {"size_bytes": 1202, "max_bytes": 1000, "max_mb": 0}


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"\x00\x01\x02garbage\xff\xfe\x00", None),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "excel"),  # an .xlsx renamed .csv
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "excel"),  # an old .xls
    ],
)
def test_binary(data, hint):
    err = rejected(data)
    assert err.code == "binary"
    assert err.params == {"hint": hint}


def test_ragged_row_reports_the_first_bad_line():
    err = rejected(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n")
    assert err.code == "malformed"
    assert err.params == {"line": 3, "expected": 3, "found": 2}


def test_ragged_row_line_counts_quoted_newlines():
    err = rejected(b'a,b\n"x\ny",1\n1,2,3\n')
    assert err.params["line"] == 4


def test_bad_quoting_is_malformed():
    err = rejected(b'a,b\n"unterminated,1\n2,3\n"x"y,1\n')
    assert err.code == "malformed"
    assert set(err.params) == {"line", "error"}


def test_no_header_nameless_column():
    err = rejected(b"a,,c\n1,2,3\n")
    assert err.code == "no_header"
    assert err.params == {"column": 2}


def test_no_header_data_in_a_nameless_trailing_column():
    assert rejected(b"a,b,\n1,2,3\n").params == {"column": 3}


def test_no_header_first_row_is_numbers():
    err = rejected(b"1,2,3\n4,5,6\n")
    assert (err.code, err.params) == ("no_header", {"column": None})


def test_numbers_among_names_are_fine():
    assert read_csv("지역,2020,2021\n서울,1,2\n".encode()).columns == ["지역", "2020", "2021"]


@pytest.mark.parametrize("header", ["a,b,a", "a, a ,b", "면적,면적", f"면적,{unicodedata.normalize('NFD', '면적')}"])
def test_duplicate_columns(header):
    err = rejected(f"{header}\n".encode() + b"1,2,3\n")
    assert err.code == "duplicate_columns"


def test_too_many_rows():
    assert read_csv(b"a\n" + b"1\n" * 5, max_rows=5).rows == [["1"]] * 5
    err = rejected(b"a\n" + b"1\n" * 6, max_rows=5)
    assert (err.code, err.params) == ("too_many_rows", {"max_rows": 5})


def test_too_many_columns():
    err = rejected((",".join(f"c{i}" for i in range(6)) + "\n").encode(), max_columns=5)
    assert (err.code, err.params) == ("too_many_columns", {"count": 6, "max_columns": 5})


def test_rejection_codes_are_closed():
    with pytest.raises(ValueError, match="unknown"):
        CsvRejected("nope")
    assert CsvRejected.CODES == CSV_REJECTION_CODES


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_are_parsed_or_refused(data):
    try:
        parsed, code = read_csv(data), None
    except CsvRejected as exc:
        parsed, code = None, exc.code
    if parsed is None:
        assert code in CSV_REJECTION_CODES
    else:
        assert all(len(row) == len(parsed.columns) for row in parsed.rows)


_CELL = st.text(alphabet="abc xyz,\"'가나다12.\n", min_size=1, max_size=8).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(
    columns=st.lists(_CELL.filter(lambda c: parse_number(c) is None), min_size=1, max_size=5, unique=True),
    n_rows=st.integers(0, 6),
    data=st.data(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949"]),
)
def test_what_csv_writer_writes_reads_back(columns, n_rows, data, encoding):
    rows = [data.draw(st.lists(_CELL, min_size=len(columns), max_size=len(columns))) for _ in range(n_rows)]
    out = io.StringIO()
    csv.writer(out).writerows([columns, *rows])
    parsed = read_csv(out.getvalue().encode(encoding))
    assert (parsed.columns, parsed.rows) == (columns, rows)


# --- column types ------------------------------------------------------------------------------------


def test_infer_column_types():
    parsed = read_csv(
        '면적,가격,지역,메모,빈칸\n84.5,"1,234",서울,NA,\n59,N/A,부산,-,\n-3e2,null,1,x,null\n,#N/A,2,,NA\n'.encode()
    )
    assert infer_column_types(parsed) == {
        "면적": "numeric",
        "가격": "numeric",
        "지역": "categorical",
        "메모": "categorical",
        "빈칸": "empty",
    }


def test_infer_column_types_without_rows():
    assert infer_column_types(ParsedCsv(columns=["a"], rows=[], encoding="utf-8", delimiter=",")) == {"a": "empty"}


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1", 1.0),
        (" -2.5 ", -2.5),
        ("+3", 3.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("1,234", 1234.0),
        ("1,234,567.89", 1234567.89),
        ("-1,000", -1000.0),
        ("12,34", None),  # not a thousands grouping (a decimal comma): left as text
        ("1234,567", None),
        ("1_000", None),
        ("inf", None),
        ("nan", None),
        ("１２", None),  # full-width digits
        ("e5", None),
        ("-", None),
        ("", None),
        ("12%", None),
    ],
)
def test_parse_number(cell, value):
    assert parse_number(cell) == value


@pytest.mark.parametrize("cell", ["", "  ", "NA", "na", "N/A", "null", "NULL", "-", "NaN", "#N/A", "#DIV/0!"])
def test_missing_markers(cell):
    assert is_missing(cell)


@pytest.mark.parametrize("cell", ["0", "None", "없음", "n"])
def test_not_missing(cell):
    assert not is_missing(cell)
