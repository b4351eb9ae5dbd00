"""Team mode: who plays in which team, and how a team's score is computed.

Teams are indexed ``0 .. team_count - 1``. People join a live room at different times, so
assignment is incremental: people already in a team stay there (moving someone mid-game would
be confusing) and each newcomer joins the currently smallest team. A team's score is the *mean*
of its members' scores, so a team of 3 is not beaten by a team of 5 just for being smaller.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

__all__ = ["balanced_assignment", "team_scores"]

#: A team's key in ``team_scores``: whatever the caller names its teams by (an index, a name).
TeamKey = TypeVar("TeamKey", bound=Hashable)


def balanced_assignment(
    participant_ids: Iterable[Hashable],
    team_count: int,
    existing: Mapping[Hashable, int] | None = None,
) -> dict[Hashable, int]:
    """A team index for every id in ``participant_ids``, deterministically.

    ``existing`` holds the current members' teams and counts towards team sizes (pass only
    people still in the room). Listed ids that already have a valid team keep it; newcomers are
    placed in listing order into the smallest team, ties going to the lowest index. An existing
    team index that is out of range (the quiz now has fewer teams) is treated as no team.
    """
    if team_count < 1:
        raise ValueError("team_count must be at least 1")
    kept = {pid: team for pid, team in (existing or {}).items() if 0 <= team < team_count}
    sizes = [0] * team_count
    for team in kept.values():
        sizes[team] += 1
    assignment: dict[Hashable, int] = {}
    for pid in participant_ids:
        if pid in assignment:
            continue
        if pid in kept:
            assignment[pid] = kept[pid]
            continue
        team = min(range(team_count), key=lambda index: (sizes[index], index))
        sizes[team] += 1
        assignment[pid] = team
    return assignment


def team_scores(member_scores: Mapping[TeamKey, Iterable[int]]) -> dict[TeamKey, float]:
    """Each team's mean member score; a team without members scores 0.0."""
    result: dict[TeamKey, float] = {}
    for team, scores in member_scores.items():
        values = list(scores)
        result[team] = math.fsum(values) / len(values) if values else 0.0
    return result
