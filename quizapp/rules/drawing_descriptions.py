"""A description in words instead of a drawing (a student who cannot draw still takes part).

Hostile text is treated as nicknames are (:func:`quizapp.rules.nicknames.clean_nickname`): NFC,
whitespace as single spaces, no control or invisible characters; the length is a short answer's.
Pages escape it when they show it.
"""

from __future__ import annotations

from quizapp.rules.nicknames import clean_nickname

__all__ = ["MAX_DESCRIPTION_LENGTH", "clean_description"]

#: Longest description, in code points after cleaning (a short answer's limit).
MAX_DESCRIPTION_LENGTH = 200


def clean_description(raw: object) -> str | None:
    """The description as stored and displayed, or ``None`` when it is not text, empty or too long."""
    if not isinstance(raw, str) or len(raw) > 4 * MAX_DESCRIPTION_LENGTH:
        return None
    cleaned = clean_nickname(raw)
    if not cleaned or len(cleaned) > MAX_DESCRIPTION_LENGTH:
        return None
    # A lone surrogate (JSON's "\ud800") is no character and no database stores it: refused here,
    # not failing the batch of drawings it came with.
    if any("\ud800" <= ch <= "\udfff" for ch in cleaned):
        return None
    return cleaned
