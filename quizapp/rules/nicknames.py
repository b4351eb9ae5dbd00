"""Nicknames in a live room: what is shown on the projector and what must be unique.

Nicknames are shown HTML-escaped, so ``<script>`` is harmless text and is allowed. What is
refused is what escaping cannot fix: invisible or direction-changing characters (a right-to-left
override can make a name read backwards and spill into the next one on a leaderboard), names
that are blank to the eye, and names too long for a leaderboard line. Emoji are welcome, but a
name needs at least one letter or digit so an instructor can read it out.

Uniqueness within a room is decided on :func:`nickname_key`, in which ``Kim``, ``KIM``,
full-width ``ＫＩＭ`` and ``Кim`` (a Cyrillic К) are the same name: the key is the name's
confusable *skeleton* (Unicode TR39, from the confusables data that ``confusable-homoglyphs``
maintains), so nobody can impersonate a classmate with look-alikes from another script.
Precomposed Hangul syllables are kept whole: a syllable block is what the eye sees, and
splitting blocks into jamo would make distinct names such as 갂가 and 각까 the same.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections.abc import Collection
from enum import StrEnum
from functools import cache

from confusable_homoglyphs import confusables  # type: ignore[import-untyped]

__all__ = [
    "FRIENDLY_WORDS",
    "MAX_CODE_POINTS",
    "MAX_KEY_LENGTH",
    "MAX_LENGTH",
    "NicknameError",
    "clean_nickname",
    "friendly_nickname",
    "nickname_key",
    "nickname_length",
    "validate_nickname",
]

#: Longest nickname, counted in visible characters (see :func:`nickname_length`).
MAX_LENGTH = 20
#: Hard cap on code points, so emoji sequences and combining marks cannot make a huge string.
MAX_CODE_POINTS = 64
#: Combining marks kept in a row on one character: enough for real scripts, not for "Zalgo" text.
MAX_COMBINING_RUN = 3


class NicknameError(StrEnum):
    """Stable error codes (the UI translates them)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID_CHARACTERS = "invalid_characters"


_ZWJ = "\u200d"
#: Invisible characters outside category Cf (which is removed wholesale, bidi controls included):
#: Hangul fillers, the combining grapheme joiner, Khmer inherent vowels, the braille blank.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u2800")
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)
_VARIATION_SELECTORS = frozenset(chr(c) for c in range(0xFE00, 0xFE10))
#: Emoji planes: code points Python's Unicode database does not know yet may be new emoji.
_EMOJI_BLOCKS = range(0x1F000, 0x1FB00)


