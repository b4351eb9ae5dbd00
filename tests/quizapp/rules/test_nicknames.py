"""Nickname cleaning, validation, uniqueness keys and friendly names (no database)."""

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules.nicknames import (
    FRIENDLY_WORDS,
    MAX_CODE_POINTS,
    MAX_LENGTH,
    NicknameError,
    clean_nickname,
    friendly_nickname,
    nickname_key,
    nickname_length,
    validate_nickname,
)

FAST = settings(max_examples=60, deadline=None)


def accepted(raw):
    cleaned, error = validate_nickname(raw)
    assert error is None, (raw, error)
    return cleaned


def refused(raw):
    cleaned, error = validate_nickname(raw)
    assert cleaned is None
    return error


def test_error_codes_are_stable_strings():
    assert [e.value for e in NicknameError] == ["empty", "too_long", "invalid_characters"]
    assert NicknameError.EMPTY == "empty"


def test_markup_is_just_text():
    # Display is HTML-escaped, so this is harmless and allowed as typed.
    assert accepted("<script>") == "<script>"
    assert accepted("<b>Kim</b>") == "<b>Kim</b>"


def test_bidi_overrides_are_removed():
    assert accepted("\u202eKim\u202c") == "Kim"
    assert accepted("abc\u202e\u2066def\u2069\u200f") == "abcdef"
    assert refused("\u202e\u202d\u2067") == NicknameError.EMPTY


def test_zero_width_characters_are_removed():
    assert accepted("K\u200bi\u200cm\u200d") == "Kim"
    assert accepted("\ufeffKim\u2060") == "Kim"
    assert nickname_key("K\u200dim") == nickname_key("Kim")


def test_emoji_zwj_sequences_survive():
    coder = "👩\u200d💻"
    assert accepted(f"{coder} Kim") == f"{coder} Kim"
    assert nickname_length(coder) == 1


def test_invisible_only_names_are_empty():
    for raw in ("", "   ", "\t\n", "\u3164\u3164", "\u200b\u200b", "\u2800", " \u115f\u1160 ", "\x00\x07"):
        assert refused(raw) == NicknameError.EMPTY, repr(raw)


def test_whitespace_is_collapsed():
    assert accepted("  Kim \t\n  Min\u3000Su  ") == "Kim Min Su"


def test_control_characters_are_removed():
    assert accepted("Ki\x00m\x1b[31m") == "Kim[31m"


def test_long_names():
    assert refused("x" * 500) == NicknameError.TOO_LONG
    assert accepted("x" * MAX_LENGTH) == "x" * MAX_LENGTH
    assert refused("x" * (MAX_LENGTH + 1)) == NicknameError.TOO_LONG
    assert accepted("가" * MAX_LENGTH)


def test_length_counts_what_people_see():
    nfd = unicodedata.normalize("NFD", "김민수")
    assert nickname_length(nfd) == 3
    assert nickname_length("🇰🇷") == 1
    assert nickname_length("👍🏽") == 1
    assert nickname_length("e\u0301") == 1


def test_zalgo_text_is_trimmed():
    cleaned = accepted("a" + "\u0301\u0302\u0303" * 30)
    assert len(cleaned) <= 4
    coders = "👩\u200d💻" * 10 + "a"  # 11 visible characters in 31 code points: fine
    assert accepted(coders) == coders
    assert nickname_length(coders) == 11


def test_code_point_cap():
    family = "👨\u200d👩\u200d👧\u200d👦"  # one visible character, 7 code points
    assert refused(family * 10 + "a") == NicknameError.TOO_LONG
    assert len(family * 10) > MAX_CODE_POINTS


def test_emoji_allowed_but_not_alone():
    assert accepted("🐯 Tiger") == "🐯 Tiger"
    assert accepted("민수🔥") == "민수🔥"
    assert refused("🔥🔥🔥") == NicknameError.INVALID_CHARACTERS


@pytest.mark.parametrize("raw", ["!!!", "<>", "...", "@#$%", "★☆", "- _ -"])
def test_no_letter_or_digit(raw):
    assert refused(raw) == NicknameError.INVALID_CHARACTERS


@pytest.mark.parametrize("raw", ["\ue000Kim", "Kim\U000f0000", "Kim\ud800"])
def test_private_use_and_surrogates(raw):
    assert refused(raw) == NicknameError.INVALID_CHARACTERS


@pytest.mark.parametrize("raw", ["김민수", "이서연 🌸", "Kim 민수", "007", "Zoë", "O'Brien", "Ana-María", "ＫＩＭ"])
def test_ordinary_names(raw):
    assert accepted(raw) == unicodedata.normalize("NFC", raw)


def test_korean_nfd_is_stored_as_nfc():
    assert accepted(unicodedata.normalize("NFD", "김민수")) == "김민수"
    assert nickname_key(unicodedata.normalize("NFD", "김민수")) == nickname_key("김민수")


def test_key_uniqueness():
    assert nickname_key("Kim") == nickname_key("KIM") == nickname_key("ＫＩＭ") == nickname_key(" kim ")
    assert nickname_key("Kim") != nickname_key("Kim2")
    assert nickname_key("Kim Lee") != nickname_key("KimLee")
    assert nickname_key("Kim  Lee") == nickname_key("kim lee")


def test_display_keeps_the_case_and_width_typed():
    assert clean_nickname("ＫＩＭ") == "ＫＩＭ"
    assert clean_nickname("KiM") == "KiM"


@FAST
@given(st.text(max_size=40))
def test_cleaning_is_idempotent_and_safe(raw):
    cleaned = clean_nickname(raw)
    assert clean_nickname(cleaned) == cleaned
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(unicodedata.category(ch) == "Cc" for ch in cleaned)
    assert not any(unicodedata.category(ch) == "Cf" and ch != "\u200d" for ch in cleaned)
    assert nickname_key(cleaned) == nickname_key(raw)


@FAST
@given(st.text(max_size=80))
def test_validation_outcomes(raw):
    cleaned, error = validate_nickname(raw)
    assert (cleaned is None) != (error is None)
    if cleaned is not None:
        assert cleaned == clean_nickname(raw)
        assert 1 <= nickname_length(cleaned) <= MAX_LENGTH
        assert len(cleaned) <= MAX_CODE_POINTS
        assert any(unicodedata.category(ch)[0] in "LN" for ch in cleaned)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_friendly_nicknames_are_valid(language):
    adjectives, animals = FRIENDLY_WORDS[language]
    for adjective in adjectives:
        for animal in animals:
            name = f"{adjective} {animal}999"
            assert accepted(name) == name
    rng = random.Random(7)
    assert all(accepted(friendly_nickname(rng, language)) for _ in range(50))


def test_friendly_nickname_languages_and_determinism():
    en = friendly_nickname(random.Random(3), "en")
    assert en == friendly_nickname(random.Random(3), "en")
    assert en.isascii()
    ko = friendly_nickname(random.Random(3), "ko-KR")
    assert any("\uac00" <= ch <= "\ud7a3" for ch in ko)
    assert friendly_nickname(random.Random(3), "xx") == en  # unknown language: English


def test_friendly_nickname_avoids_taken_names():
    adjectives, animals = FRIENDLY_WORDS["en"]
    every = {nickname_key(f"{a} {b}") for a in adjectives for b in animals}
    rng = random.Random(11)
    name = friendly_nickname(rng, "en", taken=every)
    assert nickname_key(name) not in every
    assert name[-1] == "2"
    taken = set(every)
    for _ in range(5):
        name = friendly_nickname(rng, "en", taken=taken)
        assert nickname_key(name) not in taken
        taken.add(nickname_key(name))
