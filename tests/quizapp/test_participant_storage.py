"""The students' table leaves room on its pages (PostgreSQL): a batch's score updates stay on their
pages and touch no index (quizapp/migrations/0022_participant_fillfactor.py)."""

import pytest
from django.db import connection

from quizapp.models import Participant

pytestmark = pytest.mark.django_db


def test_the_students_table_keeps_30_percent_of_each_page_free_for_their_updates():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Participant._meta.db_table])
        (options,) = cursor.fetchone()
    assert "fillfactor=70" in options
