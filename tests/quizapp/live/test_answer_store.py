"""The batch store's own INSERT (quizapp.live.answers._answers_insert) writes what the ORM reads back."""

import pytest

from accounts.services import demo_load_all
from quizapp import errors
from quizapp.authoring.services import quiz_create
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_insert_writes_every_column_of_an_answer():
    columns = {f.column for f in Answer._meta.concrete_fields if not f.primary_key}
    assert set(live_answers.INSERTED_COLUMNS) == columns


def _class_of(count: int, *, confidence: bool = False):
    instructor, _ = demo_load_all()
    room = room_create(owner=instructor, code="STORE1")
    quiz = quiz_create(
        owner=instructor,
        title="store",
        ask_confidence=confidence,
        questions=[
            {
                "kind": "multiple_choice",
                "prompt": "Which of these is A -> B?",
                "options": [{"text": "spam filter", "correct": True}, {"text": "a poem", "correct": False}],
                "time_limit_s": 60,
            }
        ],
    )
    session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=instructor)
    students = [
        joining.participant_join(code="STORE1", nickname=f"학생{i}", address=f"10.0.0.{i + 1}").participant
        for i in range(count)
    ]
    live.session_next(session_id=session.id, user=instructor)
    question = quiz.questions.get()
    return students, question


def test_a_batch_is_stored_as_the_orm_reads_it_back_with_ids_in_order():
    students, question = _class_of(4, confidence=True)
    requests = [
        live_answers.AnswerRequest(students[0].id, question.id, choices=[0], confidence=0.9),
        live_answers.AnswerRequest(students[1].id, question.id, choices=[1]),
        live_answers.AnswerRequest(students[0].id, question.id, choices=[1]),  # a second answer: refused
        live_answers.AnswerRequest(students[2].id, question.id, choices=[5]),  # no such choice: refused
        live_answers.AnswerRequest(students[3].id, question.id, choices=0, confidence=0.5),
    ]
    outcomes = live_answers.answers_submit(requests)

    assert isinstance(outcomes[2], errors.AlreadyAnswered)
    assert isinstance(outcomes[3], errors.InvalidAnswer)
    receipts = [outcomes[0], outcomes[1], outcomes[4]]
    stored = {a.id: a for a in Answer.objects.filter(question=question)}
    assert len(stored) == 3
    for receipt, student in zip(receipts, [students[0], students[1], students[3]], strict=True):
        row = stored[receipt.answer.id]
        assert row.participant_id == student.id
        for field in ("session_id", "question_id", "vote", "choices", "ratings", "text", "correct"):
            assert getattr(row, field) == getattr(receipt.answer, field), field
        for field in ("response_ms", "points", "streak_bonus", "confidence"):
            assert getattr(row, field) == getattr(receipt.answer, field), field
        assert row.answered_at == receipt.answer.answered_at
    assert stored[outcomes[0].answer.id].choices == [0]
    assert stored[outcomes[0].answer.id].correct is True
    assert stored[outcomes[0].answer.id].confidence == 0.9
    assert stored[outcomes[0].answer.id].points > 0
    assert stored[outcomes[1].answer.id].correct is False
    assert stored[outcomes[4].answer.id].choices == [0]
    # Scores moved with the answers; the one refused twice kept its first answer's points only.
    students[0].refresh_from_db()
    assert students[0].score == stored[outcomes[0].answer.id].points + stored[outcomes[0].answer.id].streak_bonus


def test_a_batch_larger_than_one_statement_takes_is_stored_whole():
    students, question = _class_of(1)
    # More rows than one statement's parameters hold on SQLite (999): the insert splits them.
    more = [
        joining.participant_join(code="STORE1", nickname=f"s{i}", address=f"10.1.{i // 250}.{i % 250 + 1}").participant
        for i in range(120)
    ]
    everyone = [*students, *more]
    outcomes = live_answers.answers_submit(
        [live_answers.AnswerRequest(s.id, question.id, choices=[i % 2]) for i, s in enumerate(everyone)]
    )
    ids = [o.answer.id for o in outcomes]
    assert len(set(ids)) == len(everyone)
    rows = dict(Answer.objects.filter(question=question).values_list("id", "participant_id"))
    assert [rows[i] for i in ids] == [s.id for s in everyone]


def test_a_batch_with_a_student_who_answered_earlier_stores_the_rest_and_refuses_that_one():
    """The batch is first stored without looking up earlier answers: the unique constraint refuses
    the whole insert, and the batch is stored again with the lookup; nothing is lost or scored twice."""
    students, question = _class_of(3)
    first = live_answers.answers_submit([live_answers.AnswerRequest(students[0].id, question.id, choices=[0])])
    assert not isinstance(first[0], errors.QuizError)
    students[0].refresh_from_db()
    score_after_first = students[0].score

    outcomes = live_answers.answers_submit(
        [
            live_answers.AnswerRequest(students[1].id, question.id, choices=[0]),
            live_answers.AnswerRequest(students[0].id, question.id, choices=[0]),  # answered in an earlier batch
            live_answers.AnswerRequest(students[2].id, question.id, choices=[1]),
        ]
    )

    assert isinstance(outcomes[1], errors.AlreadyAnswered)
    assert not isinstance(outcomes[0], errors.QuizError)
    assert not isinstance(outcomes[2], errors.QuizError)
    rows = dict(Answer.objects.filter(question=question).values_list("participant_id", "id"))
    assert rows == {
        students[0].id: first[0].answer.id,
        students[1].id: outcomes[0].answer.id,
        students[2].id: outcomes[2].answer.id,
    }
    for student in students:
        student.refresh_from_db()
    assert students[0].score == score_after_first
    assert students[1].score == outcomes[0].answer.points + outcomes[0].answer.streak_bonus > 0
    assert students[2].score == 0


HOSTILE_TEXTS = ['He said "A -> B"\\n', "back\\slash \\u0041", "줄\n바꿈\t탭 🙂", "'); DROP TABLE x; --", "  spaced  "]


def test_typed_answers_are_stored_as_typed_and_a_nul_is_refused_alone():
    instructor, _ = demo_load_all()
    room_create(owner=instructor, code="STORE2")
    quiz = quiz_create(
        owner=instructor, title="typed", questions=[{"kind": "open", "prompt": "What is A -> B?", "time_limit_s": 60}]
    )
    session = live.session_start(
        room=room_create(owner=instructor, code="STORE3"), quiz=quiz, mode="instructor_paced", user=instructor
    )
    students = [
        joining.participant_join(code="STORE3", nickname=f"학생{i}", address=f"10.0.2.{i + 1}").participant
        for i in range(len(HOSTILE_TEXTS) + 2)
    ]
    live.session_next(session_id=session.id, user=instructor)
    question = quiz.questions.get()
    texts = [*HOSTILE_TEXTS, "nul\x00inside", "lone \ud800 surrogate"]
    outcomes = live_answers.answers_submit(
        [live_answers.AnswerRequest(s.id, question.id, text=t) for s, t in zip(students, texts, strict=True)]
    )

    # PostgreSQL stores no NUL, and a lone surrogate is no character: each refused alone, the batch stored.
    assert [type(o) for o in outcomes[-2:]] == [errors.InvalidAnswer, errors.InvalidAnswer]
    stored = dict(Answer.objects.filter(question=question).values_list("participant_id", "text"))
    assert stored == {s.id: t.strip() for s, t in zip(students, HOSTILE_TEXTS, strict=False)}
