"""A word cloud question's rules, pure: what a student's word may be, which words are the same,
how many times each was sent and how big it is drawn.

Cleaning is the nicknames' (:func:`quizapp.rules.nicknames.clean_nickname`: NFC, one space for
any whitespace, no control, format, bidi-override or other invisible characters, at most three
combining marks on a character, so "Zalgo" text is tamed); on top of it a word is refused when it
is empty, longer than :data:`MAX_LENGTH` characters (as a person counts them), has no letter or
digit, or contains ``<`` or ``>`` (markup has no place in a cloud; the pages escape text anyway).

Which words are the same is decided on :func:`word_key`: the short answers' normalisation
(:func:`quizapp.rules.answer_matching.normalise_answer`: NFKC, case-folded, spaces collapsed),
then, for a single word, the common Korean particles and copula endings at its end are taken off
(``데이터가``, ``데이터는``, ``데이터입니다`` are all ``데이터``) - but only when what remains is
still at least two syllables (``나이`` stays ``나이``), when the particle fits the syllable before
it (``이``/``은``/``을``/``과``/``으로`` follow a final consonant, ``가``/``는``/``를``/``와``/``로``
a vowel), and never for the nouns in :data:`KEEP_WHOLE` that merely end like a particle
(``고양이``, ``정확도``, ``전문가``). Particles stacked on one another come off one by one until
none is left, so the key of a key is itself. Phrases (several words) are compared whole.

The cloud shows the :data:`TOP_WORDS` most sent words that the instructor has not hidden, each in
one of :data:`SIZE_BUCKETS` font sizes by its count relative to the most sent one.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from quizapp.rules.answer_matching import normalise_answer
from quizapp.rules.nicknames import clean_nickname, nickname_length

__all__ = [
    "DEFAULT_ANSWERS",
    "MAX_ANSWERS",
    "MAX_LENGTH",
    "SIZE_BUCKETS",
    "TOP_WORDS",
    "Cloud",
    "CloudWord",
    "WordError",
    "WordRefused",
    "build_cloud",
    "clean_answers",
    "clean_word",
    "display_form",
    "word_key",
]

#: A student sends one to three words; one unless the question says more.
MIN_ANSWERS = 1
MAX_ANSWERS = 3
DEFAULT_ANSWERS = 1
#: Longest word or phrase, in characters as a person counts them (Mentimeter's is 25).
MAX_LENGTH = 25
#: Hard cap on code points (combining marks and emoji sequences cannot make a huge string).
MAX_CODE_POINTS = 60
#: Words drawn on the projector; the rest are counted in the report.
TOP_WORDS = 50
#: Font sizes, 1 (smallest) to SIZE_BUCKETS (the most sent word).
SIZE_BUCKETS = 5
#: What separates a student's words when stored in one answer's text.
SEPARATOR = "\n"


class WordError(StrEnum):
    """Stable refusal codes (the live quiz translates them)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID_CHARACTERS = "invalid_characters"
    MARKUP = "markup"
    TOO_MANY = "too_many"
    NOT_TEXT = "not_text"


class WordRefused(ValueError):
    def __init__(self, code: WordError) -> None:
        super().__init__(code)
        self.code = code


def clean_word(raw: Any) -> str:
    """The word as shown and stored, or :class:`WordRefused`."""
    if not isinstance(raw, str):
        raise WordRefused(WordError.NOT_TEXT)
    if len(raw) > 4 * MAX_CODE_POINTS:  # refused before any work on a huge string
        raise WordRefused(WordError.TOO_LONG)
    cleaned = clean_nickname(raw)
    if not cleaned:
        raise WordRefused(WordError.EMPTY)
    if len(cleaned) > MAX_CODE_POINTS or nickname_length(cleaned) > MAX_LENGTH:
        raise WordRefused(WordError.TOO_LONG)
    if "<" in cleaned or ">" in cleaned:
        raise WordRefused(WordError.MARKUP)
    if any(unicodedata.category(ch) in ("Co", "Cs", "Cn") for ch in cleaned):
        raise WordRefused(WordError.INVALID_CHARACTERS)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in cleaned):
        raise WordRefused(WordError.INVALID_CHARACTERS)
    return cleaned


