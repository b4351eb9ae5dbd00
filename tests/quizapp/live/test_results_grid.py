"""The results grid (the console's state, the results page and API) read as rows is the grid the
model instances gave: every student in join order, removed ones marked, each cell as stored."""

import pytest

from quizapp import messages, selectors
from quizapp.live import state
from quizapp.models import Answer, Participant
from quizapp.rules import word_cloud
from tests.factories import InstructorFactory
from tests.quizapp.reporting.test_reports import PASSWORD, play, true_false
from tests.quizapp.reporting.test_scale_report import SCALE

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def _grid_from_instances(session) -> dict:
    """The grid as it was built before it read rows: an oracle for the cells and the rows."""
    questions = selectors.session_scored_questions(session)
    options = {q.id: [o.get("text", "") for o in q.options] for q in questions}
    cells: dict = {}
    for a in Answer.objects.filter(session=session, vote=1):
        cell = selectors.answer_cell(a)
        texts = options.get(a.question_id, [])
        cell["display"] = a.text.replace(word_cloud.SEPARATOR, ", ") or ", ".join(
            texts[i] for i in a.choices if 0 <= i < len(texts)
        )
        cells.setdefault(a.participant_id, {})[a.question_id] = cell
    return {
        "questions": [{"id": q.id, "prompt": q.prompt, "kind": q.kind, "options": q.options} for q in questions],
        "rows": [
            {
                "participant": messages.participant_public(p),
                "removed": p.removed,
                "cells": [cells.get(p.id, {}).get(q.id) for q in questions],
            }
            for p in session.participants.order_by("joined_at", "id")
        ],
    }


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

    assert grid == _grid_from_instances(session)
    assert [row["participant"]["nickname"] for row in grid["rows"]] == ["Kim", "Lee", "Park", "Choi"]
    assert [row["removed"] for row in grid["rows"]] == [False, True, False, False]
    assert grid["rows"][0]["cells"][1]["ratings"] == [10, 2]
    assert grid["rows"][0]["cells"][0]["ms"] == 1200
    host = state.host_state(session)
    assert host["grid"] == grid
    assert [p["nickname"] for p in host["participants"]] == ["Kim", "Park", "Choi"]  # the removed student left out
