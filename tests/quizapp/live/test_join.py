"""POST /api/rooms/<code>/join/: students join without an account; every refusal has its code
and HTTP status; a hostile nickname is kept as typed and escaped where pages show it."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quizapp.authoring.services import quiz_create
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.apis import JoinOutputSerializer
from quizapp.live.rooms import room_create
from quizapp.models import Participant, QuizSession

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

QUESTIONS = [
    {
        "kind": "true_false",
        "prompt": "Pedestrian detection?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
    }
]
#: 20 characters, the longest nickname; ``<script>alert(1)</script>`` itself is refused as too long.
HOSTILE = "<script>x()</script>"


@pytest.fixture
def room(teacher):
    return room_create(owner=teacher, code="MODULABS")


@pytest.fixture
def session(teacher, room) -> QuizSession:
    quiz = quiz_create(owner=teacher, title="Lecture quiz", questions=QUESTIONS)
    return live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


@pytest.fixture
def student() -> Client:
    """A phone with no account; CSRF is enforced as in a real browser."""
    return Client(enforce_csrf_checks=True)


def join(client: Client, code: str = "MODULABS", address: str = "10.0.0.1", headers: dict | None = None, **body):
    body.setdefault("nickname", "Mina")
    return client.post(
        f"/api/rooms/{code}/join/",
        body,
        content_type="application/json",
        REMOTE_ADDR=address,
        **_lang(),
        **(headers or {}),
    )


def _lang(language: str = "en") -> dict:
    return {"HTTP_ACCEPT_LANGUAGE": language}


def test_join_returns_a_token_the_socket_accepts(student, session):
    response = join(student, code="m0du1abs", nickname="  Mina  ", device_id="device-1")
    assert response.status_code == 201, response.content
    body = response.json()
    participant = Participant.objects.get(session=session)
    assert body["participant"] == {"id": participant.id, "nickname": "Mina"}
    assert body["session"] == {
        "id": session.id,
        "mode": "instructor_paced",
        "state": "lobby",
        "locked": False,
        "quiz": "Lecture quiz",
        "ask_confidence": False,
        "room": "MODULABS",
        "team_count": 0,
    }
    assert JoinOutputSerializer(body).data == body  # the documented shape, nothing more
    assert participant.device_id == "device-1"
    assert joining.participant_from_token(body["token"]) == participant


def test_a_signed_in_instructor_can_join_too_without_csrf_trouble(client, teacher, session):
    client.force_login(teacher)
    assert join(client, nickname="Teacher test").status_code == 201


@pytest.mark.parametrize(
    ("setup", "nickname", "status", "code"),
    [
        ("no_room", "Mina", 404, "room_not_found"),
        ("no_session", "Mina", 404, "no_live_session"),
        ("banned", "Kim", 403, "banned"),
        ("locked", "Mina", 403, "room_locked"),
        ("full", "Mina", 403, "room_full"),
        ("taken", "KIM", 409, "nickname_taken"),
        ("none", "   ", 422, "nickname_invalid"),
        ("none", "x" * 21, 422, "nickname_invalid"),
        ("none", "\u200b\u200b", 422, "nickname_invalid"),
    ],
)
def test_each_refusal_has_its_code_and_status(student, teacher, room, setup, nickname, status, code):
    if setup != "no_session":
        session = live.session_start(
            room=room,
            quiz=quiz_create(owner=teacher, title="Q", questions=QUESTIONS),
            mode=QuizSession.Mode.INSTRUCTOR_PACED,
            user=teacher,
        )
    if setup in ("banned", "taken", "full"):
        kim = join(student, nickname="Kim", address="10.0.0.9").json()["participant"]
        if setup == "banned":
            live.participant_remove(session_id=session.id, user=teacher, participant_id=kim["id"], ban=True)
        if setup == "full":
            room.max_participants = 1
            room.save()
    if setup == "locked":
        live.session_set_locked(session_id=session.id, user=teacher, locked=True)
    response = join(student, code="NOSUCH" if setup == "no_room" else "MODULABS", nickname=nickname)
    assert response.status_code == status
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_a_join_asks_about_bans_only_once_someone_was_banned(student, teacher, session):
    """One statement fewer per join for a class nobody was banned from; the first ban turns it on."""

    def ban_reads(**body) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert join(student, **body).status_code == 201
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and '"banned"' in q["sql"]]

    assert ban_reads(nickname="Mina", device_id="phone-1") == []
    kim = join(student, nickname="Kim").json()["participant"]
    live.participant_remove(session_id=session.id, user=teacher, participant_id=kim["id"], ban=True)
    session.refresh_from_db()
    assert session.has_bans
    assert len(ban_reads(nickname="Jun", device_id="phone-2")) == 1


def test_sessions_that_banned_before_the_flag_keep_their_bans(student, teacher, session):
    migration = importlib.import_module("quizapp.migrations.0021_session_has_bans")
    kim = join(student, nickname="Kim", device_id="phone-7").json()["participant"]
    Participant.objects.filter(id=kim["id"]).update(banned=True, removed=True)  # as a ban before 0021
    other = live.session_start(
        room=room_create(owner=teacher, code="OTHERROOM"),
        quiz=quiz_create(owner=teacher, title="Q", questions=QUESTIONS),
        mode=QuizSession.Mode.INSTRUCTOR_PACED,
        user=teacher,
    )
    migration.mark_sessions_with_bans(django_apps, None)
    assert QuizSession.objects.get(id=session.id).has_bans
    assert not QuizSession.objects.get(id=other.id).has_bans
    response = join(student, nickname="Someone else", device_id="phone-7")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "banned")


def test_a_banned_device_cannot_come_back_with_another_nickname(student, teacher, session):
    kim = join(student, nickname="Kim", device_id="phone-7").json()["participant"]
    live.participant_remove(session_id=session.id, user=teacher, participant_id=kim["id"], ban=True)
    response = join(student, nickname="Someone else", device_id="phone-7")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "banned")


def test_messages_follow_the_language(student, room):
    english = join(student, code="NOSUCH")
    assert english.json()["error"]["message"] == "No room has that code. Check the code on the screen."
    korean = student.post(
        "/api/rooms/NOSUCH/join/", {"nickname": "Mina"}, content_type="application/json", **_lang("ko")
    )
    assert korean.json()["error"]["message"] == "그 코드의 방이 없습니다. 화면의 코드를 확인하세요."
    too_long = join(student, nickname="x" * 30)
    assert too_long.json()["error"]["message"] == "A nickname has at most 20 characters."


def test_joins_are_rate_limited_per_address(student, session, settings):
    settings.QUIZ_JOIN_RATE_PER_ADDRESS = "3/m"
    for n in range(3):
        assert join(student, nickname=f"p{n}", address="10.0.0.5").status_code == 201
    limited = join(student, nickname="p3", address="10.0.0.5")
    assert limited.status_code == 429
    assert limited.json()["error"] == {
        "code": "rate_limited",
        "message": "Too many attempts. Wait a minute and try again.",
    }
    # Another address (REMOTE_ADDR, not a header the client sets) is not affected.
    assert join(student, nickname="p4", address="10.0.0.6").status_code == 201
    spoofed = join(student, nickname="p5", address="10.0.0.5", headers={"HTTP_X_FORWARDED_FOR": "10.0.0.7"})
    assert spoofed.status_code == 429


def test_joins_are_rate_limited_per_room_look_alike_codes_included(student, session, settings):
    settings.QUIZ_JOIN_RATE_PER_ROOM = "3/m"
    assert join(student, nickname="a", address="10.0.1.1").status_code == 201
    assert join(student, nickname="b", address="10.0.1.2", code="modulabs").status_code == 201
    assert join(student, nickname="c", address="10.0.1.3", code="M0DULABS").status_code == 201
    assert join(student, nickname="d", address="10.0.1.4").status_code == 429


def test_an_address_over_its_limit_does_not_spend_the_rooms(student, session, settings):
    settings.QUIZ_JOIN_RATE_PER_ADDRESS = "2/m"
    settings.QUIZ_JOIN_RATE_PER_ROOM = "4/m"
    statuses = [join(student, nickname=f"n{n}", address="10.0.2.1").status_code for n in range(8)]
    assert statuses == [201, 201] + [429] * 6
    assert join(student, nickname="x", address="10.0.2.2").status_code == 201
    assert join(student, nickname="y", address="10.0.2.3").status_code == 201
    assert join(student, nickname="z", address="10.0.2.4").status_code == 429


def test_guessing_room_codes_is_throttled(student, settings):
    settings.QUIZ_CODE_GUESS_RATE = "2/m"
    assert [join(student, code=f"GUESS{n}").status_code for n in range(3)] == [404, 404, 429]


def test_a_malformed_body_is_a_field_error(student, session):
    response = student.post("/api/rooms/MODULABS/join/", {}, content_type="application/json", **_lang())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "nickname" in response.json()["error"]["fields"]
    assert student.get("/api/rooms/MODULABS/join/").status_code == 405


def test_a_hostile_nickname_is_kept_as_typed_and_escaped_on_pages(student, client, teacher, session):
    too_long = join(student, nickname="<script>alert(1)</script>")
    assert (too_long.status_code, too_long.json()["error"]["code"]) == (422, "nickname_invalid")
    response = join(student, nickname=HOSTILE)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["participant"]["nickname"] == HOSTILE
    assert Participant.objects.get(session=session).nickname == HOSTILE

    client.force_login(teacher)
    results = client.get(f"/api/sessions/{session.id}/results/")
    assert results.json()["rows"][0]["participant"]["nickname"] == HOSTILE
    page = client.get(f"/sessions/{session.id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert HOSTILE not in html


@pytest.mark.parametrize(
    ("nickname", "team_count", "claimed", "limit", "locked"),
    [
        ("Mina", 0, 10, 5000, False),  # a named join far from the limit: side by side, no lock
        ("Mina", 0, 4800, 5000, True),  # within the margin (200): joins queue, the count is exact
        ("Mina", 0, 0, 100, True),  # a room smaller than the margin always counts under the lock
        (None, 0, 10, 5000, True),  # a friendly nickname is chosen from the others': locked
        ("Mina", 3, 10, 5000, True),  # the smallest team gets the newcomer: locked
    ],
)
def test_only_joins_that_read_the_others_hold_the_session_lock(nickname, team_count, claimed, limit, locked, settings):
    settings.QUIZ_JOIN_UNLOCKED_MARGIN = 200
    session, room = QuizSession(team_count=team_count), joining.Room(max_participants=limit)
    unlocked = not joining._reads_the_others(session, nickname) and joining._far_from_full(room, claimed)
    assert unlocked is not locked


def test_every_join_claims_a_seat_and_a_removal_gives_none_back(student, session, room, settings):
    settings.QUIZ_JOIN_UNLOCKED_MARGIN = 1
    room.max_participants = 4
    room.save()
    assert [join(student, nickname=name).status_code for name in ("A", "B")] == [201, 201]
    session.refresh_from_db()
    assert session.seats_claimed == 2  # claimed: 2 + margin 1 < 4, both joined without the lock
    session.participants.filter(nickname="A").update(removed=True)
    assert [join(student, nickname=name).status_code for name in ("C", "D")] == [201, 201]
    session.refresh_from_db()
    assert session.seats_claimed == 4  # near the limit: C and D were counted exactly (B, C, D present)
    assert join(student, nickname="E").status_code == 201  # A's place, found by the exact count
    assert session.participants.filter(removed=False).count() == 4
    refused = join(student, nickname="F")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "room_full")


@pytest.mark.parametrize("margin", [0, 200])
def test_a_full_room_refuses_with_or_without_the_lock(student, session, room, settings, margin):
    settings.QUIZ_JOIN_UNLOCKED_MARGIN = margin
    room.max_participants = 2
    room.save()
    assert [join(student, nickname=name).status_code for name in ("A", "B")] == [201, 201]
    full = join(student, nickname="C")
    assert (full.status_code, full.json()["error"]["code"]) == (403, "room_full")
    assert session.participants.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_seat_claim_does_not_wait_for_the_disk_and_leaves_the_connection_as_it_was(session):
    """On PostgreSQL a join's claim commits asynchronously (every join of a class updates that one
    row); the setting is the claim's own transaction's, so the connection, back in the pool,
    commits the next join's participant durably, and inside a caller's transaction it is not used."""
    from django.db import connection, transaction

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit" if connection.vendor == "postgresql" else "SELECT 'on'")
            return cursor.fetchone()[0]

    before = session.seats_claimed
    assert joining._claim_seat(session.id) == before + 1
    assert synchronous_commit() == "on"
    with transaction.atomic():
        assert joining._claim_seat(session.id) == before + 2
        assert synchronous_commit() == "on"
    session.refresh_from_db()
    assert session.seats_claimed == before + 2
