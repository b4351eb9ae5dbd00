"""Is this answer right? Short-answer matching and multiple-choice checking.

Students type on phones with Korean and English keyboards, so the same word can arrive as
different code points: Hangul as composed syllables (NFC) or as conjoining jamo (NFD, common on
macOS/iOS copy-paste), Latin letters as full-width forms (``ＡＩ``) from a Korean IME, with stray
zero-width characters pasted from chat apps, odd spacing and any capitalisation. None of that
should make a right answer wrong. Punctuation is *not* ignored: ``C++`` and ``C`` differ.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["choice_correct", "matches", "normalise_answer"]

#: Invisible characters that are not in category Cf (which is removed wholesale): Hangul fillers,
#: the combining grapheme joiner, Khmer inherent vowels and the braille blank.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u2800")


def _strip_invisible(text: str) -> str:
    out = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def normalise_answer(text: str) -> str:
    """The form answers are compared in: NFKC, case-folded, invisibles removed, spaces collapsed.

    Invisibles go first so that NFD jamo split by a zero-width space still compose into one
    syllable; NFKC runs again after case folding because folding can decompose characters.
    """
    text = _strip_invisible(text or "")
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def matches(given: str, accepted: Iterable[str]) -> bool:
    """Whether ``given`` equals one of the ``accepted`` answers after normalisation.

    A blank answer never matches, even if an accepted answer is blank by mistake.
    """
    answer = normalise_answer(given)
    if not answer:
        return False
    return any(answer == normalise_answer(option) for option in accepted)


def choice_correct(selected: Iterable[int], correct: Iterable[int]) -> bool:
    """Multiple choice: right only if exactly the correct options are selected.

    With several correct options a partial selection is wrong (no partial credit). A question
    with no correct option is a poll and has no right answer, so this returns False for it.
    """
    correct_set = frozenset(correct)
    return bool(correct_set) and frozenset(selected) == correct_set
