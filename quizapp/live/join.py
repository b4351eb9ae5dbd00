"""Joining a room: rate limits, nicknames, bans, locks, teams, and the token that restores a student's place."""

import logging
import secrets
from collections.abc import Hashable
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core import rate_limits
from core.prepared import PreparedInsert
from quizapp import broadcast, errors, groups, messages
from quizapp.models import Participant, QuizSession, Room
from quizapp.rules import nicknames, room_codes, teams
from quizapp.selectors import (
    live_session_for_code,
    participant_banned,
    participant_with_session,
    participants_present,
    room_get_by_code,
)

logger = logging.getLogger(__name__)

TOKEN_SALT = "quizapp.participant"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE_S = 24 * 3600
#: "I need more time" at join applies at once, without waiting for a busy instructor: twice the
#: time (WCAG 2.2.1's "extend"). The console flags the request; the instructor may give more.
REQUESTED_FACTOR = 2


@dataclass(frozen=True)
class JoinResult:
    participant: Participant
    token: str


def participant_token(participant: Participant) -> str:
    return signing.dumps({"p": participant.id, "s": participant.session_id}, salt=TOKEN_SALT, compress=True)


def participant_from_token(token: str, *, ended_ok: bool = False) -> Participant:
    """The participant a browser's saved token stands for, if they may still play; with
    ``ended_ok``, also in a session that has ended (to read the final state: answering there is
    refused by the answer path)."""
    try:
        data = signing.loads(str(token)[:500], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE_S)
    except signing.BadSignature:
        raise errors.BadToken() from None
    participant_id, session_id = data.get("p"), data.get("s")
    if not isinstance(participant_id, int) or isinstance(participant_id, bool):
        raise errors.BadToken()
    participant = participant_with_session(participant_id)
    if participant is None or participant.session_id != session_id:
        raise errors.BadToken()
    if participant.banned:
        raise errors.Banned()
    if participant.removed:
        raise errors.Removed()
    if participant.session.ended_at is not None and not ended_ok:
        raise errors.SessionEnded()
    return participant


def participant_join(
    *, code: str, nickname: str, address: str, device_id: str = "", team: int | None = None, more_time: bool = False
) -> JoinResult:
    """A student joins the live session of the room ``code`` with a nickname. ``more_time``: they
    asked for more time (WCAG 2.2.1), which gives them twice the time at once (:data:`REQUESTED_FACTOR`)."""
    # Both limits in one round trip; the room's is keyed by the code as the lookup reads it (one
    # key per room, look-alikes included). An address over its limit does not spend the room's.
    room_key = groups.join_rate_key("room", room_codes.lookup_key(code))
    address_ok, room_ok = rate_limits.hit_many(
        [
            (groups.join_rate_key("addr", address), settings.QUIZ_JOIN_RATE_PER_ADDRESS),
            (room_key, settings.QUIZ_JOIN_RATE_PER_ROOM),
        ]
    )
    if not address_ok:
        rate_limits.undo(room_key, settings.QUIZ_JOIN_RATE_PER_ROOM)
        raise errors.RateLimited()
    session = live_session_for_code(code)
    room = session.room if session is not None else room_get_by_code(code)
    if room is None:
        if not rate_limits.hit(groups.join_rate_key("guess", address), settings.QUIZ_CODE_GUESS_RATE):
            logger.warning("quiz: room-code guessing throttled for %s", address)
            raise errors.RateLimited()
        raise errors.RoomNotFound()
    if not room_ok:
        raise errors.RateLimited()
    if session is not None and session.friendly_nicknames:
        return _join(session, room=room, nickname=None, device_id=device_id[:64], team=team, more_time=more_time)
    cleaned, problem = nicknames.validate_nickname(nickname)
    if problem is not None:
        raise errors.NicknameInvalid(_nickname_message(problem))
    if session is None:
        raise errors.NoLiveSession()
    return _join(session, room=room, nickname=cleaned, device_id=device_id[:64], team=team, more_time=more_time)


def _live_sessions(room: Room) -> QuerySet[QuizSession]:
    return QuizSession.objects.select_related("quiz").filter(room=room, ended_at__isnull=True)


def _nickname_message(code: str) -> str:
    return {
        "empty": _("Type a nickname."),
        "too_long": _("A nickname has at most %(max)d characters.") % {"max": nicknames.MAX_LENGTH},
        "invalid_characters": _("A nickname needs at least one letter or digit."),
    }.get(str(code), str(errors.NicknameInvalid.default_message))


def _reads_the_others(session: QuizSession, nickname: str | None) -> bool:
    """Whether a join reads the other participants (a friendly nickname is chosen from theirs, the
    smallest team gets the newcomer): it then holds the session's row lock."""
    return nickname is None or bool(session.team_count)


def _far_from_full(room: Room, seats_claimed: int) -> bool:
    """Whether a join may go without the session's lock: one lock per join let a class of 2,000 join
    at 35 a second (docs/operations.md). ``seats_claimed`` (every join claims a seat before it
    inserts, see :func:`_claim_seat`) is never less than the participants present *and* in flight,
    so far means more places left than joins can be in flight at once, which is at most the
    database's connections (``QUIZ_JOIN_UNLOCKED_MARGIN`` >= PostgreSQL's max_connections)."""
    return seats_claimed + settings.QUIZ_JOIN_UNLOCKED_MARGIN < room.max_participants