def _pictographic(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or ord(ch) in _EMOJI_BLOCKS


def _emoji_joiner(out: list[str], following: str) -> bool:
    """A ZWJ inside an emoji sequence (👩‍💻, 🏳️‍🌈) is kept; anywhere else it is an invisible."""
    index = len(out) - 1
    while index >= 0 and out[index] in _VARIATION_SELECTORS:
        index -= 1
    return index >= 0 and _pictographic(out[index]) and bool(following) and _pictographic(following)


def clean_nickname(raw: str) -> str:
    """The nickname as it will be displayed.

    NFC, every kind of whitespace as one space, no leading or trailing space, and no control,
    format (zero-width, bidi override, ...) or other invisible characters.
    """
    text = unicodedata.normalize("NFC", raw or "")
    out: list[str] = []
    combining_run = 0
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category in ("Mn", "Me"):
            combining_run += 1
            if combining_run > MAX_COMBINING_RUN and ch not in _VARIATION_SELECTORS:
                continue
        else:
            combining_run = 0
        if ch.isspace():
            out.append(" ")
        elif ch == _ZWJ:
            if _emoji_joiner(out, text[index + 1 : index + 2]):
                out.append(ch)
        elif ch in _INVISIBLE or category in ("Cc", "Cf"):
            continue
        else:
            out.append(ch)
    # Removing characters can leave jamo or marks next to what they compose with: NFC again.
    return unicodedata.normalize("NFC", " ".join("".join(out).split()))


#: The longest key stored (``Participant.nickname_key``); a longer skeleton is stored as a digest.
MAX_KEY_LENGTH = 64
_LRM = "\u200e"
_HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable code point -> its TR39 prototype (one or more characters).

    The package's table lists, for a source character, only its prototype, and for a prototype
    every source that maps to it; a pair that lists only each other is resolved to the smaller.
    """
    data = confusables.confusables_data
    table: dict[str, str] = {}
    for raw, entries in data.items():
        source = raw.replace(_LRM, "")
        if len(source) != 1 or len(entries) != 1:
            continue
        target = entries[0]["c"].replace(_LRM, "")
        back = [e["c"].replace(_LRM, "") for e in data.get(target, ())]
        if len(target) == 1 and back == [source] and source < target:
            continue  # the pair maps onto ``source``
        if target and target != source:
            table[source] = target
    return table


def _skeleton(text: str) -> str:
    """TR39's skeleton (NFD, each character to its prototype, NFD), Hangul syllables whole."""
    table = _prototypes()
    out: list[str] = []
    for ch in text:
        if ord(ch) in _HANGUL_SYLLABLES:
            out.append(ch)
            continue
        mapped = "".join(table.get(part, part) for part in unicodedata.normalize("NFD", ch))
        out.append(unicodedata.normalize("NFD", mapped))
    return "".join(out)


def _capitals_to_latin(text: str) -> str:
    """Capitals from other scripts as the Latin capitals they look like (Greek Κ, Cyrillic А).

    Done before case folding, which would otherwise turn them into small letters that no longer
    look Latin (κ is confusable with ĸ, not k). A capital whose prototype is ``l`` is an ``I``.
    """
    table = _prototypes()
    out = []
    for ch in text:
        proto = table.get(ch) if ord(ch) > 0x7F and ch.isupper() else None
        out.append(("I" if proto == "l" else proto) if proto else ch)
    return "".join(out)


def nickname_key(nickname: str) -> str:
    """The key nicknames are unique on within a room: cleaned, NFKC, case-folded, then the
    confusable skeleton (case-folded again, until nothing changes), so look-alikes share it.

    At most :data:`MAX_KEY_LENGTH` characters: a longer skeleton is replaced by its digest.
    """
    text = _capitals_to_latin(unicodedata.normalize("NFKC", clean_nickname(nickname))).casefold()
    for _ in range(4):
        folded = _skeleton(text).casefold()
        if folded == text:
            break
        text = folded
    key = " ".join(text.split())
    if len(key) > MAX_KEY_LENGTH:
        key = "#" + hashlib.sha256(key.encode("utf-8")).hexdigest()[: MAX_KEY_LENGTH - 1]
    return key


def nickname_length(text: str) -> int:
    """Characters as a person counts them, roughly: one per grapheme cluster.

    Combining marks, variation selectors, joiners, skin-tone modifiers and trailing Hangul jamo
    do not count; an emoji joined by a ZWJ to the one before it does not count either (👩‍💻 is
    one), and a flag (two regional indicators) counts once.
    """
    length = 0
    regional_pending = False
    joined = False
    for ch in text:
        code = ord(ch)
        if joined:
            joined = False
            continue
        if ch == _ZWJ:
            joined = True
            continue
        if 0x1F1E6 <= code <= 0x1F1FF:
            if regional_pending:
                regional_pending = False
                continue
            regional_pending = True
            length += 1
            continue
        regional_pending = False
        if (
            unicodedata.category(ch) in ("Mn", "Me", "Mc", "Cf")
            or code in _EMOJI_MODIFIERS
            or 0x1160 <= code <= 0x11FF
            or 0xD7B0 <= code <= 0xD7FF
        ):
            continue
        length += 1
    return length


def _allowed(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Co", "Cs", "Cc"):
        return False
    if category == "Cn":
        return ord(ch) in _EMOJI_BLOCKS
    if category == "Cf":
        return ch == _ZWJ
    return True


def validate_nickname(raw: str) -> tuple[str | None, NicknameError | None]:
    """``(cleaned, None)`` for an acceptable nickname, else ``(None, error_code)``.

    Codes are checked in this order: ``empty``, ``too_long``, ``invalid_characters`` (private-use
    or unpaired surrogate characters, or no letter or digit at all, e.g. only punctuation).
    """
    cleaned = clean_nickname(raw)
    if not cleaned:
        return None, NicknameError.EMPTY
    if len(cleaned) > MAX_CODE_POINTS or nickname_length(cleaned) > MAX_LENGTH:
        return None, NicknameError.TOO_LONG
    if not all(_allowed(ch) for ch in cleaned):
        return None, NicknameError.INVALID_CHARACTERS
    if not any(unicodedata.category(ch)[0] in "LN" for ch in cleaned):
        return None, NicknameError.INVALID_CHARACTERS
    return cleaned, None


FRIENDLY_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        (
            "Brave", "Bold", "Calm", "Cheerful", "Clever", "Curious", "Gentle", "Happy",
            "Jolly", "Lucky", "Mighty", "Quiet", "Sleepy", "Sunny", "Swift", "Witty",
        ),
        (
            "Badger", "Dolphin", "Falcon", "Fox", "Hamster", "Hedgehog", "Koala", "Otter",
            "Owl", "Panda", "Penguin", "Rabbit", "Raccoon", "Squirrel", "Tiger", "Turtle",
        ),
    ),
    "ko": (
        (
            "용감한", "씩씩한", "차분한", "명랑한", "똑똑한", "호기심 많은", "다정한", "행복한",
            "신나는", "운 좋은", "힘센", "조용한", "졸린", "반짝이는", "재빠른", "재치 있는",
        ),
        (
            "오소리", "돌고래", "매", "여우", "햄스터", "고슴도치", "코알라", "수달",
            "부엉이", "판다", "펭귄", "토끼", "너구리", "다람쥐", "호랑이", "거북이",
        ),
    ),
}  # fmt: skip
_RANDOM_TRIES = 30


def friendly_nickname(rng: random.Random, language: str = "en", *, taken: Collection[str] = ()) -> str:
    """A friendly "adjective animal" nickname, like Kahoot's, for shy or careless typists.

    ``language`` is ``"ko"`` or ``"en"`` (a region suffix such as ``ko-KR`` is fine; anything
    else falls back to English). ``taken`` holds the :func:`nickname_key` of names already used
    in the room: a free combination is drawn if one turns up quickly, otherwise a number is
    appended (``Brave Otter2``). Deterministic for a seeded ``rng``.
    """
    base_language = (language or "en").replace("_", "-").split("-")[0].lower()
    adjectives, animals = FRIENDLY_WORDS.get(base_language, FRIENDLY_WORDS["en"])
    name = ""
    for _ in range(_RANDOM_TRIES):
        name = f"{rng.choice(adjectives)} {rng.choice(animals)}"
        if nickname_key(name) not in taken:
            return name
    suffix = 2
    while nickname_key(f"{name}{suffix}") in taken:
        suffix += 1
    return f"{name}{suffix}"
