"""Answer batches stored side by side (QUIZ_ANSWER_STORE_THREADS on PostgreSQL): the same
student's answer in two batches at once is stored once and scored once."""

import threading

import pytest
from django.db import connection

from quizapp import errors
from quizapp.live import answers as live_answers
from quizapp.models import Answer
from tests.quizapp.live.test_answer_store import _class_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_answer_in_two_concurrent_batches_is_stored_and_scored_once():
    students, question = _class_of(6)
    twice = students[0]
    batches = [
        [live_answers.AnswerRequest(s.id, question.id, choices=[0]) for s in (twice, students[1], students[2])],
        [live_answers.AnswerRequest(s.id, question.id, choices=[0]) for s in (students[3], twice, students[4])],
    ]
    start = threading.Barrier(len(batches))
    outcomes: list[list] = [[], []]

    def store(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = live_answers.answers_submit(batches[index])
        finally:
            connection.close()

    threads = [threading.Thread(target=store, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    for_twice = [outcomes[0][0], outcomes[1][1]]
    assert sum(isinstance(o, live_answers.AnswerReceipt) for o in for_twice) == 1
    assert sum(isinstance(o, errors.AlreadyAnswered) for o in for_twice) == 1
    others = [outcomes[0][1], outcomes[0][2], outcomes[1][0], outcomes[1][2]]
    assert all(isinstance(o, live_answers.AnswerReceipt) for o in others)
    stored = Answer.objects.filter(question=question)
    assert stored.count() == 5
    twice.refresh_from_db()
    answer = stored.get(participant=twice)
    assert twice.score == answer.points + answer.streak_bonus
