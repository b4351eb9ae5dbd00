"""The reveal's personal parts, written without json.dumps, are the text json.dumps writes."""

import itertools
import json

import pytest

from quizapp import messages

pytestmark = pytest.mark.embedded


@pytest.mark.parametrize(
    ("answered", "correct", "points"),
    [(True, True, 1250), (True, False, 0), (True, None, 0), (False, None, 0)],
)
def test_personal_result_is_what_dumps_writes(answered, correct, points):
    for score, rank, streak in itertools.product((0, 7, 123_456), (1, 9_999), (0, 3)):
        fields = {
            "answered": answered,
            "correct": correct,
            "points": points,
            "score": score,
            "rank": rank,
            "streak": streak,
        }
        text = messages.personal_result(**fields)
        assert text == messages.dumps(fields)
        assert json.loads(text) == fields
