"""Scoring per shipped instrument, against worked examples of its published scoring rule."""

from decimal import Decimal

import pytest

from outcomes.definitions import Answer, Verdict, change_verdict, score
from tests.outcomes.factories import bundled

NPRS, PSFS = bundled("nprs"), bundled("psfs")


def _psfs(*ratings):
    return {
        f"activity_{n}": Answer(value, f"activity {n}" if value is not None else "")
        for n, value in enumerate(ratings, start=1)
    }


def test_nprs_score_is_the_number_chosen():
    assert score(NPRS, {"average_24h": Answer(7)}) == Decimal(7)
    assert score(NPRS, {"average_24h": Answer(0)}) == Decimal(0)


def test_nprs_unanswered_gives_no_score():
    assert score(NPRS, {"average_24h": Answer(None)}) is None
    assert score(NPRS, {}) is None


def test_psfs_worked_example_three_activities_mean():
    # Stratford 1995: total = sum of the activity scores / number of activities; 3, 5, 4 → 12 / 3 = 4.
    assert score(PSFS, _psfs(3, 5, 4)) == Decimal("4.0")


def test_psfs_five_activities_rounded_to_one_decimal():
    # 2 + 4 + 5 + 6 + 7 = 24 → 24 / 5 = 4.8
    assert score(PSFS, _psfs(2, 4, 5, 6, 7)) == Decimal("4.8")
    # 1 + 2 + 2 + 2 = 7 → 7 / 4 = 1.75 → 1.8 (half up)
    assert score(PSFS, _psfs(1, 2, 2, 2)) == Decimal("1.8")


def test_psfs_unrated_activities_are_left_out_of_the_mean():
    # Five lines, two left blank: the mean of the three rated, not a blank counted as 0.
    assert score(PSFS, _psfs(6, None, 8, None, 7)) == Decimal("7.0")


def test_psfs_fewer_than_three_rated_gives_no_score():
    assert score(PSFS, _psfs(6, 8)) is None
    assert score(PSFS, _psfs(6, None, None, 8)) is None


@pytest.mark.parametrize(
    ("definition", "baseline", "current", "verdict"),
    [
        # Pain: lower is better; MCID 2.
        (NPRS, 7, 5, Verdict.IMPROVED),
        (NPRS, 7, 6, Verdict.NO_CHANGE),
        (NPRS, 4, 6, Verdict.WORSE),
        (NPRS, 4, 5, Verdict.NO_CHANGE),
        # Function: higher is better; MCID 2.
        (PSFS, Decimal("3.0"), Decimal("5.0"), Verdict.IMPROVED),
        (PSFS, Decimal("3.0"), Decimal("4.9"), Verdict.NO_CHANGE),
        (PSFS, Decimal("6.0"), Decimal("4.0"), Verdict.WORSE),
    ],
)
def test_change_is_judged_against_the_mcid_in_the_instrument_direction(definition, baseline, current, verdict):
    assert change_verdict(definition, Decimal(baseline), Decimal(current)) == verdict