def clean_answers(raw: Any, limit: int) -> list[str]:
    """A student's words (one string, or a list of one to ``limit`` strings), cleaned.

    A word repeated in one answer (same :func:`word_key`) is kept once: a student cannot make a
    word bigger by sending it twice.
    """
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise WordRefused(WordError.NOT_TEXT if not isinstance(items, list) else WordError.EMPTY)
    if len(items) > limit:
        raise WordRefused(WordError.TOO_MANY)
    words: list[str] = []
    keys: set[str] = set()
    for item in items:
        word = clean_word(item)
        key = word_key(word)
        if key not in keys:
            keys.add(key)
            words.append(word)
    return words


# --- Korean particles -----------------------------------------------------------------

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL_FINAL = 8  # index of ㄹ among the final consonants

#: Particle -> what the syllable before it must end with: "C" a final consonant, "V" a vowel
#: (``로`` also after ㄹ), "" anything.
PARTICLES: dict[str, str] = {
    "으로는": "C", "에서는": "", "에게는": "", "으로": "C", "에서": "", "에게": "", "한테": "",
    "까지": "", "부터": "", "보다": "", "처럼": "", "에는": "", "로는": "V", "이나": "C", "이랑": "C",
    "입니다": "", "이에요": "C", "예요": "V", "이다": "C", "라고": "V", "이라고": "C",
    "은": "C", "는": "V", "이": "C", "가": "V", "을": "C", "를": "V", "과": "C", "와": "V",
    "로": "V", "에": "", "의": "", "도": "", "만": "", "랑": "V", "나": "V",
}  # fmt: skip
_BY_LENGTH = sorted(PARTICLES, key=len, reverse=True)

#: Nouns that end like a particle but are whole words (a dictionary-less rule needs a few).
_KEEP_WHOLE_TEXT = """
    고양이 어린이 호랑이 거북이 원숭이 강아지 송아지 다람쥐 오뚝이 멍멍이 갈매기 부엉이 기러기 개구리
    젊은이 늙은이 아이 나이 놀이 길이 높이 넓이 깊이 먹이 바나나
    정확도 신뢰도 유사도 중요도 난이도 만족도 복잡도 해상도 선호도 인지도 완성도 집중도 민감도 정밀도
    재현율 속도 온도 습도 밀도 강도 빈도 농도 각도 제도 태도 정도 시도 의도 지도 포도 인도 한도 적도
    전문가 예술가 분석가 평론가 사업가 기업가 건축가 음악가 정치가 여행가 작곡가 소설가 과학가 재평가
    민주주의 자본주의 사회주의 공산주의 개인주의 완벽주의 낙관주의 비관주의 인공지능 정의 회의 강의
    토의 논의 동의 주의 편의 문의 창의 예의 협의 거의 의의 회의실 역효과 부작용 결과 효과 성과 사과
    전자회로 신경회로 미로 도로 경로 회로 진로 통로 철로 항로 정신과
"""
KEEP_WHOLE = frozenset(_KEEP_WHOLE_TEXT.split())


def _syllables(text: str) -> int:
    """Letters and digits, a Hangul syllable block counting one (what a reader calls syllables
    for Korean; for a Latin stem such as ``AI`` in ``AI가``, its letters)."""
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def _fits(before: str, condition: str) -> bool:
    if not condition:
        return True
    code = ord(before)
    if not _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return True  # a Latin letter or digit: its reading decides, which we do not know
    final = (code - _HANGUL_FIRST) % 28
    if condition == "C":
        return final != 0
    return final in (0, _RIEUL_FINAL)


def strip_particle(word: str) -> str:
    """One single word without the Korean particles at its end (see the module's docstring)."""
    while word not in KEEP_WHOLE and " " not in word:
        for particle in _BY_LENGTH:
            if not word.endswith(particle):
                continue
            stem = word[: -len(particle)]
            if stem and _syllables(stem) >= 2 and _fits(stem[-1], PARTICLES[particle]):
                word = stem
                break
        else:
            return word
    return word


