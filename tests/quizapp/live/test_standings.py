"""The class's standings (quizapp.selectors.standings) and the board's top rows read from a prefix."""

import pytest

from accounts.services import demo_load_all
from quizapp import selectors
from quizapp.authoring.services import quiz_create
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Participant
from quizapp.rules import scoring
from tests.quizapp.api_support import TF

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

SCORES = [300, 500, 300, 0, 500, 200, 300]


def _class_with_scores(scores: list[int]):
    instructor, _ = demo_load_all()
    room = room_create(owner=instructor, code="RANKS1")
    quiz = quiz_create(
        owner=instructor,
        title="ranks",
        questions=[TF],
    )
    session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=instructor)
    students = [
        joining.participant_join(code="RANKS1", nickname=f"학생{i}", address=f"10.0.1.{i + 1}").participant
        for i in range(len(scores))
    ]
    for student, score in zip(students, scores, strict=True):
        Participant.objects.filter(id=student.id).update(score=score, streak=score // 100)
    return session, students


def test_standings_rank_everyone_present_as_the_scoring_rule_does_best_first_ties_by_id():
    session, students = _class_with_scores(SCORES)
    Participant.objects.filter(id=students[5].id).update(removed=True)  # a removed student has no place
    present = {s.id: score for s, score in zip(students, SCORES, strict=True) if s.id != students[5].id}

    ranked = selectors.standings(session)

    expected_ranks = scoring.competition_ranks(present)
    assert [s.id for s in ranked] == sorted(present, key=lambda pid: (expected_ranks[pid], pid))
    assert {s.id: s.rank for s in ranked} == expected_ranks
    assert [s.rank for s in ranked] == [1, 1, 3, 3, 3, 6]
    assert all(s.score == present[s.id] and s.streak == present[s.id] // 100 for s in ranked)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7])
def test_the_boards_top_rows_read_alone_have_the_ranks_of_the_whole_class(count):
    session, _students = _class_with_scores(SCORES)
    whole = selectors.standings(session)

    assert selectors.standings(session, limit=count) == whole[:count]
    top = selectors.leaderboard_top(session, count=count)
    assert top == selectors.leaderboard_top(session, whole, count=count)
    names = dict(Participant.objects.values_list("id", "nickname"))
    assert top == [
        {"id": s.id, "nickname": names[s.id], "score": s.score, "streak": s.streak, "rank": s.rank}
        for s in whole[:count]
    ]
