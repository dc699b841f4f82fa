"""Checks on the words a patient reads about an exercise: its progression against its dose, and
clinical jargon. The builder flags what they find; the catalogue's tests hold every bundled
exercise to them (tests/exercises/test_catalogue_wording.py).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Words a patient may stumble on, with what to say instead (a short list, not a dictionary:
# the ones the catalogue once used). Matched as whole words, case-insensitively.
JARGON = {
    "progression": "next step",
    "flexion": "bending",
    "extension": "straightening or bending back",
    "rotation": "turning",
    "abduction": "moving out to the side",
    "adduction": "moving in towards the body",
    "prone": "face down",
    "supine": "on your back",
    "quadruped": "on hands and knees",
    "lumbar": "lower back",
    "cervical": "neck",
    "thoracic": "upper back",
    "isometric": "without moving",
    "contralateral": "opposite",
    "ipsilateral": "same side",
    "proprioception": "balance",
    "eccentric": "slow lowering",
    "reps": "repetitions",
}
_JARGON = re.compile(r"\b(" + "|".join(map(re.escape, JARGON)) + r")\b", re.IGNORECASE)


def jargon_in(text: str) -> list[str]:
    """The words of ``JARGON`` in ``text``, lower-cased, in order."""
    return [match.lower() for match in _JARGON.findall(text or "")]


_COUNT_WORDS = (
    r"repetitions?|reps?|lifts?|stretch(?:es)?|circles?|steps?|turns?|slides?|press-ups?|squats?|curls?|times"
)
# "2 sets", "12 to 15 lifts", "30 seconds", "3 minutes": a number of something the dose prescribes.
_AMOUNT = re.compile(
    r"(?<![\d.,])(\d+)(?:\s*(?:to|-|–)\s*(\d+))?\s+(sets?|seconds?|minutes?|" + _COUNT_WORDS + r")\b",
    re.IGNORECASE,
)

# Words that make the amount after them an increment ("add 2 reps", "another 5 seconds").
_INCREMENT = re.compile(r"\b(?:add|adding|another|extra|by)\s+(?:up\s+to\s+|a\s+further\s+)?$", re.IGNORECASE)


def _prescribed(dose, word: str) -> tuple[int, str] | None:
    """What the dose prescribes of the quantity ``word`` counts, and how to say it."""
    word = word.lower()
    if word.startswith("set"):
        return (dose.sets or 1), _("%(n)d sets") % {"n": dose.sets or 1}
    if word.startswith(("second", "minute")):
        seconds = max(getattr(dose, "duration_seconds", None) or 0, dose.hold_seconds or 0)
        return (seconds, _("%(n)d seconds") % {"n": seconds}) if seconds else None
    reps = getattr(dose, "reps", None)
    return (reps, _("%(n)d repetitions") % {"n": reps}) if reps else None


def progression_problem(dose) -> str:
    """Why the dose's progression ("When it gets easy: …") should not be printed with it, or "".

    A progression names a step beyond the dose. One that names an amount the dose already
    prescribes, or less ("build up to 2 sets" at 2 sets; "do 2 to 4 stretches" at 3), repeats or
    contradicts it: the patient cannot tell which to follow.
    """
    text = getattr(dose, "progression_note", "") or ""
    for match in _AMOUNT.finditer(text):
        if _INCREMENT.search(text[: match.start()]):
            continue  # "add 2 repetitions each week": a step up, not a target
        low, word = int(match.group(1)), match.group(3)
        prescribed = _prescribed(dose, word)
        if prescribed is None:
            continue
        if low * (60 if word.lower().startswith("minute") else 1) <= prescribed[0]:
            return _(
                "“When it gets easy” names %(amount)s, which the dose already asks for or goes beyond (%(dose)s): "
                "it is left out of the handout until it names a next step."
            ) % {"amount": " ".join(match.group(0).split()), "dose": prescribed[1]}
    return ""
