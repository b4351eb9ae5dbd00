"""The class's standings (quizapp.selectors.standings), the board's top rows read from a prefix, and the
reveal's personal parts the database writes (quizapp.selectors.reveal_personal_parts)."""

import json

import pytest

from accounts.services import demo_load_all
from quizapp import groups, messages, selectors
from quizapp.authoring.services import quiz_create
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Participant
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


def _answer(session, student, question, *, vote=1, correct, points=0, bonus=0):
    Answer.objects.create(
        session=session,
        participant=student,
        question=question,
        vote=vote,
        correct=correct,
        points=points,
        streak_bonus=bonus,
        response_ms=1000,
    )


def test_the_reveals_personal_parts_are_the_rules_ranks_and_each_answer_as_dumps_writes_them():
    session, students = _class_with_scores(SCORES)
    question = session.quiz.questions.get()
    _answer(session, students[0], question, correct=True, points=950, bonus=100)
    _answer(session, students[1], question, correct=False)
    _answer(session, students[2], question, correct=None)  # a poll's answer: neither right nor wrong
    _answer(session, students[3], question, vote=2, correct=True, points=0)  # the re-vote only
    _answer(session, students[5], question, correct=True, points=700)  # removed below: no part
    Participant.objects.filter(id=students[5].id).update(removed=True)
    present = {s.id: score for s, score in zip(students, SCORES, strict=True) if s.id != students[5].id}
    ranks = scoring.competition_ranks(present)
    given = {students[0].id: (True, 1050), students[1].id: (False, 0), students[2].id: (None, 0)}

    parts = selectors.reveal_personal_parts(session, question.id, vote=1)

    assert set(parts) == {groups.member_key(pid) for pid in present}
    for pid, score in present.items():
        correct, points = given.get(pid, (None, 0))
        expected = {
            "answered": pid in given,
            "correct": correct,
            "points": points,
            "score": score,
            "rank": ranks[pid],
            "streak": score // 100,
        }
        text = parts[groups.member_key(pid)]
        assert text == messages.dumps(expected)  # byte for byte what the protocol's encoder writes
        assert json.loads(text) == expected

    revote = selectors.reveal_personal_parts(session, question.id, vote=2)
    answered_again = {pid for pid, text in revote.items() if json.loads(text)["answered"]}
    assert answered_again == {groups.member_key(students[3].id)}


def test_a_class_with_nobody_left_has_no_personal_parts():
    session, students = _class_with_scores([100])
    Participant.objects.filter(id=students[0].id).update(removed=True)
    assert selectors.reveal_personal_parts(session, session.quiz.questions.get().id, vote=1) == {}
