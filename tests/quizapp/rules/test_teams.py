"""Team assignment and fair team scores (no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules.teams import balanced_assignment, team_scores

FAST = settings(max_examples=60, deadline=None)


def sizes(assignment, team_count):
    counts = [0] * team_count
    for team in assignment.values():
        counts[team] += 1
    return counts


def test_round_robin_from_empty():
    assert balanced_assignment(["a", "b", "c", "d", "e"], 3) == {"a": 0, "b": 1, "c": 2, "d": 0, "e": 1}


def test_newcomers_fill_the_smallest_team():
    existing = {"a": 0, "b": 0, "c": 0, "d": 1}
    result = balanced_assignment(["a", "b", "c", "d", "x", "y", "z"], 3, existing)
    assert {k: result[k] for k in existing} == existing  # nobody moves
    assert (result["x"], result["y"], result["z"]) == (2, 1, 2)
    assert sizes(result, 3) == [3, 2, 2]


def test_existing_members_count_even_when_not_listed():
    assert balanced_assignment(["x"], 2, {"a": 0}) == {"x": 1}


def test_out_of_range_and_duplicate_ids():
    result = balanced_assignment(["a", "b", "b", "c"], 2, {"a": 5, "b": 1})
    assert result == {"a": 0, "b": 1, "c": 0}


def test_bad_team_count():
    with pytest.raises(ValueError, match="at least 1"):
        balanced_assignment(["a"], 0)


@FAST
@given(
    ids=st.lists(st.integers(0, 200), max_size=60, unique=True),
    team_count=st.integers(1, 8),
    seed_size=st.integers(0, 60),
)
def test_assignment_stays_balanced(ids, team_count, seed_size):
    # Start balanced, then add people one batch at a time: sizes never differ by more than one.
    first = balanced_assignment(ids[:seed_size], team_count)
    result = balanced_assignment(ids, team_count, first)
    assert set(result) == set(ids)
    assert all(0 <= team < team_count for team in result.values())
    assert all(result[k] == v for k, v in first.items())
    counts = sizes(result, team_count)
    assert max(counts) - min(counts) <= 1
    assert result == balanced_assignment(ids, team_count, first)  # deterministic


def test_uneven_teams_are_scored_by_mean():
    scores = team_scores({"red": [1000, 800, 600], "blue": [900, 900, 900, 900, 900], "green": []})
    assert scores == {"red": 800.0, "blue": 900.0, "green": 0.0}


@FAST
@given(st.dictionaries(st.integers(0, 5), st.lists(st.integers(0, 10_000), max_size=10), max_size=6))
def test_team_score_lies_between_members(member_scores):
    result = team_scores(member_scores)
    assert set(result) == set(member_scores)
    for team, members in member_scores.items():
        if members:
            assert min(members) <= result[team] <= max(members)
        else:
            assert result[team] == 0.0
