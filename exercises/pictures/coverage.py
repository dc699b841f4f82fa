"""Which sentences of an exercise's steps a picture's constraints check, and which they do not.

A picture's constraints each carry ``says``, the fact in the steps' words. A step sentence
counts as checked by the picture when one of its constraints' ``says`` shares at least two
key words with it, or all of them when it has one or two ("hips lifted" checks "Lift your
hips into a bridge."). Words nearly every step uses (floor, back, lie, lower, side) do not
count on their own, so "lower back stays on the floor" does not check "Pause, then lower
yourself slowly back down." This is a word match, not understanding: the review sheet shows
the facts and the unchecked sentences side by side so a reviewer sees both, and a sentence
no picture can show ("Tighten your tummy muscles.") is honestly listed as not checked.
"""

from __future__ import annotations

import re

_STOP = frozenset(
    """the and your you with for then that this from onto into over each one other both
    keep hold let are can not but its them they their there here when while where has have
    about just only until again down out off""".split()
)
# Shared, these say nothing about which fact: almost every step and fact has them.
_WEAK = frozenset({"floor", "back", "lie", "lower", "side", "slowly", "body", "position"})
MIN_SHARED = 2


def sentences(steps: list[str]) -> list[str]:
    """The steps split into sentences, in order."""
    out = []
    for step in steps:
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", step) if s.strip()]
    return out


def _stem(word: str) -> str:
    for ending in ("ing", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    # "flatten" / "flat", "straighten" / "straight": the verb checks the same fact.
    if word.endswith("en") and len(word) > 5:
        word = word[:-2]
    return word[:-1] if word.endswith("tt") else word


def key_words(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return {_stem(w) for w in words if len(w) >= 3 and w not in _STOP}


def covers(says: str, sentence: str) -> bool:
    words = key_words(sentence)
    facts = key_words(says) - _WEAK
    if not facts:  # a fact told only in common words ("lower back on the floor") needs all of them
        return bool(key_words(says)) and key_words(says) <= words
    shared = facts & words
    return len(shared) >= MIN_SHARED or (0 < len(facts) <= MIN_SHARED and shared == facts)


def coverage(steps: list[str], says: list[str]) -> list[tuple[str, list[str]]]:
    """Each step sentence with the ``says`` that check it (an empty list: not checked)."""
    return [(sentence, [s for s in says if covers(s, sentence)]) for sentence in sentences(steps)]
