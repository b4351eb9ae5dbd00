"""The reveal's personal parts on PostgreSQL: joined by hash for their statement only, in a class
of 10,000 whose statistics predate the question's answers (selectors.reveal_personal_parts)."""

import pytest
from django.db import connection, transaction

from quizapp import selectors
from tests.quizapp.live.test_standings import SCORES, _answer, _class_with_scores

pytestmark = pytest.mark.django_db


def test_the_hash_join_setting_ends_with_the_statement_inside_the_callers_transaction():
    assert connection.vendor == "postgresql"
    session, students = _class_with_scores(SCORES)
    question = session.quiz.questions.get()
    _answer(session, students[0], question, correct=True, points=500)
    with transaction.atomic(), connection.cursor() as cursor:
        parts = selectors.reveal_personal_parts(session, question.id, vote=1)
        cursor.execute("SHOW enable_nestloop")
        assert cursor.fetchone() == ("on",)
    assert len(parts) == len(SCORES)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_nestloop")
        assert cursor.fetchone() == ("on",)
