"""Property-based tests of the dose: its wording, its time estimate and its validation."""

import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from exercises.dose import (
    BOUNDS,
    SEPARATOR,
    WEEKDAY_CODES,
    Side,
    clean_dose,
    describe_dose,
    estimate_seconds,
    rest_day_default,
)


def _dose(**overrides):
    values = dict(
        sets=2,
        reps=10,
        duration_seconds=None,
        hold_seconds=0,
        rest_seconds=0,
        side="na",
        times_per_day=1,
        days_per_week=3,
        weekdays="",
        rest_day=False,
        load="",
        progression_note="",
    )
    return SimpleNamespace(**{**values, **overrides})


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

    first = parts(text)[0]
    # The number is per side whenever both sides work: "10 each side", never "each side" alone.
    per_side = {Side.EACH: " each side", Side.ALTERNATING: " each side, alternating sides"}.get(dose.side, "")
    assert first.endswith(per_side), text
    assert "alternat" not in text or dose.side == Side.ALTERNATING
    first = first.removesuffix(per_side)
    if dose.reps is not None:
        expected = f"{dose.sets} sets of {dose.reps}" if dose.sets > 1 else f"{dose.reps} repetition"
        assert text.startswith(expected), text
    else:
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
    if dose.load:
        assert dose.load in text
    # One set has nothing to rest between.
    assert ("between sets" in text) == bool(dose.rest_seconds and dose.sets > 1), text
    assert "between sessions" not in text  # no rest day asked for
    per_day = {1: "once a day", 2: "twice a day"}.get(dose.times_per_day, f"{dose.times_per_day} times a day")
    assert per_day in parts(text), text
    if len(dose.weekdays.split(",")) == 7:
        assert text.endswith("every day")


@given(valid_doses())
@example(_dose(sets=1, reps=1, days_per_week=7))
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
    both = SimpleNamespace(
        **{
            **vars(dose),
            "reps": data.draw(_bounded("reps")),
            "duration_seconds": data.draw(_bounded("duration_seconds")),
            "hold_seconds": 0,
        }
    )
    with pytest.raises(ValidationError) as both_error:
        clean_dose(both)
    assert "duration_seconds" in both_error.value.message_dict

    neither = SimpleNamespace(**{**vars(dose), "reps": None, "duration_seconds": None})
    with pytest.raises(ValidationError) as neither_error:
        clean_dose(neither)
    assert neither_error.value.message_dict["reps"] == ["Enter reps or a duration."]


@given(_bounded("duration_seconds"), st.integers(min_value=0, max_value=BOUNDS["hold_seconds"][1]))
def test_a_hold_must_be_shorter_than_the_timed_set(duration, hold):
    dose = _dose(sets=1, reps=None, duration_seconds=duration, hold_seconds=hold, days_per_week=7)
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


@pytest.mark.parametrize(
    ("side", "sets", "expected"),
    [
        ("each", 2, "2 sets of 10 each side"),
        ("alternating", 2, "2 sets of 10 each side, alternating sides"),
        ("alternating", 1, "10 repetitions each side, alternating sides"),
        ("each", 1, "10 repetitions each side"),
        ("left", 2, "2 sets of 10 · left side"),
    ],
)
def test_both_sided_doses_say_the_number_is_per_side(side, sets, expected):
    assert describe_dose(_dose(side=side, sets=sets)).startswith(expected)


def test_one_set_never_mentions_rest_between_sets():
    assert "between sets" not in describe_dose(_dose(sets=1, rest_seconds=60))
    assert "rest 1 minute between sets" in describe_dose(_dose(sets=2, rest_seconds=60))


@pytest.mark.parametrize(("days", "weekdays"), [(2, ""), (3, ""), (3, "mon,wed,fri"), (2, "tue,fri")])
def test_a_rest_day_dose_says_to_leave_a_day_between_sessions(days, weekdays):
    dose = _dose(days_per_week=days, weekdays=weekdays, rest_day=True)
    clean_dose(dose)
    assert describe_dose(dose).endswith(" · leave a day between sessions")
    assert "between sessions" not in describe_dose(_dose(days_per_week=days, weekdays=weekdays))


@pytest.mark.parametrize(
    ("days", "weekdays", "message"),
    [
        (4, "", "at most 3 days a week"),
        (None, "mon,tue,thu", "next to each other"),
        (None, "mon,sun", "next to each other"),  # Sunday, then Monday
    ],
)
def test_a_rest_day_that_the_days_leave_no_room_for_is_refused_on_its_field(days, weekdays, message):
    with pytest.raises(ValidationError) as error:
        clean_dose(_dose(days_per_week=days, weekdays=weekdays, rest_day=True))
    [text] = error.value.message_dict["rest_day"]
    assert message in text


@pytest.mark.parametrize(
    ("kind", "days", "weekdays", "expected"),
    [
        ("strengthening", 3, "", True),
        ("strengthening", 2, "", True),
        ("strengthening", 7, "", False),
        ("strengthening", None, "mon,wed,fri", True),
        ("stretch", 3, "", False),
        ("strengthening", 1, "", False),
    ],
)
def test_the_catalogue_default_rests_a_day_for_strengthening_two_or_three_days_a_week(kind, days, weekdays, expected):
    assert rest_day_default(kind=kind, days_per_week=days, weekdays=weekdays) is expected
