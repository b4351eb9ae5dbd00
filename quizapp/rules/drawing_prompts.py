"""Drawing rounds' prompts: which class each prompt is, and who draws what (pure rules).

A prompt is the text the instructor typed ("고양이 / cat"). Its **key** is the label the
drawings get in the data set: the generated doodle class when one of the prompt's names is a
doodle the platform can generate ("house", "집"), so generated doodles can join the class's own
drawings; otherwise the prompt's first name, cleaned. Two prompts with the same key would be
one class, so they are refused when the question is saved.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache

from mlcore.learn.doodles import DOODLE_CLASSES

MIN_PROMPTS, MAX_PROMPTS = 2, 10
MAX_PROMPT_LENGTH = 60
#: "고양이 / cat": a prompt may give its name in both languages.
NAME_SEPARATOR = "/"


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def prompt_names(text: str) -> list[str]:
    """The prompt's names, in the order written (``"고양이 / cat"`` -> ``["고양이", "cat"]``)."""
    return [part.strip() for part in str(text).split(NAME_SEPARATOR) if part.strip()]


@cache
def _doodle_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, names in DOODLE_CLASSES.items():
        for name in (key, *names.values()):
            index[_fold(name)] = key
    return index


@cache
def prompt_key(text: str) -> str:
    """The data-set label of a prompt: a doodle class key, or its first name (NFC, single spaces)."""
    names = prompt_names(text)
    index = _doodle_index()
    for name in names:
        key = index.get(_fold(name))
        if key is not None:
            return key
    first = names[0] if names else str(text).strip()
    return " ".join(unicodedata.normalize("NFC", first).split())[:MAX_PROMPT_LENGTH]


def is_doodle_class(key: str) -> bool:
    """Whether generated doodles exist for this key (they may join the class's drawings)."""
    return key in DOODLE_CLASSES


def prompt_keys(texts: Sequence[str]) -> list[str]:
    return [prompt_key(t) for t in texts]


def duplicate_key(texts: Sequence[str]) -> str | None:
    """The first key two prompts share (they would be one class), or ``None``."""
    seen: set[str] = set()
    for key in prompt_keys(texts):
        folded = _fold(key)
        if folded in seen:
            return key
        seen.add(folded)
    return None


def assigned_prompt(join_index: int, question_position: int, prompt_count: int) -> int:
    """Round-robin by join order, shifted by the question's position so a student draws a
    different prompt in the next drawing round; any ``prompt_count`` consecutive joiners cover
    every prompt exactly once, so the classes stay balanced however many students there are."""
    if prompt_count <= 0:
        raise ValueError("a drawing question has prompts")
    return (join_index + question_position) % prompt_count


def class_balance(counts: dict[str, int], keys: Sequence[str]) -> dict[str, int]:
    """Counts for every prompt key (zero for a class nobody drew yet), in prompt order."""
    return {key: int(counts.get(key, 0)) for key in keys}