def word_key(word: str) -> str:
    """What words are counted together on: normalised, then without their Korean particles.

    Normalisation runs until nothing changes (NFKC after case folding can unfold again on rare
    characters), so the key of a key is itself.
    """
    key = word
    for _ in range(4):
        nxt = strip_particle(normalise_answer(key))
        if nxt == key:
            break
        key = nxt
    return key


def key_of(raw: str) -> str:
    """The key of a word as typed or shown (the console's hide and unhide): cleaned, then keyed."""
    return word_key(clean_nickname(raw))


def display_form(word: str) -> str:
    """The word as the cloud shows it: its case kept (``AI``), its particles off (``데이터``)."""
    text = " ".join(unicodedata.normalize("NFKC", word).split())
    return strip_particle(text)


# --- counting and sizes ---------------------------------------------------------------


@dataclass(frozen=True)
class CloudWord:
    key: str
    word: str
    count: int
    size: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "word": self.word, "count": self.count, "size": self.size}


@dataclass(frozen=True)
class Cloud:
    #: The words drawn, most sent first (ties: alphabetical), each with its size bucket.
    words: list[CloudWord]
    #: The hidden words the class sent, with their counts (the console and the report show them).
    hidden: list[CloudWord]
    #: All words sent (hidden ones included) and distinct keys.
    total: int
    distinct: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "words": [w.as_dict() for w in self.words],
            "hidden": [w.as_dict() for w in self.hidden],
            "total": self.total,
            "distinct": self.distinct,
        }


def count_words(words: Iterable[str]) -> dict[str, tuple[str, int]]:
    """key -> (the label shown, how many times it was sent).

    The label is the key's most sent display form (ties: the smallest, so the result does not
    depend on the order the words came in).
    """
    forms: dict[str, Counter[str]] = {}
    for word in words:
        forms.setdefault(word_key(word), Counter())[display_form(word)] += 1
    result = {}
    for key, counter in forms.items():
        label = min(counter, key=lambda form: (-counter[form], form))
        result[key] = (label, sum(counter.values()))
    return result


def size_of(count: int, top: int, buckets: int = SIZE_BUCKETS) -> int:
    """A word's font-size bucket, 1..buckets: by the square root of its share of the top count
    (area, not height, grows with the count), the most sent word the biggest."""
    if top <= 0 or count <= 0:
        return 1
    return max(1, min(buckets, math.ceil(buckets * math.sqrt(count / top))))


def build_cloud(words: Iterable[str], hidden: Collection[str] = (), top: int = TOP_WORDS) -> Cloud:
    """The cloud of the class's words: the ``top`` most sent words not ``hidden`` (keys), with
    their sizes; the hidden ones listed apart."""
    counted = count_words(words)
    order = sorted(counted.items(), key=lambda item: (-item[1][1], item[1][0], item[0]))
    hidden_keys = set(hidden)
    shown = [(k, label, n) for k, (label, n) in order if k not in hidden_keys][:top]
    most = shown[0][2] if shown else 0
    return Cloud(
        words=[CloudWord(k, label, n, size_of(n, most)) for k, label, n in shown],
        hidden=[CloudWord(k, label, n) for k, (label, n) in order if k in hidden_keys],
        total=sum(n for _label, n in counted.values()),
        distinct=len(counted),
    )


def split_stored(text: str) -> list[str]:
    """A stored answer's words (:data:`SEPARATOR`-joined)."""
    return [w for w in (text or "").split(SEPARATOR) if w.strip()]


def clean_limit(raw: Any) -> int:
    """A question's words per student: a whole number from 1 to :data:`MAX_ANSWERS`."""
    if raw is None or raw == "":
        return DEFAULT_ANSWERS
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise WordRefused(WordError.TOO_MANY)
    try:
        number = int(raw)
    except ValueError:
        raise WordRefused(WordError.TOO_MANY) from None
    if not MIN_ANSWERS <= number <= MAX_ANSWERS:
        raise WordRefused(WordError.TOO_MANY)
    return number
