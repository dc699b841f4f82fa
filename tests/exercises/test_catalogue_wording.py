"""The words a patient reads about every bundled exercise: its "Why:" line, its default dose and
its progression. Runs over every file of exercises/catalogue/, so exercises added later are held
to the same rules."""

import re
from types import SimpleNamespace

import pytest

from exercises.dose import REP_UNIT_WORDS, describe_dose, format_seconds
from exercises.models import Exercise
from exercises.services import bundled_catalogue
from exercises.wording import jargon_in, progression_problem

RECORDS = bundled_catalogue()["exercises"]
# Names of things written on them, which a patient reads as they are ("the leg extension machine").
NAMED_THINGS = re.compile(r"leg extension machine", re.IGNORECASE)


def _dose(record):
    values = {field: Exercise._meta.get_field(field).get_default() for field in Exercise.DOSE_FIELDS}
    return SimpleNamespace(**{**values, **record["dose"]})


def _patient_text(record):
    dose = _dose(record)
    texts = [record.get("purpose", ""), dose.progression_note, describe_dose(dose), *record["steps"]]
    texts += record["cautions"]
    return [NAMED_THINGS.sub("", text) for text in texts]


@pytest.mark.parametrize("record", RECORDS, ids=[record["slug"] for record in RECORDS])
def test_every_exercise_says_why_in_a_patient_s_words(record):
    purpose = record.get("purpose", "")
    assert purpose, "no Why: line"
    assert purpose[0].isupper() and purpose.endswith("."), purpose
    assert len(purpose) <= Exercise._meta.get_field("purpose").max_length


@pytest.mark.parametrize("record", RECORDS, ids=[record["slug"] for record in RECORDS])
def test_every_default_dose_reads_plainly(record):
    dose = _dose(record)
    line = describe_dose(dose)
    # One duration style: "90 seconds" or "2 minutes", never "1 min 30 seconds" or "1½ minutes".
    for text in (line, dose.progression_note):
        assert not re.search(r"\bmins?\b|½|\bminutes? (?:and )?\d+ seconds?", text), text
    # A unit for every count: "3 sets of 3 circles", never "3 sets of 3".
    if dose.reps:
        assert dose.rep_unit in REP_UNIT_WORDS, f"{line}: choose what the patient counts"
        assert re.search(rf"\b{dose.reps} {re.escape(dose.rep_unit[:4])}", line), line
    # A progression is a step beyond the dose, never the dose again or less.
    assert progression_problem(dose) == "", progression_problem(dose)


@pytest.mark.parametrize("record", RECORDS, ids=[record["slug"] for record in RECORDS])
def test_no_jargon_in_what_the_patient_reads(record):
    found = {word for text in _patient_text(record) for word in jargon_in(text)}
    assert not found, found


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(5, "5 seconds"), (60, "1 minute"), (90, "90 seconds"), (120, "2 minutes"), (150, "150 seconds")],
)
def test_one_duration_style(seconds, words):
    assert format_seconds(seconds) == words


def _item(**values):
    dose = {"sets": 1, "reps": 10, "duration_seconds": None, "hold_seconds": 0, "progression_note": ""}
    return SimpleNamespace(**{**dose, **values})


@pytest.mark.parametrize(
    ("dose", "flagged"),
    [
        (_item(sets=2, progression_note="Build up to 2 sets, then to holds of 10 seconds."), True),
        (_item(sets=1, progression_note="Build up to 2 sets, then to holds of 10 seconds."), False),
        (_item(reps=3, hold_seconds=30, progression_note="Do 2 to 4 stretches per side as advised."), True),
        (_item(reps=3, hold_seconds=30, progression_note="Hold each stretch for up to 45 seconds."), False),
        (_item(reps=None, duration_seconds=30, progression_note="Build up to 30 seconds."), True),
        (_item(reps=None, duration_seconds=60, progression_note="Stay down for up to 3 minutes."), False),
        (_item(sets=3, progression_note="Increase the weight once 3 sets of 12 feel easy."), True),
        (_item(progression_note="Add a light ankle weight (0.5 to 1 kg)."), False),
        (_item(reps=8, progression_note="Add 2 reps each week while it stays comfortable"), False),
    ],
)
def test_a_progression_that_repeats_or_undercuts_the_dose_is_flagged(dose, flagged):
    assert bool(progression_problem(dose)) == flagged
