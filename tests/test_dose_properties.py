"""Property-based tests of the dose: its wording, its time estimate and its validation."""

import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from exercises.dose import BOUNDS, SEPARATOR, WEEKDAY_CODES, Side, clean_dose, describe_dose, estimate_seconds


def _bounded(field):
    low, high = BOUNDS[field]
    return st.integers(min_value=low, max_value=high)


weekdays = st.lists(st.sampled_from(WEEKDAY_CODES), unique=True, max_size=7).map(",".join)


@st.composite
def valid_doses(draw):
    timed = draw(st.booleans())
    duration = draw(_bounded("duration_seconds")) if timed else None
    hold_high = min(BOUNDS["hold_seconds"][1], duration - 1) if timed else BOUNDS["hold_seconds"][1]
    return SimpleNamespace(
        sets=draw(_bounded("sets")),
        reps=None if timed else draw(_bounded("reps")),
        duration_seconds=duration,
        hold_seconds=draw(st.integers(min_value=0, max_value=hold_high)),
        rest_seconds=draw(_bounded("rest_seconds")),
        side=draw(st.sampled_from(Side.values)),
        times_per_day=draw(_bounded("times_per_day")),
        days_per_week=draw(st.none() | _bounded("days_per_week")),
        weekdays=draw(weekdays),
        load=draw(st.sampled_from(["", "1 kg ankle weight", "red band"])),
        progression_note=draw(st.text(max_size=50)),
    )


@given(valid_doses())
def test_every_valid_dose_reads_as_plain_language(dose):
    text = describe_dose(dose)
    assert text and text == text.strip()
    assert "None" not in text and "{" not in text and "%" not in text
    parts = text.split(SEPARATOR)
    assert all(parts), text  # no empty part between separators
    assert len(parts) == len(set(parts)), text
    assert any(part.endswith("a day") for part in parts), text


@given(valid_doses())
def test_the_wording_names_each_number_the_patient_must_follow(dose):
    text = describe_dose(dose)

    def parts(value):
        return value.split(SEPARATOR)

    if dose.reps is not None:
        expected = f"{dose.sets} sets of {dose.reps}" if dose.sets > 1 else f"{dose.reps} repetition"
        assert text.startswith(expected), text
    else:
        first = parts(text)[0]
        if dose.sets > 1:
            assert first.startswith(f"{dose.sets} sets of "), text
        duration = first.removeprefix(f"{dose.sets} sets of ")
        # "30 seconds", "2 minutes", "1 min 5 seconds": the words add up to the duration set.
        match = re.fullmatch(r"(?:(\d+) min(?:utes?)?)? ?(?:(\d+) seconds?)?", duration)
        assert duration and match, text
        minutes, seconds = (int(group or 0) for group in match.groups())
        assert minutes * 60 + seconds == dose.duration_seconds, text
    if dose.hold_seconds:
        assert "hold " in text
    if dose.side == Side.EACH:
        assert "each side" in text
    if dose.load:
        assert dose.load in text
    # Rest is between sets: a one-set dose never mentions it.
    assert ("between sets" in text) == bool(dose.rest_seconds and dose.sets > 1), text
    per_day = {1: "once a day", 2: "twice a day"}.get(dose.times_per_day, f"{dose.times_per_day} times a day")
    assert per_day in parts(text), text
    if len(dose.weekdays.split(",")) == 7:
        assert text.endswith("every day")


@given(valid_doses())
@example(SimpleNamespace(sets=1, reps=1, duration_seconds=None, hold_seconds=0, rest_seconds=0, side="na",
                         times_per_day=1, days_per_week=7, weekdays="", load="", progression_note=""))
def test_the_time_estimate_is_positive_and_grows_with_the_work(dose):
    seconds = estimate_seconds(dose)
    assert isinstance(seconds, int) and seconds > 0
    more_sets = SimpleNamespace(**{**vars(dose), "sets": dose.sets + 1})
    assert estimate_seconds(more_sets) > seconds
    if dose.reps is not None:
        more_reps = SimpleNamespace(**{**vars(dose), "reps": dose.reps + 1})
        assert estimate_seconds(more_reps) > seconds
    if dose.side == Side.NA:
        each_side = SimpleNamespace(**{**vars(dose), "side": Side.EACH})
        rests = (dose.sets - 1) * dose.rest_seconds
        assert estimate_seconds(each_side) - rests == 2 * (seconds - rests)


@given(valid_doses())
def test_valid_doses_pass_validation(dose):
    clean_dose(dose)


@given(valid_doses(), st.data())
def test_reps_and_duration_together_or_neither_are_refused_on_the_field_to_change(dose, data):
    both = SimpleNamespace(**{**vars(dose), "reps": data.draw(_bounded("reps")),
                              "duration_seconds": data.draw(_bounded("duration_seconds")), "hold_seconds": 0})
    with pytest.raises(ValidationError) as both_error:
        clean_dose(both)
    assert "duration_seconds" in both_error.value.message_dict

    neither = SimpleNamespace(**{**vars(dose), "reps": None, "duration_seconds": None})
    with pytest.raises(ValidationError) as neither_error:
        clean_dose(neither)
    assert neither_error.value.message_dict["reps"] == ["Enter reps or a duration."]


@given(_bounded("duration_seconds"), st.integers(min_value=0, max_value=BOUNDS["hold_seconds"][1]))
def test_a_hold_must_be_shorter_than_the_timed_set(duration, hold):
    dose = SimpleNamespace(sets=1, reps=None, duration_seconds=duration, hold_seconds=hold, rest_seconds=0,
                           side="na", times_per_day=1, days_per_week=7, weekdays="", load="", progression_note="")
    if hold < duration:
        clean_dose(dose)
    else:
        with pytest.raises(ValidationError) as error:
            clean_dose(dose)
        assert list(error.value.message_dict) == ["hold_seconds"]


@given(valid_doses(), st.text(min_size=1, max_size=12))
def test_unknown_weekdays_are_refused(dose, junk):
    assume(any(code and code not in WEEKDAY_CODES for code in junk.split(",")))
    bad = SimpleNamespace(**{**vars(dose), "weekdays": junk})
    with pytest.raises(ValidationError) as error:
        clean_dose(bad)
    assert error.value.message_dict["weekdays"] == ["Choose days from Mon to Sun."]
