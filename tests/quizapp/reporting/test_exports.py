"""CSV and XLSX downloads, opened with ``csv`` and ``openpyxl``: BOM, Korean, numbers as
numbers, and formula injection neutralised in both formats."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from core.spreadsheet_safety import DANGEROUS_PREFIXES
from quizapp.models import Answer, Participant, QuizSession
from tests.factories import InstructorFactory
from tests.quizapp.reporting.test_reports import PASSWORD, play, true_false

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

#: Nicknames a student can type (the join service keeps them as they are).
TYPED_ATTACKS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)"]
#: Leading tab / carriage return: the services strip these, so they are written directly, as
#: older data or another import path could hold them.
HIDDEN_ATTACKS = ["\t=1+1", "\r=1+1"]

SHORT = {"kind": "short_answer", "prompt": "고양이는 영어로?", "accepted_answers": ["cat"]}


@pytest.fixture
def teacher():
    return InstructorFactory.create(username="teacher", password=PASSWORD)


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def csv_url(session: QuizSession, table: str = "") -> str:
    url = reverse("reports:export_csv", args=[session.id])
    return f"{url}?table={table}" if table else url


def xlsx_url(session: QuizSession) -> str:
    return reverse("reports:export_xlsx", args=[session.id])


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel reads Korean"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(response) -> openpyxl.Workbook:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.content))


def korean_session(teacher) -> QuizSession:
    return play(
        teacher,
        questions=[true_false("보행자 인식이 가능할까요?"), SHORT],
        answers={
            "김민수": [{"choices": [0], "confidence": 1.0, "ms": 1500}, {"text": "고양이", "confidence": 0.5}],
            "Lee": [{"choices": [1], "confidence": 0.75, "ms": 2500}, None],
        },
        ask_confidence=True,
        title="AI 가능/불가능",
    )


def test_csv_is_utf8_with_bom_korean_round_trips_and_numbers_stay_numbers(teacher, teacher_client):
    session = korean_session(teacher)
    response = teacher_client.get(csv_url(session), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="a2blab-REPORTROOM-')
    assert response["Content-Disposition"].endswith(f'-{session.id}.csv"')
    rows = read_csv(response)
    header = rows[0]
    assert header[:4] == ["Nickname", "Score", "Right answers", "Removed"]
    assert header[4:6] == ["Time accommodation", "Asked for more time (1/0)"]
    assert header[6:11] == ["Q1 answer", "Q1 right (1/0)", "Q1 time (s)", "Q1 confidence (%)", "Q1 points"]
    kim = dict(zip(header, next(r for r in rows if r[0] == "김민수"), strict=True))
    assert kim["Q1 answer"] == "가능"
    assert kim["Q2 answer"] == "고양이"
    assert kim["Q1 right (1/0)"] == "1"
    assert kim["Q2 right (1/0)"] == "0"
    assert kim["Q1 time (s)"] == "1.5"
    assert kim["Q1 confidence (%)"] == "100"
    assert int(kim["Score"]) == Participant.objects.get(nickname="김민수").score > 0
    assert int(kim["Q1 points"]) > 0
    lee = dict(zip(header, next(r for r in rows if r[0] == "Lee"), strict=True))
    assert lee["Q2 answer"] == "", "no answer: empty cells"
    assert lee["Q2 points"] == ""


def test_csv_other_tables(teacher, teacher_client):
    session = korean_session(teacher)
    questions = read_csv(teacher_client.get(csv_url(session, "questions"), HTTP_ACCEPT_LANGUAGE="en"))
    assert questions[1][:2] == ["1", "보행자 인식이 가능할까요?"]
    assert questions[1][questions[0].index("Right (%)")] == "50.0"
    answers = read_csv(teacher_client.get(csv_url(session, "answers"), HTTP_ACCEPT_LANGUAGE="en"))
    assert ["1", "1", "가능", "1", "1", "50.0"] in answers
    summary = dict(read_csv(teacher_client.get(csv_url(session, "summary"), HTTP_ACCEPT_LANGUAGE="en"))[1:])
    assert summary["Quiz"] == "AI 가능/불가능"
    assert summary["Participants"] == "2"
    calibration = read_csv(teacher_client.get(csv_url(session, "calibration"), HTTP_ACCEPT_LANGUAGE="en"))
    assert calibration[1][:2] == ["Whole class", "3"]
    response = teacher_client.get(csv_url(session, "summary"))
    assert response["Content-Disposition"].endswith(f'-{session.id}-summary.csv"')
    assert teacher_client.get(csv_url(session, "nope")).status_code == 404


def test_xlsx_has_a_sheet_per_table_korean_and_numbers(teacher, teacher_client):
    session = korean_session(teacher)
    response = teacher_client.get(xlsx_url(session), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Disposition"].endswith(f'-{session.id}.xlsx"')
    workbook = read_xlsx(response)
    assert workbook.sheetnames == ["Grid", "Questions", "Answer counts", "Summary", "Calibration", "Calibration bins"]
    grid = list(workbook["Grid"].iter_rows(values_only=True))
    header = grid[0]
    kim = dict(zip(header, next(r for r in grid if r[0] == "김민수"), strict=True))
    assert kim["Q1 answer"] == "가능"
    assert kim["Q1 right (1/0)"] == 1
    assert kim["Q1 time (s)"] == 1.5
    assert kim["Q1 confidence (%)"] == 100
    assert isinstance(kim["Score"], int)
    assert kim["Score"] > 0
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Quiz"] == "AI 가능/불가능"
    assert summary["Participants"] == 2
    assert summary["Brier score (class)"] == pytest.approx((0 + 0.25 + 0.5625) / 3, abs=1e-4)
    assert summary["Started"].year >= 2024, "dates are spreadsheet dates"
    calibration = list(workbook["Calibration"].iter_rows(values_only=True))
    assert calibration[1][0] == "Whole class"
    assert {row[0] for row in calibration[2:]} == {"김민수", "Lee"}


def test_xlsx_without_confidence_has_no_calibration_sheets(teacher, teacher_client):
    session = play(teacher, questions=[true_false("Q")], answers={"Kim": [{"choices": [0]}]})
    workbook = read_xlsx(teacher_client.get(xlsx_url(session), HTTP_ACCEPT_LANGUAGE="en"))
    assert workbook.sheetnames == ["Grid", "Questions", "Answer counts", "Summary"]


def injection_session(teacher) -> QuizSession:
    """Students whose nicknames and short answers are formulas, plus tab/CR-prefixed ones."""
    questions = [SHORT, true_false("Q2")]
    attacks = TYPED_ATTACKS
    session = play(
        teacher,
        questions=questions,
        answers={
            **{name: [{"text": name, "ms": 3000}, {"choices": [0]}] for name in attacks},
            "hidden1": [{"text": "x", "ms": 3000}, {"choices": [0]}],
            "hidden2": [{"text": "y", "ms": 3000}, {"choices": [1]}],
        },
    )
    for n, attack in enumerate(HIDDEN_ATTACKS, start=1):
        participant = Participant.objects.get(session=session, nickname=f"hidden{n}")
        Participant.objects.filter(id=participant.id).update(nickname=attack)
        Answer.objects.filter(participant=participant, vote=1, text__in=["x", "y"]).update(text=attack)
    return session


ALL_ATTACKS = TYPED_ATTACKS + HIDDEN_ATTACKS


def test_injection_is_neutralised_in_csv(teacher, teacher_client):
    session = injection_session(teacher)
    rows = read_csv(teacher_client.get(csv_url(session), HTTP_ACCEPT_LANGUAGE="en"))
    header = rows[0]
    by_nickname = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_nickname) == {"'" + attack for attack in ALL_ATTACKS}
    for attack in ALL_ATTACKS:
        row = by_nickname["'" + attack]
        assert row["Q1 answer"] == "'" + attack, "short answers too"
        assert row["Q1 time (s)"] == "3.0", "numbers are not prefixed"
        assert not row["Score"].startswith("'")
        int(row["Score"])
    for table in ("grid", "questions", "answers", "summary"):
        for row in read_csv(teacher_client.get(csv_url(session, table))):
            for value in row:
                if value.startswith(DANGEROUS_PREFIXES):
                    # Only numbers (like a negative count) may start so; no text does.
                    float(value)


def test_injection_is_neutralised_in_xlsx(teacher, teacher_client):
    session = injection_session(teacher)
    workbook = read_xlsx(teacher_client.get(xlsx_url(session), HTTP_ACCEPT_LANGUAGE="en"))
    grid = workbook["Grid"]
    header = [cell.value for cell in grid[1]]
    nicknames = set()
    for cells in grid.iter_rows(min_row=2):
        row = dict(zip(header, cells, strict=True))
        nicknames.add(row["Nickname"].value)
        assert row["Nickname"].data_type == "s"
        assert row["Q1 answer"].value == row["Nickname"].value, "the short answer is the nickname here"
        assert row["Q1 answer"].data_type == "s"
        assert row["Score"].data_type == "n"
        assert isinstance(row["Score"].value, int)
        assert row["Q1 time (s)"].value == 3.0
    # XML reads a carriage return back as a line feed; the quote still comes first.
    assert nicknames == {"'" + attack.replace("\r", "\n") for attack in ALL_ATTACKS}
    answers = [row[2] for row in workbook["Answer counts"].iter_rows(min_row=2, values_only=True)]
    assert {"'=1+1", "'+cmd", "'-2+3", "'@sum(a1)"} <= set(answers), "normalised answers, still neutralised"
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS_PREFIXES), f"{sheet.title}!{cell.coordinate}"


def test_control_characters_xlsx_cannot_hold_are_dropped_before_neutralising(teacher, teacher_client):
    session = play(teacher, questions=[SHORT], answers={"Kim": [{"text": "cat"}]})
    Answer.objects.filter(session=session).update(text="\x01=1+1")
    workbook = read_xlsx(teacher_client.get(xlsx_url(session), HTTP_ACCEPT_LANGUAGE="en"))
    assert workbook["Grid"]["G2"].value == "'=1+1"  # after the two accommodation columns


def test_exports_are_for_the_owner_only(client, teacher):
    session = play(teacher, questions=[true_false("Q")], answers={"Kim": [{"choices": [0]}]})
    InstructorFactory.create(username="other", password=PASSWORD)
    client.login(username="other", password=PASSWORD)
    assert client.get(csv_url(session)).status_code == 404
    assert client.get(csv_url(session, "summary")).status_code == 404
    assert client.get(xlsx_url(session)).status_code == 404


def test_grid_export_says_who_had_a_time_accommodation(teacher, teacher_client):
    """Issue 17: the report, downloads included, shows who had more time and who asked for it."""
    session = korean_session(teacher)
    Participant.objects.filter(session=session, nickname="Lee").update(time_factor=0, time_requested=True)
    Participant.objects.filter(session=session, nickname="김민수").update(time_factor=10)
    rows = read_csv(teacher_client.get(csv_url(session), HTTP_ACCEPT_LANGUAGE="en"))
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_name["Lee"]["Time accommodation"] == "No time limit"
    assert by_name["Lee"]["Asked for more time (1/0)"] == "1"
    assert by_name["김민수"]["Time accommodation"] == "×10 time"
    assert by_name["김민수"]["Asked for more time (1/0)"] == "0"
    korean = read_csv(teacher_client.get(csv_url(session), HTTP_ACCEPT_LANGUAGE="ko"))
    lee = dict(zip(korean[0], next(r for r in korean if r[0] == "Lee"), strict=True))
    assert lee[korean[0][4]] not in ("", "No time limit"), "the label is translated"
