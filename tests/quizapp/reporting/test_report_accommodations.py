"""The session report shows who had a time accommodation (WCAG 2.2.1) and who asked for it."""

import pytest
from django.utils import translation

from quizapp.models import Participant
from quizapp.reporting.build import ParticipantRow, SessionInfo, report_build
from quizapp.reporting.load import session_report
from quizapp.rules import scoring
from tests.quizapp.reporting.test_reports import play, report_url, teacher, teacher_client, true_false

__all__ = ["teacher", "teacher_client"]  # the fixtures, shared with test_reports

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_accommodations_from_plain_rows():
    report = report_build(
        session=SessionInfo(id=1, quiz_title="t", room_code="R", mode_label="m"),
        questions=[],
        participants=[
            ParticipantRow(id=1, nickname="Kim", time_factor=2, time_requested=True),
            ParticipantRow(id=2, nickname="Lee"),
            ParticipantRow(id=3, nickname="Park", time_factor=scoring.NO_TIME_LIMIT),
            ParticipantRow(id=4, nickname="Gone", time_factor=10, removed=True),
        ],
        answers=[],
    )
    with translation.override("en"):  # the labels are rendered when read, in the reader's language
        labels = [(p.accommodated, str(p.time_label)) for p in report.participants]
    assert labels == [
        (True, "×2 time"),
        (False, ""),
        (True, "No time limit"),
        (True, "×10 time"),
    ]
    assert report.summary.accommodated == 2, "removed students leave the class numbers"


def test_report_page_shows_the_accommodations(teacher, teacher_client):
    session = play(teacher, questions=[true_false("Q")], answers={"Kim": [{"choices": [0]}], "Lee": [None]})
    Participant.objects.filter(nickname="Kim").update(time_factor=10, time_requested=True)
    report = session_report(session)
    assert [(r.participant.nickname, r.participant.time_factor) for r in report.grid] == [("Kim", 10), ("Lee", 1)]
    html = teacher_client.get(report_url(session), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="badge" data-testid="time-accommodation">×10 time · asked at join</span>' in html
    assert html.count('data-testid="time-accommodation"') == 1
    assert 'data-testid="accommodated-count">1<' in html