def _claim_seat(session_id: int) -> int:
    """Count one more join against the session and return the count: one UPDATE in autocommit
    instead of counting the participants (a count is O(class size), and a class of 10,000 joining
    made PostgreSQL count 50 million rows). It never decreases: removals leave it high, which only
    sends joins near the limit to the exact, locked count sooner."""
    with connection.cursor() as cursor:
        # Asynchronous only as a statement of its own (a join's claim): in a caller's transaction
        # the setting would hold for everything that transaction commits.
        own_transaction = connection.vendor == "postgresql" and not connection.in_atomic_block
        sql = _CLAIM_SEAT_SQL_POSTGRESQL if own_transaction else _CLAIM_SEAT_SQL
        cursor.execute(sql, [session_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


#: A class of 10,000 joining makes 10,000 of these (core/prepared.py).
_PARTICIPANT_INSERT = PreparedInsert(Participant)

_CLAIM_SEAT_SQL = (
    f"UPDATE {QuizSession._meta.db_table} SET seats_claimed = seats_claimed + 1 "  # noqa: SLF001, S608 - names from the model
    "WHERE id = %s RETURNING seats_claimed"
)
#: On PostgreSQL the claim's own transaction commits without waiting for its WAL to reach the disk.
#: Every join of a class updates this one row, and each waited for the last one's flush to take
#: the row's lock: joins topped out at one per flush (~400 a second here, docs/operations.md). No
#: guarantee is lost: a join's participant is inserted, with a durable commit, after its claim, and
#: WAL is flushed in order, so a claim can only be lost with a join that was lost too; the count
#: stays at least the participants present after a crash.
_CLAIM_SEAT_SQL_POSTGRESQL = (
    f"UPDATE {QuizSession._meta.db_table} SET seats_claimed = seats_claimed + 1 "  # noqa: SLF001, S608 - names from the model
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS this_transaction "
    "WHERE id = %s RETURNING seats_claimed"
)


def _join(
    session: QuizSession,
    *,
    room: Room,
    nickname: str | None,
    device_id: str,
    team: int | None = None,
    more_time: bool = False,
) -> JoinResult:
    """``session``: the room's live session as read just before. ``nickname=None``: the session
    hands out a friendly one. ``team``: the team chosen at join (team sessions); without one, the
    smallest team gets the newcomer."""

    def admit(target: QuizSession, present: int) -> JoinResult:
        return _admit(
            target, present=present, room=room, nickname=nickname, device_id=device_id, team=team, more_time=more_time
        )

    if not _reads_the_others(session, nickname):
        claimed = _claim_seat(session.id)
        if _far_from_full(room, claimed):
            # One INSERT in autocommit: a ban or lock that lands meanwhile is read committed either way.
            return admit(session, claimed)
    with transaction.atomic():
        # Joins queue on the session's row: the count, the friendly nickname and the team are exact.
        locked = _live_sessions(room).select_related("room").select_for_update(of=("self",)).first()
        if locked is None:
            raise errors.NoLiveSession()
        return admit(locked, participants_present(locked.id))


def _admit(
    session: QuizSession,
    *,
    present: int,
    room: Room,
    nickname: str | None,
    device_id: str,
    team: int | None,
    more_time: bool,
) -> JoinResult:
    """The rules of a join, given the session and how many are in it (at most ``present``); stores the participant."""
    if nickname is None:
        taken = set(session.participants.values_list("nickname_key", flat=True))
        nickname = nicknames.friendly_nickname(secrets.SystemRandom(), session.quiz.language, taken=taken)
    key = nicknames.nickname_key(nickname)
    # A session nobody was banned from (nearly all) skips the question. A ban that lands after the
    # session was read admits this join, as one landing just after the question would.
    if session.has_bans and participant_banned(session_id=session.id, nickname_key=key, device_id=device_id):
        raise errors.Banned()
    if session.locked:
        raise errors.RoomLocked()
    if present >= room.max_participants:
        raise errors.RoomFull()
    if not session.team_count:
        team = None
    elif team is None or not 0 <= team < session.team_count:
        # the members' teams, so the newcomer joins the smallest; one without a team counts for none
        current: dict[Hashable, int] = {
            pid: member_team
            for pid, member_team in session.participants.filter(removed=False).values_list("id", "team")
            if member_team is not None
        }
        team = teams.balanced_assignment([None], session.team_count, existing=current)[None]
    # A taken nickname ends the join; inside a caller's transaction (the locked path, a test) a
    # savepoint keeps that transaction usable, in autocommit there is nothing to keep.
    in_transaction = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if in_transaction else nullcontext():
            participant = Participant(
                session=session,
                nickname=nickname,
                nickname_key=key,
                device_id=device_id,
                team=team,
                time_requested=more_time,
                time_factor=REQUESTED_FACTOR if more_time else 1,
            )
            _PARTICIPANT_INSERT.insert(participant)
    except IntegrityError:
        raise errors.NicknameTaken() from None
    participant.session = session
    broadcast.participant_joined_after_commit(session.id, messages.participant_public(participant))
    return JoinResult(participant=participant, token=participant_token(participant))
