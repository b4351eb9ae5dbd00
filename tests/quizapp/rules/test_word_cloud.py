"""A word cloud's pure rules: cleaning hostile text, Korean particles, counting and sizes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules import word_cloud
from quizapp.rules.word_cloud import WordError, WordRefused


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("데이터가", "데이터"),
        ("데이터는", "데이터"),
        ("데이터를", "데이터"),
        ("데이터의", "데이터"),
        ("데이터도", "데이터"),
        ("데이터로", "데이터"),
        ("데이터와", "데이터"),
        ("데이터입니다", "데이터"),
        ("데이터에서는", "데이터"),
        ("모델이", "모델"),
        ("모델은", "모델"),
        ("모델을", "모델"),
        ("모델과", "모델"),
        ("알고리즘으로", "알고리즘"),
        ("AI가", "ai"),
        ("ＡＩ는", "ai"),
        ("  Machine   Learning ", "machine learning"),
        # what must not be mangled: a one-syllable stem, a particle that does not fit, a whole noun
        ("나이", "나이"),
        ("사이", "사이"),
        ("강의", "강의"),
        ("고양이", "고양이"),
        ("정확도", "정확도"),
        ("전문가", "전문가"),
        ("민주주의", "민주주의"),
        ("바나나", "바나나"),
        ("결과", "결과"),
        # phrases are compared whole
        ("데이터가 많다", "데이터가 많다"),
    ],
)
def test_korean_words_count_together_without_their_particles(given_, expected):
    assert word_cloud.word_key(given_) == expected


def test_nfd_jamo_and_full_width_forms_are_the_same_word():
    import unicodedata

    assert word_cloud.word_key(unicodedata.normalize("NFD", "데이터가")) == "데이터"
    assert word_cloud.word_key("ＤＡＴＡ") == word_cloud.word_key("data")


def test_the_display_form_keeps_the_case_and_drops_the_particle():
    assert word_cloud.display_form("AI가") == "AI"
    assert word_cloud.display_form("데이터는") == "데이터"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", WordError.EMPTY),
        ("   \u200b ", WordError.EMPTY),
        ("\u202e\u2066", WordError.EMPTY),
        ("가" * 26, WordError.TOO_LONG),
        ("x" * 5000, WordError.TOO_LONG),
        ("<script>alert(1)</script>", WordError.MARKUP),
        ("<b>AI</b>", WordError.MARKUP),
        ("!!!", WordError.INVALID_CHARACTERS),
        ("\ue000\ue001", WordError.INVALID_CHARACTERS),
        (42, WordError.NOT_TEXT),
        (None, WordError.NOT_TEXT),
        ({"a": 1}, WordError.NOT_TEXT),
    ],
)
def test_hostile_or_empty_words_are_refused_with_a_code(raw, code):
    with pytest.raises(WordRefused) as caught:
        word_cloud.clean_word(raw)
    assert caught.value.code == code


def test_hostile_text_is_cleaned_when_a_word_is_left():
    assert word_cloud.clean_word("\u202eAI\u202c") == "AI"
    assert word_cloud.clean_word("data\u0000\u200b") == "data"
    zalgo = "d" + "\u0301" * 30 + "ata"
    cleaned = word_cloud.clean_word(zalgo)
    assert cleaned.endswith("ata")
    assert cleaned.count("\u0301") <= 3


def test_a_students_answers_follow_the_limit_and_repeat_once():
    assert word_cloud.clean_answers("데이터", 1) == ["데이터"]
    assert word_cloud.clean_answers(["데이터", "데이터가", "AI"], 3) == ["데이터", "AI"]
    with pytest.raises(WordRefused) as caught:
        word_cloud.clean_answers(["a", "b"], 1)
    assert caught.value.code == WordError.TOO_MANY
    for bad in ([], "", [""], [1], "x" * 300):
        with pytest.raises(WordRefused):
            word_cloud.clean_answers(bad, 3)


def test_the_limit_setting():
    assert word_cloud.clean_limit(None) == word_cloud.DEFAULT_ANSWERS == 1
    assert word_cloud.clean_limit(3) == 3
    assert word_cloud.clean_limit("2") == 2
    for bad in (0, 4, -1, "lots", True, 2.5, [1]):
        with pytest.raises(WordRefused):
            word_cloud.clean_limit(bad)


def test_the_cloud_counts_sizes_and_hides():
    words = ["데이터", "데이터가", "데이터는", "AI", "ai가", "모델", "고양이"]
    cloud = word_cloud.build_cloud(words)
    assert [(w.word, w.count) for w in cloud.words] == [("데이터", 3), ("AI", 2), ("고양이", 1), ("모델", 1)]
    assert cloud.words[0].size == word_cloud.SIZE_BUCKETS
    assert all(1 <= w.size <= word_cloud.SIZE_BUCKETS for w in cloud.words)
    assert (cloud.total, cloud.distinct) == (7, 4)
    hidden = word_cloud.build_cloud(words, hidden={"데이터"})
    assert [w.word for w in hidden.words] == ["AI", "고양이", "모델"]
    assert hidden.words[0].size == word_cloud.SIZE_BUCKETS  # sizes follow what is shown
    assert [(w.word, w.count) for w in hidden.hidden] == [("데이터", 3)]
    assert hidden.total == 7


def test_only_the_top_words_are_drawn():
    words = [f"word{i}" for i in range(80)] + ["word0"] * 5
    cloud = word_cloud.build_cloud(words, top=50)
    assert len(cloud.words) == 50
    assert cloud.words[0].word == "word0"
    assert cloud.distinct == 80


def test_stored_answers_split_back_into_words():
    assert word_cloud.split_stored(word_cloud.SEPARATOR.join(["a b", "데이터"])) == ["a b", "데이터"]
    assert word_cloud.split_stored("") == []


# --- properties -------------------------------------------------------------------------

KOREANISH = st.text(
    alphabet=st.sampled_from(list("데이터모델가는을를이의도로와과은에서입니다나고양AIai ＡＢ\u200b\u0301")), max_size=12
)
ANY_TEXT = st.one_of(KOREANISH, st.text(max_size=30))


@given(ANY_TEXT)
def test_the_key_is_idempotent(text):
    key = word_cloud.word_key(text)
    assert word_cloud.word_key(key) == key


@given(ANY_TEXT)
def test_cleaning_is_idempotent_when_accepted(text):
    try:
        cleaned = word_cloud.clean_word(text)
    except WordRefused:
        return
    assert word_cloud.clean_word(cleaned) == cleaned
    assert word_cloud.word_key(word_cloud.display_form(cleaned)) == word_cloud.word_key(cleaned)


@given(st.lists(KOREANISH.filter(str.strip), max_size=40), st.randoms(use_true_random=False))
def test_counts_sum_to_the_words_and_ignore_their_order(words, rng):
    cloud = word_cloud.build_cloud(words, top=10_000)
    assert sum(w.count for w in cloud.words) == len(words) == cloud.total
    shuffled = list(words)
    rng.shuffle(shuffled)
    assert word_cloud.build_cloud(shuffled, top=10_000) == cloud


@given(st.lists(KOREANISH.filter(str.strip), max_size=40), st.sets(KOREANISH, max_size=5))
def test_hidden_words_are_counted_apart_never_lost(words, hidden):
    cloud = word_cloud.build_cloud(words, hidden={word_cloud.word_key(h) for h in hidden}, top=10_000)
    assert sum(w.count for w in cloud.words) + sum(w.count for w in cloud.hidden) == len(words)
    assert not {w.key for w in cloud.words} & {w.key for w in cloud.hidden}


@given(st.integers(1, 1000), st.integers(1, 1000))
def test_sizes_grow_with_the_count(a, b):
    top = max(a, b)
    low, high = sorted((a, b))
    assert 1 <= word_cloud.size_of(low, top) <= word_cloud.size_of(high, top) == word_cloud.SIZE_BUCKETS
