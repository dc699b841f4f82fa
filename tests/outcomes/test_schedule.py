from datetime import date

import pytest

from outcomes.schedule import due_dates

MONDAY = date(2026, 11, 2)
# The due dates are pure arithmetic on the start date; the clock is fixed all the same, so no
# test here could start to depend on today unnoticed.
pytestmark = pytest.mark.clock(MONDAY)


def test_start_every_two_weeks_and_end_of_a_six_week_program():
    days = due_dates(start=MONDAY, weeks=6, at_start=True, every_weeks=2, at_end=True)
    assert days == [date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 30), date(2026, 12, 13)]


def test_end_only_is_the_programs_last_day():
    assert due_dates(start=MONDAY, weeks=4, at_start=False, every_weeks=None, at_end=True) == [date(2026, 11, 29)]


def test_no_start_date_no_dates():
    assert due_dates(start=None, weeks=6, at_start=True, every_weeks=1, at_end=True) == []


def test_a_date_is_listed_once_when_schedules_meet():
    days = due_dates(start=MONDAY, weeks=1, at_start=True, every_weeks=1, at_end=True)
    assert days == [date(2026, 11, 2), date(2026, 11, 8)]
