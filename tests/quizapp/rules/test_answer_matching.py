"""Short-answer matching and multiple-choice checking (no database)."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules.answer_matching import choice_correct, matches, normalise_answer

FAST = settings(max_examples=60, deadline=None)


def test_korean_nfd_jamo_equal_nfc_syllables():
    nfc = "인공지능"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert len(nfd) > len(nfc)
    assert normalise_answer(nfd) == normalise_answer(nfc) == "인공지능"
    assert matches(nfd, ["인공지능"])
    assert matches("인공지능", [nfd])


def test_zero_width_inside_nfd_jamo_still_composes():
    broken = "\u1100\u200b\u1161"  # ᄀ ZWSP ᅡ
    assert normalise_answer(broken) == "가"


@pytest.mark.parametrize(
    "typed",
    [
        "ＧＰＴ",  # full-width from a Korean IME
        "gpt",
        " GPT ",
        "G\u200bPT",  # zero-width space
        "\ufeffGPT",  # byte order mark
        "GP\u200dT",  # zero-width joiner
        "GPT\u2060",  # word joiner
        "\u202eGPT",  # bidi override
    ],
)
def test_case_width_and_invisibles(typed):
    assert matches(typed, ["GPT"])


def test_spaces_are_collapsed_not_removed():
    assert normalise_answer("  neural \t\n  network\u3000 ") == "neural network"
    assert matches("neural     network", ["Neural Network"])
    assert not matches("neuralnetwork", ["neural network"])


def test_casefold_handles_more_than_lower():
    assert matches("STRASSE", ["straße"])
    assert matches("ΣΟΦΊΑ", ["σοφία"])


def test_compatibility_forms():
    assert matches("ﬁle", ["file"])  # ligature
    assert matches("①", ["1"])
    assert matches("ｶﾀｶﾅ", ["カタカナ"])  # half-width katakana


def test_wrong_and_blank_answers():
    assert not matches("GPT-4", ["GPT"])
    assert not matches("C", ["C++"])
    assert not matches("", ["", "GPT"])
    assert not matches(" \u200b ", [" "])
    assert not matches("anything", [])


def test_any_of_several_accepted_answers():
    assert matches("머신러닝", ["machine learning", "머신 러닝", "머신러닝", "기계학습"])


@FAST
@given(st.text(max_size=30))
def test_normalisation_is_idempotent(text):
    once = normalise_answer(text)
    assert normalise_answer(once) == once
    assert once == once.strip()
    assert "  " not in once


@FAST
@given(st.text(min_size=1, max_size=30))
def test_an_answer_matches_its_other_forms(text):
    if not normalise_answer(text):
        return
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert matches(unicodedata.normalize(form, text), [text])


@pytest.mark.parametrize(
    ("selected", "correct", "expected"),
    [
        ({1}, {1}, True),
        ({2}, {1}, False),
        ({0, 2}, {0, 2}, True),
        ({0}, {0, 2}, False),  # partial selection is wrong
        ({0, 1, 2}, {0, 2}, False),  # selecting everything is wrong
        (set(), {1}, False),
        (set(), set(), False),  # poll: no right answer
        ({1}, set(), False),
        ([2, 0, 2], (0, 2), True),  # any iterables
    ],
)
def test_choice_correct(selected, correct, expected):
    assert choice_correct(selected, correct) is expected
