"""The session report: per-question statistics, class summary, calibration, peer-instruction shift,
the page itself (escaping, accessible SVG charts, owner only)."""

from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from quizapp.authoring.services import quiz_create
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Participant, QuizSession
from quizapp.reporting import charts
from quizapp.reporting.build import (
    AnswerRow,
    ParticipantRow,
    QuestionRow,
    SessionInfo,
    report_build,
)
from quizapp.reporting.load import session_report
from quizapp.rules import calibration
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PASSWORD = "pw-long-enough-1"


def true_false(prompt: str) -> dict:
    return {"kind": "true_false", "prompt": prompt, "options": [{"text": "가능", "correct": True}, {"text": "불가능"}]}


def play(
    teacher: User,
    *,
    questions: list[dict],
    answers: dict[str, list[dict | None]],
    code: str = "REPORTROOM",  # not the demo room, which other test runs may have loaded
    ask_confidence: bool = False,
    title: str = "AI 퀴즈",
) -> QuizSession:
    """A whole instructor-paced session through the real services.

    ``answers[nickname][i]`` is what that student submits to question ``i`` (``choices``,
    ``text``, ``confidence``), or None for no answer; an ``ms`` key then fixes the stored
    response time so that mean times can be checked by hand.
    """
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(owner=teacher, title=title, questions=questions, ask_confidence=ask_confidence)
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    players = {
        nickname: joining.participant_join(code=code, nickname=nickname, address=f"10.0.0.{n}").participant
        for n, nickname in enumerate(answers, start=1)
    }
    for index, question in enumerate(quiz.questions.order_by("position", "id")):
        live.session_next(session_id=session.id, user=teacher)
        for nickname, given in answers.items():
            entry = given[index] if index < len(given) else None
            if entry is not None:
                spec = dict(entry)
                ms = spec.pop("ms", None)
                receipt = live_answers.answer_submit(
                    participant_id=players[nickname].id, question_id=question.id, **spec
                )
                if ms is not None:
                    Answer.objects.filter(id=receipt.answer.id).update(response_ms=ms)
        live.session_reveal(session_id=session.id, user=teacher)
    live.session_end(session_id=session.id, user=teacher)
    return QuizSession.objects.select_related("quiz", "room").get(id=session.id)


@pytest.fixture
def teacher():
    return InstructorFactory.create(username="teacher", password=PASSWORD)


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def report_url(session: QuizSession) -> str:
    return reverse("reports:session_report", args=[session.id])


# --- calibration ----------------------------------------------------------------------------

CALIBRATION_ANSWERS = {
    # 4 answers, all 100 % sure, 2 right: Brier (0 + 0 + 1 + 1) / 4 = 0.5, over-confident.
    "Kim": [{"choices": [0], "confidence": 1.0}] * 2 + [{"choices": [1], "confidence": 1.0}] * 2,
    # 4 answers at 75 %, 3 right: Brier (3 × 0.0625 + 0.5625) / 4 = 0.1875, calibrated.
    "Lee": [{"choices": [0], "confidence": 0.75}] * 3 + [{"choices": [1], "confidence": 0.75}],
    # 2 answers at 50 %, 1 right: Brier 0.25, too few for a verdict.
    "Park": [{"choices": [0], "confidence": 0.5}, {"choices": [1], "confidence": 0.5}],
}


def test_calibration_on_a_hand_computed_example(teacher):
    session = play(
        teacher,
        questions=[true_false(f"Q{i}") for i in range(4)],
        answers=CALIBRATION_ANSWERS,
        ask_confidence=True,
    )
    report = session_report(session)
    cal = report.calibration
    assert cal is not None
    students = {s.participant.nickname: s for s in cal.students}
    assert students["Kim"].brier == pytest.approx(0.5)
    assert students["Kim"].verdict == calibration.Verdict.OVERCONFIDENT
    assert students["Kim"].gap == pytest.approx(0.5)
    assert students["Lee"].brier == pytest.approx(0.1875)
    assert students["Lee"].verdict == calibration.Verdict.CALIBRATED
    assert students["Park"].brier == pytest.approx(0.25)
    assert students["Park"].verdict == calibration.Verdict.NOT_ENOUGH_DATA
    # The class: 10 answers, squared errors 2 + 0.75 + 0.5 = 3.25; confidence 0.8 against 60 % right.
    assert cal.answers == 10
    assert cal.brier == pytest.approx(0.325)
    assert cal.mean_confidence == pytest.approx(0.8)
    assert cal.accuracy == pytest.approx(0.6)
    assert cal.overconfidence == pytest.approx(0.2)
    assert cal.verdict == calibration.Verdict.OVERCONFIDENT
    assert [b.count for b in cal.bins] == [2, 4, 4]
    assert [b.accuracy for b in cal.bins] == [pytest.approx(0.5), pytest.approx(0.75), pytest.approx(0.5)]


