"""core.prepared: a read compiled once returns what the ORM returns, on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from core.prepared import PreparedInsert, PreparedQuery, loaded_instance
from quizapp import selectors
from quizapp.authoring.services import quiz_create
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Participant, QuizSession, Room
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def session():
    teacher = InstructorFactory()
    room = room_create(owner=teacher, code="MODULABS")
    quiz = quiz_create(
        owner=teacher,
        title="가능할까?",
        questions=[{"kind": "true_false", "prompt": "Q", "options": [{"text": "a", "correct": True}, {"text": "b"}]}],
    )
    return live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=teacher)


PARTICIPANTS = PreparedQuery(
    lambda session_id, key: (
        Participant.objects.filter(session_id=session_id, removed=False, nickname_key__gt=key)
        .order_by("id")
        .values_list("id", "nickname", "removed", "joined_at", "team")
    ),
    int,
    str,
)


def test_rows_are_the_orms_rows_with_its_types(session):
    for i, name in enumerate(["Kim", "Lee", "Park"]):
        Participant.objects.create(session=session, nickname=name, nickname_key=name.lower(), team=i or None)
    Participant.objects.filter(nickname="Lee").update(removed=True)
    orm = list(
        Participant.objects.filter(session_id=session.id, removed=False, nickname_key__gt="a")
        .order_by("id")
        .values_list("id", "nickname", "removed", "joined_at", "team")
    )
    rows = PARTICIPANTS.rows(session.id, "a")
    assert rows == orm
    assert len(rows) == 2
    assert rows[0][2] is False  # SQLite's 0 comes back a bool, as the ORM converts it
    assert isinstance(rows[0][3], datetime.datetime)
    assert rows[0][3].tzinfo is not None
    assert PARTICIPANTS.count(session.id, "a") == 2
    assert PARTICIPANTS.first(session.id, "kim") == orm[1]
    assert PARTICIPANTS.first(session.id + 1, "a") is None


def test_a_call_compiles_nothing(session):
    PARTICIPANTS.rows(session.id, "a")  # compiled once here
    with CaptureQueriesContext(connection) as queries:
        PARTICIPANTS.rows(session.id, "b'); DROP TABLE quizapp_participant; --")
    assert len(queries) == 1
    assert "DROP" not in queries[0]["sql"].split("WHERE")[0]
    assert Participant.objects.count() == 0  # the value went as a parameter


def test_what_the_trick_would_change_is_refused():
    with pytest.raises(TypeError):  # not values_list
        PreparedQuery(lambda key: Room.objects.filter(code_key=key), str).compile()
    with pytest.raises(TypeError):  # annotations
        PreparedQuery(
            lambda key: Room.objects.filter(code_key=key).annotate(n=Count("sessions")).values_list("n"), str
        ).compile()
    with pytest.raises(
        ValueError, match="once, unchanged"
    ):  # the ORM wraps a contains value in %...%: not the caller's value any more
        PreparedQuery(lambda key: Room.objects.filter(code__contains=key).values_list("id"), str).compile()
    with pytest.raises(ValueError, match="once, unchanged"):  # a value that never reaches the SQL
        PreparedQuery(lambda key, unused: Room.objects.filter(code_key=key).values_list("id"), str, int).compile()
    with pytest.raises(TypeError):
        PreparedQuery(lambda when: Room.objects.filter(created_at=when).values_list("id"), datetime.datetime).compile()
    with pytest.raises(TypeError):
        PARTICIPANTS.rows(1)


def test_loaded_instance_defers_what_it_was_not_given(session):
    loaded = loaded_instance(QuizSession, ["team_count", "id", "locked"], [0, session.id, False])
    assert (loaded.id, loaded.locked, loaded.team_count) == (session.id, False, 0)
    assert {"mode", "state", "quiz_id", "room_id"} <= loaded.get_deferred_fields()
    assert loaded.state == session.state  # read on first use, not a default


def test_the_joins_reads_match_the_orm(session):
    found = selectors.live_session_for_code("m0dulabs")  # a look-alike reaches the room
    assert found == session
    assert found.room == session.room
    assert found.quiz == session.quiz
    with CaptureQueriesContext(connection) as queries:
        assert (found.mode, found.state, found.locked, found.team_count) == ("instructor_paced", "lobby", False, 0)
        assert (found.quiz.title, found.quiz.language, found.room.code, found.room.max_participants) == (
            "가능할까?",
            session.quiz.language,
            "MODULABS",
            session.room.max_participants,
        )
    assert len(queries) == 0
    assert selectors.live_session_for_code("NOSUCH") is None
    live.session_end(session_id=session.id, user=session.room.owner)
    assert selectors.live_session_for_code("MODULABS") is None


def test_present_and_banned_match_the_orm(session):
    kim = joining.participant_join(code="MODULABS", nickname="Kim", address="10.0.0.1", device_id="d-kim").participant
    joining.participant_join(code="MODULABS", nickname="Lee", address="10.0.0.1")
    assert selectors.participants_present(session.id) == 2
    Participant.objects.filter(id=kim.id).update(removed=True, banned=True)
    assert selectors.participants_present(session.id) == 1
    for key, device in [("kim", ""), ("kim", "other"), ("someone", "d-kim"), ("lee", ""), ("lee", "d-lee"), ("x", "")]:
        same = Q(nickname_key=key) | Q(device_id=device) if device else Q(nickname_key=key)
        expected = Participant.objects.filter(same, session=session, banned=True).exists()
        assert selectors.participant_banned(session_id=session.id, nickname_key=key, device_id=device) is expected


def test_a_participant_with_their_session_reads_as_the_orm_reads_them(session):
    session.hidden_words = {"7": ["cat"]}
    session.save()
    kim = joining.participant_join(code="MODULABS", nickname="Kim", address="10.0.0.1", more_time=True).participant
    orm = Participant.objects.select_related("session__quiz", "session__room").get(id=kim.id)
    with CaptureQueriesContext(connection) as queries:
        found = selectors.participant_with_session(kim.id)
        for a, b in [(found, orm), (found.session, orm.session), (found.session.quiz, orm.session.quiz)]:
            assert {f.attname: getattr(a, f.attname) for f in type(a)._meta.concrete_fields} == {
                f.attname: getattr(b, f.attname) for f in type(b)._meta.concrete_fields
            }
        assert found.session.room.code == "MODULABS"
        assert found.session.hidden_words == {"7": ["cat"]}
    assert len(queries) == 1
    assert not found.get_deferred_fields()
    assert selectors.participant_with_session(kim.id + 1000) is None


def test_an_integer_column_the_backend_wraps_takes_the_callers_value(session):
    """PostgreSQL's backend wraps an integer column's value (psycopg's Int4): so is the caller's."""
    live.session_next(session_id=session.id, user=session.room.owner)  # past the lobby: ranks are counted
    for name, score in [("A", 10), ("B", 30), ("C", 30), ("D", 50)]:
        Participant.objects.create(session=session, nickname=name, nickname_key=name.lower(), score=score)
    ranks = {p.nickname: selectors.participant_rank(p) for p in Participant.objects.filter(session=session)}
    assert ranks == {"D": 1, "B": 2, "C": 2, "A": 4}


def test_a_prepared_insert_stores_what_save_stores(session):
    saved = Participant(session=session, nickname="Kim", nickname_key="kim", device_id="d1", team=2, time_factor=10)
    saved.save()
    inserted = Participant(session=session, nickname="Lee", nickname_key="lee", device_id="d2", team=2, time_factor=10)
    PreparedInsert(Participant).insert(inserted)
    assert inserted.pk is not None
    assert not inserted._state.adding
    assert inserted.joined_at is not None  # auto_now_add, as save() sets it
    stored = {p.nickname: p for p in Participant.objects.filter(session=session)}
    skip = {"id", "nickname", "nickname_key", "device_id", "joined_at"}
    for field in Participant._meta.concrete_fields:
        if field.attname not in skip:
            assert getattr(stored["Lee"], field.attname) == getattr(stored["Kim"], field.attname), field.attname
    assert stored["Lee"].id == inserted.pk
    assert stored["Lee"].joined_at == inserted.joined_at
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique nickname, as save() raises it
        PreparedInsert(Participant).insert(Participant(session=session, nickname="LEE", nickname_key="lee"))


def test_in_the_lobby_everyone_is_first_without_a_count(session):
    kim = joining.participant_join(code="MODULABS", nickname="Kim", address="10.0.0.1").participant
    with CaptureQueriesContext(connection) as queries:
        assert selectors.participant_rank(selectors.participant_with_session(kim.id)) == 1
    assert len(queries) == 1  # the participant's read; no count
    live.session_next(session_id=session.id, user=session.room.owner)
    Participant.objects.create(session=session, nickname="Lee", nickname_key="lee", score=900)
    assert selectors.participant_rank(selectors.participant_with_session(kim.id)) == 2
