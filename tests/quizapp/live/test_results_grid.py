"""The results grid (the console's state, the results page and API), read as rows: every student in
join order, removed ones marked, each cell what the stored answer says."""

import pytest

from quizapp import messages, selectors
from quizapp.live import state
from quizapp.models import Answer, Participant
from tests.factories import InstructorFactory
from tests.quizapp.reporting.test_reports import PASSWORD, play, true_false
from tests.quizapp.reporting.test_scale_report import SCALE

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_grid_read_as_rows_is_the_grid_of_the_stored_answers():
    teacher = InstructorFactory.create(username="teacher", password=PASSWORD)
    session = play(
        teacher,
        questions=[true_false("AI가 일을 바꿀까?"), SCALE],
        answers={
            "Kim": [{"choices": [0], "ms": 1200}, {"ratings": [10, 2]}],
            "Lee": [{"choices": [1]}, {"ratings": [6, 4]}],
            "Park": [{"choices": [0]}, None],
            "Choi": [None, {"ratings": [0, 0]}],
        },
    )
    Participant.objects.filter(session=session, nickname="Lee").update(removed=True)

    grid = selectors.results_grid(session)

    questions = selectors.session_scored_questions(session)
    assert grid["questions"] == [
        {"id": q.id, "prompt": q.prompt, "kind": q.kind, "options": q.options} for q in questions
    ]
    for row in grid["rows"]:
        student = Participant.objects.get(id=row["participant"]["id"])
        assert row["participant"] == messages.participant_public(student)
        for question, cell in zip(questions, row["cells"], strict=True):
            answer = Answer.objects.filter(participant=student, question=question, vote=1).first()
            if answer is None:
                assert cell is None
                continue
            assert {k: v for k, v in cell.items() if k != "display"} == selectors.answer_cell(answer)
    tf_options = [o["text"] for o in questions[0].options]
    assert [row["cells"][0] and row["cells"][0]["display"] for row in grid["rows"]] == [
        tf_options[0],
        tf_options[1],
        tf_options[0],
        None,
    ]
    assert [row["participant"]["nickname"] for row in grid["rows"]] == ["Kim", "Lee", "Park", "Choi"]
    assert [row["removed"] for row in grid["rows"]] == [False, True, False, False]
    assert grid["rows"][0]["cells"][1]["ratings"] == [10, 2]
    assert grid["rows"][0]["cells"][0]["ms"] == 1200
    host = state.host_state(session)
    assert host["grid"] == grid
    assert [p["nickname"] for p in host["participants"]] == ["Kim", "Park", "Choi"]  # the removed student left out
