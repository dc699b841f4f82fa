"""A returned paper tracker typed in with the keyboard alone, at a person's pace, in under a minute."""

import datetime
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress.models import DayLog, LogSource
from tests.e2e.conftest import sign_in
from tests.factories import ExerciseFactory, ProgramFactory, ProgramItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.clock]  # depends on today: rerun with the clock shifted

WEEKS, EXERCISES = 6, 7
# One character a day, as the paper's boxes read: done every day but the fifth.
ROW = "1111-11"
KEY_DELAY_MS = 60  # a practised typist; Tab after every box


def test_six_week_seven_exercise_tracker_is_typed_in_under_a_minute(page, live_server, clinic, patient, clinician):
    start = timezone.localdate() - datetime.timedelta(weeks=WEEKS)
    program = ProgramFactory(
        clinic=clinic, patient=patient, created_by=clinician, start_date=start, duration_weeks=WEEKS
    )
    for number in range(EXERCISES):
        exercise = ExerciseFactory(name=f"Exercise {number + 1}", slug=f"paper-exercise-{number + 1}")
        ProgramItemFactory(
            program=program, exercise=exercise, order=number, times_per_day=1, days_per_week=7, weekdays=""
        )
    sign_in(page, live_server, clinician.username)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.get_by_role("link", name="Type in a paper tracker").click()

    began = time.monotonic()
    page.get_by_label("Exercise 1, week 1").focus()
    for week in range(WEEKS):
        for _row in range(EXERCISES):
            page.keyboard.type(ROW, delay=KEY_DELAY_MS)
            page.keyboard.press("Tab")
        for day in range(7):
            page.keyboard.type(str((week + day) % 8), delay=KEY_DELAY_MS)
            if (week, day) != (WEEKS - 1, 6):
                page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Paper tracker saved: 42 day(s) changed.")).to_be_visible()
    elapsed = time.monotonic() - began

    assert elapsed < 60, elapsed
    expect(page.get_by_role("row", name="So far")).to_contain_text(f"{WEEKS * EXERCISES * 6} / {WEEKS * EXERCISES * 7}")
    logs = DayLog.objects.filter(program=program).order_by("day")
    assert logs.count() == WEEKS * 7
    assert {(log.source, log.entered_by_id) for log in logs} == {(LogSource.PAPER, clinician.pk)}
    assert [log.pain for log in logs[:8]] == [0, 1, 2, 3, 4, 5, 6, 1]
