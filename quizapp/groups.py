"""The one place that names channel-layer groups and cache keys of the live quiz."""


def session_group(session_id: int) -> str:
    return f"quiz.session.{session_id}"


def member_key(participant_id: int) -> str:
    return str(participant_id)


def tally_key(session_id: int) -> str:
    return f"quiz:tally:{session_id}"


def join_rate_key(scope: str, value: str) -> str:
    return f"quiz:join:{scope}:{value}"