def test_calibration_from_plain_rows_needs_no_database():
    questions = [QuestionRow(id=i, number=i, kind="true_false", prompt=f"Q{i}", options=("a", "b"),
                             correct_options=frozenset({0})) for i in range(1, 5)]  # fmt: skip
    answers = [AnswerRow(participant_id=1, question_id=i, choices=(0,), correct=i <= 2, confidence=1.0,
                         response_ms=1000 * i) for i in range(1, 5)]  # fmt: skip
    report = report_build(
        session=SessionInfo(id=1, quiz_title="t", room_code="R", mode_label="m"),
        questions=questions,
        participants=[ParticipantRow(id=1, nickname="Kim"), ParticipantRow(id=2, nickname="Lee")],
        answers=answers,
    )
    assert report.calibration.brier == pytest.approx(0.5)
    assert report.calibration.verdict == calibration.Verdict.OVERCONFIDENT
    lee = report.calibration.students[1]
    assert (lee.answers, lee.brier, lee.verdict) == (0, None, calibration.Verdict.NOT_ENOUGH_DATA)
    assert report.summary.mean_seconds == pytest.approx(2.5)


def test_calibration_section_with_chart_and_verdicts(teacher, teacher_client):
    session = play(
        teacher,
        questions=[true_false(f"Q{i}") for i in range(4)],
        answers=CALIBRATION_ANSWERS,
        ask_confidence=True,
    )
    html = teacher_client.get(report_url(session), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="calibration"' in html
    assert 'data-testid="class-brier">0.325<' in html
    assert "Over-confident" in html
    assert "Calibrated" in html
    assert "Not enough data" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert 'aria-labelledby="calibration-title calibration-desc"' in html
    assert '<title id="calibration-title">' in html


def test_no_calibration_section_without_confidence(teacher, teacher_client):
    session = play(teacher, questions=[true_false("Q")], answers={"Kim": [{"choices": [0]}]})
    assert session_report(session).calibration is None
    html = teacher_client.get(report_url(session), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="calibration"' not in html
    assert "?table=calibration" not in html


# --- questions and summary -------------------------------------------------------------------

QUESTIONS = [
    {
        "kind": "multiple_choice",
        "prompt": "Which is A -> B?",
        "options": [{"text": "empathy"}, {"text": "spam filter", "correct": True}, {"text": "humour"}],
    },
    {"kind": "short_answer", "prompt": "고양이 in English?", "accepted_answers": ["cat"]},
    {"kind": "poll", "prompt": "Did you like it?", "options": [{"text": "yes"}, {"text": "no"}]},
]


def test_per_question_distribution_correct_share_and_mean_time(teacher):
    session = play(
        teacher,
        questions=QUESTIONS,
        answers={
            "Kim": [{"choices": [1], "ms": 2000}, {"text": "Cat", "ms": 4000}, {"choices": [0], "ms": 1000}],
            "Lee": [{"choices": [0], "ms": 4000}, {"text": "cat ", "ms": 6000}, {"choices": [0], "ms": 3000}],
            "Park": [{"choices": [1], "ms": 6000}, {"text": "dog", "ms": 2000}, None],
            "Choi": [None, None, {"choices": [1], "ms": 2000}],
        },
    )
    report = session_report(session)
    mc, short, poll = report.question_stats

    assert [(e.label, e.count, e.correct) for e in mc.first.distribution] == [
        ("empathy", 1, False),
        ("spam filter", 2, True),
        ("humour", 0, False),
    ]
    assert (mc.first.answered, mc.participants, mc.first.correct_count) == (3, 4, 2)
    assert mc.first.percent_correct == pytest.approx(200 / 3)
    assert mc.first.mean_seconds == pytest.approx(4.0)

    assert [(e.label, e.count, e.correct) for e in short.first.distribution] == [("cat", 2, True), ("dog", 1, False)]
    assert short.first.mean_seconds == pytest.approx(4.0)

    assert [(e.label, e.count, e.correct) for e in poll.first.distribution] == [("yes", 2, None), ("no", 1, None)]
    assert poll.first.percent_correct is None, "a poll has no right answer"
    assert poll.first.mean_seconds == pytest.approx(2.0)

    summary = report.summary
    assert (summary.participants, summary.questions, summary.answers) == (4, 3, 9)
    assert (summary.graded, summary.correct_count) == (6, 4)
    assert summary.percent_correct == pytest.approx(400 / 6)
    assert summary.mean_seconds == pytest.approx(30 / 9)
    scores = Participant.objects.filter(session=session).values_list("score", flat=True)
    assert summary.mean_score == pytest.approx(sum(scores) / 4)

    kim = next(row for row in report.grid if row.participant.nickname == "Kim")
    assert [c.display for c in kim.cells] == ["spam filter", "Cat", "yes"]
    assert [c.status for c in kim.cells] == ["ok", "ok", "poll"]
    assert kim.cells[0].seconds == pytest.approx(2.0)
    assert kim.cells[0].points > 0
    choi = next(row for row in report.grid if row.participant.nickname == "Choi")
    assert choi.cells[:2] == [None, None]


def test_removed_students_stay_in_the_grid_but_leave_the_class_numbers(teacher):
    session = play(
        teacher,
        questions=[true_false("Q")],
        answers={"Kim": [{"choices": [0]}], "Troll": [{"choices": [1]}]},
    )
    Participant.objects.filter(nickname="Troll").update(removed=True)
    report = session_report(session)
    assert [row.participant.nickname for row in report.grid] == ["Kim", "Troll"]
    assert report.summary.participants == 1
    assert report.question_stats[0].first.answered == 1
    assert report.summary.percent_correct == pytest.approx(100)


# --- peer instruction --------------------------------------------------------------------------


def test_peer_instruction_shift_first_against_second_vote(teacher, teacher_client):
    session = play(
        teacher,
        questions=[true_false("Can AI read a CT scan?"), true_false("Second")],
        answers={
            "Kim": [{"choices": [0]}, {"choices": [0]}],
            "Lee": [{"choices": [1]}, {"choices": [0]}],
            "Park": [{"choices": [1]}, {"choices": [0]}],
            "Choi": [{"choices": [1]}, {"choices": [0]}],
        },
    )
    first_question = session.quiz.questions.order_by("position").first()
    players = {p.nickname: p for p in session.participants.all()}
    # The re-vote service does not exist yet: second votes are written directly.
    for nickname, choice in {"Kim": 0, "Lee": 0, "Park": 0, "Choi": 1}.items():
        Answer.objects.create(
            session=session,
            participant=players[nickname],
            question=first_question,
            vote=2,
            choices=[choice],
            correct=choice == 0,
            response_ms=3000,
        )
    report = session_report(session)
    stats = report.question_stats[0]
    shift = stats.shift
    assert shift is not None
    assert report.question_stats[1].shift is None
    assert (shift.first.answered, shift.first.percent_correct) == (4, pytest.approx(25))
    assert (shift.second.answered, shift.second.percent_correct) == (4, pytest.approx(75))
    assert shift.change_points == pytest.approx(50)
    assert shift.change_signed == "+50"
    assert (shift.both, shift.changed_answer) == (4, 2)
    assert (shift.wrong_to_right, shift.right_to_wrong, shift.stayed_right, shift.stayed_wrong) == (2, 0, 1, 1)
    assert [e.count for e in shift.second.distribution] == [3, 1]
    # The grid, the score and the class numbers keep the first vote.
    assert report.summary.answers == 8
    assert stats.first.percent_correct == pytest.approx(25)

    html = teacher_client.get(report_url(session), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('data-testid="shift"') == 1
    assert "+50" in html
    assert "2nd vote" in html


# --- the page ----------------------------------------------------------------------------------


def test_report_page_grid_summary_links_and_escaping(teacher, teacher_client):
    questions = [
        {
            "kind": "multiple_choice",
            "prompt": "<img src=x onerror=alert(1)>",
            "options": [{"text": "<b>bold</b>", "correct": True}, {"text": "plain"}],
        }
    ]
    session = play(
        teacher,
        questions=questions,
        answers={"<script>x</script>": [{"choices": [0], "ms": 1500}], "김민수": [{"choices": [1], "ms": 2500}]},
    )
    response = teacher_client.get(report_url(session), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<img src=x" not in html
    assert "김민수" in html
    assert "학생" in html, "the page follows the language (Korean here)"
    assert 'data-testid="report-grid"' in html
    assert "1.5" in html, "times in seconds"
    assert "2.5" in html
    assert reverse("reports:export_csv", args=[session.id]) in html
    assert reverse("reports:export_xlsx", args=[session.id]) in html
    assert 'role="img"' in html
    assert '<title id="q1-title">' in html
    assert "css/reports.css" in html


def test_report_urls():
    assert reverse("reports:session_report", args=[7]) == "/sessions/7/report/"
    assert reverse("reports:export_csv", args=[7]) == "/sessions/7/export.csv"
    assert reverse("reports:export_xlsx", args=[7]) == "/sessions/7/export.xlsx"


def test_report_and_exports_are_for_the_owner_only(client, teacher):
    session = play(teacher, questions=[true_false("Q")], answers={"Kim": [{"choices": [0]}]})
    urls = [
        report_url(session),
        reverse("reports:export_csv", args=[session.id]),
        reverse("reports:export_xlsx", args=[session.id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login" in response["Location"]
    InstructorFactory.create(username="other", password=PASSWORD)
    client.login(username="other", password=PASSWORD)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.login(username="teacher", password=PASSWORD)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("reports:session_report", args=[session.id + 999])).status_code == 404
    assert client.post(urls[0]).status_code == 405


def test_report_page_queries_do_not_grow_with_the_class(teacher, teacher_client, django_assert_max_num_queries):
    answers = {f"Student{n}": [{"choices": [n % 2], "confidence": 0.75}] * 3 for n in range(12)}
    session = play(teacher, questions=[true_false(f"Q{i}") for i in range(3)], answers=answers, ask_confidence=True)
    with django_assert_max_num_queries(10):
        response = teacher_client.get(report_url(session))
    assert response.status_code == 200


def test_a_live_session_has_a_report_too(teacher, teacher_client):
    room = room_create(owner=teacher, code="LIVE01")
    quiz = quiz_create(owner=teacher, title="Live", questions=[true_false("Q")])
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    html = teacher_client.get(report_url(session), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "still live" in html
    assert "Nobody joined this session." in html
    assert teacher_client.get(reverse("reports:export_xlsx", args=[session.id])).status_code == 200
    assert teacher_client.get(reverse("reports:export_csv", args=[session.id])).status_code == 200


# --- charts ------------------------------------------------------------------------------------


def test_bar_chart_is_escaped_well_formed_and_accessible():
    svg = charts.bar_chart_svg(
        chart_id="q1",
        title='Q1 & "quotes"',
        labels=["<script>alert(1)</script>", "불가능", "a very long option text that goes on and on"],
        series=[charts.Series("1st vote", [3, 1, 0]), charts.Series("2nd vote", [1, 3, 0])],
        correct=[False, True, False],
    )
    assert "<script>" not in svg
    root = ElementTree.fromstring(str(svg))  # noqa: S314 - our own SVG; parsing proves it well-formed
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "q1-title q1-desc"
    assert root.find(f"{ns}title").text == 'Q1 & "quotes"'
    desc = root.find(f"{ns}desc").text
    assert "불가능" in desc
    assert "75%" in desc
    assert len(root.findall(f"{ns}rect")) == 2 + 6, "a legend swatch per series and a bar per value"
    assert "✓ 불가능" in "".join(root.itertext())
    assert "…" in "".join(root.itertext()), "long labels are shortened (the full text stays in a <title>)"


def test_calibration_chart_has_the_diagonal_and_a_point_per_filled_bin():
    pairs = [(1.0, True), (1.0, False), (0.75, True), (0.75, True), (0.75, False)]
    svg = charts.calibration_chart_svg(chart_id="cal", title="<Calibration>", bins=calibration.calibration_bins(pairs))
    root = ElementTree.fromstring(str(svg))  # noqa: S314 - our own SVG
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "<Calibration>"
    assert len(root.findall(f"{ns}circle")) == 2, "the empty 50 % bin draws no point"
    assert any(line.get("stroke-dasharray") for line in root.findall(f"{ns}line")), "the diagonal"
    assert "n=3" in "".join(root.itertext())


def test_bar_chart_shares_are_of_students_when_several_options_may_be_chosen():
    svg = charts.bar_chart_svg(
        chart_id="q2", title="Q2", labels=["a", "b"], series=[charts.Series("1st vote", [3, 2])], totals=[3]
    )
    assert "3 (100%)" in svg
    assert "2 (67%)" in svg
