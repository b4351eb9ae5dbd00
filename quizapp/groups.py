"""The one place that names the live quiz's channel-layer groups, audiences and cache keys."""

from core import fanout

#: Who hears a room message besides everyone (``core.fanout.EVERYONE``): the students' phones or
#: the instructor's console and projector. Each is a ``seq`` stream of its own: a student's
#: numbers count the messages students receive, a host's those hosts receive.
STUDENTS = "students"
HOSTS = "hosts"
fanout.register_streams(STUDENTS, HOSTS)


def session_group(session_id: int) -> str:
    return f"quiz.session.{session_id}"


def member_key(participant_id: int) -> str:
    return str(participant_id)


def member_audience(participant_id: int) -> str:
    """One student's sockets only (``core.fanout`` audiences of the form ``member:<key>``)."""
    return f"member:{member_key(participant_id)}"


def tally_key(session_id: int) -> str:
    return f"quiz:tally:{session_id}"


def join_rate_key(scope: str, value: str) -> str:
    return f"quiz:join:{scope}:{value}"
