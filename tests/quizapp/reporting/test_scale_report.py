"""A scale question in the report: per statement the mean, standard deviation and ratings per
point, on the page and in the "scales" CSV and XLSX sheet; each student's ratings by statement in
the grid; the answer counts list every statement × rating; no verdict, no points."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import InstructorFactory
from tests.quizapp.reporting.test_reports import PASSWORD, play, true_false

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

SCALE = {
    "kind": "scale",
    "prompt": "AI와 나의 일",
    "options": ["AI will change my job", "I trust AI's answers"],
    "scale": {"min": 0, "max": 10, "low_label": "Not at all", "high_label": "Completely"},
}


@pytest.fixture
def session():
    teacher = InstructorFactory.create(username="teacher", password=PASSWORD)
    return play(
        teacher,
        questions=[true_false("AI가 일을 바꿀까?"), SCALE],
        answers={
            "Kim": [{"choices": [0]}, {"ratings": [10, 2]}],
            "Lee": [{"choices": [1]}, {"ratings": [6, 4]}],
            "Park": [{"choices": [0]}, None],
        },
    )


def test_the_page_shows_each_statements_mean_and_spread(client, session):
    client.force_login(session.room.owner)
    html = client.get(reverse("reports:session_report", args=[session.id])).content.decode()
    assert 'data-testid="scale-report"' in html
    table = html[html.index('data-testid="scale-report"') :]
    assert "AI will change my job" in table
    assert "8.00" in table  # mean of 10 and 6
    assert "2.00" in table  # their standard deviation
    assert "3.00" in table  # mean of 2 and 4
    assert "1.00" in table


def test_exports_carry_the_ratings_and_the_statistics(client, session):
    client.force_login(session.room.owner)
    url = reverse("reports:export_csv", args=[session.id])
    body = client.get(f"{url}?table=scales", HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0][:5] == ["No.", "Statement", "Answers", "Mean", "Standard deviation"]
    assert rows[0][5] == "Rated 0"
    assert rows[1][:5] == ["2", "AI will change my job", "2", "8.0", "2.0"]
    assert rows[1][5 + 6] == "1"
    assert rows[1][5 + 10] == "1"
    assert rows[2][:5] == ["2", "I trust AI's answers", "2", "3.0", "1.0"]

    grid = list(
        csv.reader(io.StringIO(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig"), newline=""))
    )
    kim = next(row for row in grid if row[0] == "Kim")
    assert "AI will change my job: 10; I trust AI's answers: 2" in kim
    answers = list(
        csv.reader(
            io.StringIO(
                client.get(f"{url}?table=answers", HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig"), newline=""
            )
        )
    )
    assert ["2", "1", "AI will change my job: 10", "", "1", "50.0"] in answers

    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reports:export_xlsx", args=[session.id]), HTTP_ACCEPT_LANGUAGE="en").content)
    )
    sheet = book["Scales"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:5] == (2, "AI will change my job", 2, 8, 2)
