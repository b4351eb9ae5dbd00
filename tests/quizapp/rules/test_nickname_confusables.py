"""Nickname keys are confusable skeletons (TR39): look-alikes from other scripts share a key,
Korean names keep theirs (no database)."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules.nicknames import MAX_KEY_LENGTH, nickname_key, validate_nickname

FAST = settings(max_examples=150, deadline=None)


@pytest.mark.parametrize(
    ("latin", "lookalike"),
    [
        ("Alice", "\u0410lice"),  # Cyrillic capital A
        ("Alice", "\u0391lice"),  # Greek capital alpha
        ("ALICE", "\u0410LICE"),
        ("Kim", "\u039aim"),  # Greek capital kappa
        ("Ivan", "\u0406van"),  # Cyrillic Byelorussian-Ukrainian I
        ("Otter", "\u041etter"),  # Cyrillic capital O
        ("panda", "\u0440anda"),  # Cyrillic small er
        ("popo", "\u0440\u043e\u0440\u043e"),  # all Cyrillic
        ("Kim", "\uff2b\uff29\uff2d"),  # full width, as before
        ("Kim", "KIM"),
    ],
)
def test_lookalikes_share_a_key(latin, lookalike):
    assert validate_nickname(lookalike)[1] is None
    assert nickname_key(lookalike) == nickname_key(latin)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kim", "Lee"),
        ("Kim", "Kim2"),
        ("Zoe", "Zo\u00eb"),
        ("김민수", "김민서"),
        ("갂가", "각까"),  # jamo-level skeletons would make these one name
        ("한", "핰"),
        ("Kim Lee", "KimLee"),
    ],
)
def test_different_names_keep_different_keys(one, other):
    assert nickname_key(one) != nickname_key(other)


hangul_syllable = st.integers(min_value=0xAC00, max_value=0xD7A3).map(chr)
korean_name = st.lists(hangul_syllable, min_size=1, max_size=6).map("".join)


@FAST
@given(korean_name, korean_name)
def test_distinct_korean_names_stay_distinct(one, other):
    assert validate_nickname(one) == (one, None)
    if one != other:
        assert nickname_key(one) != nickname_key(other)


@FAST
@given(korean_name)
def test_korean_key_is_the_name_itself(name):
    assert nickname_key(name) == name
    # Typed decomposed (some keyboards send jamo), it is the same name.
    assert nickname_key(unicodedata.normalize("NFD", name)) == name


@FAST
@given(st.text(min_size=1, max_size=64))
def test_key_is_stable_and_fits_the_column(raw):
    key = nickname_key(raw)
    assert len(key) <= MAX_KEY_LENGTH
    assert nickname_key(raw) == key


def test_a_long_skeleton_is_stored_as_a_digest():
    long_name = "\u33af" * 20  # ㎯ (NFKC "rad∕s2"): the skeleton grows past the column
    key = nickname_key(long_name)
    assert len(key) <= MAX_KEY_LENGTH
    assert key.startswith("#")
    assert nickname_key(long_name) == key
