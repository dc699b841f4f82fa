"""The one schedule: every output that names a day (the printed tracker, the phone's Today and
7-day table, the calendar reminder, adherence, the link's expiry) says what it says."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from exercises.dose import WEEKDAY_CODES
from prescriptions.handout.context import handout_context, tracker_weeks
from prescriptions.handout.links import default_link_expiry
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Handout
from prescriptions.schedule import SPREAD, Period, Schedule, dose_weekdays
from progress.adherence import adherence
from progress.log_services import DayEntry
from progress.log_views import reminder_calendar
from progress.models import DayLog
from progress.today import TodayItem, day_rows, glance_rows
from tests.prescriptions.logging_fixtures import items_by_name, make_logging_program
from tests.test_dose_properties import valid_doses

LONDON = ZoneInfo("Europe/London")
# Every test here names dates (a program from 28 December 2026): the clock is fixed, the tests
# that walk through a program move it further themselves.
pytestmark = pytest.mark.clock(datetime.date(2026, 12, 7))


def _oracle(dose, start: datetime.date, weeks: int, day: datetime.date) -> int:
    """Sessions on ``day`` as the design states it, written out independently of the module."""
    if not start <= day < start + datetime.timedelta(days=7 * weeks):
        return 0
    named = [WEEKDAY_CODES.index(c) for c in (dose.weekdays or "").split(",") if c]
    days = named or SPREAD[dose.days_per_week or 7]
    return (dose.times_per_day or 1) if day.weekday() in days else 0


@st.composite
def doses(draw):
    dose = draw(valid_doses())
    dose.rest_day = draw(st.booleans())
    return dose


starts = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2031, 12, 31))


def _items(dose_list) -> list[TodayItem]:
    return [
        TodayItem(
            pk=pk,
            exercise_id=pk,
            number=pk,
            name=f"Exercise {pk}",
            weekdays=dose.weekdays,
            days_per_week=dose.days_per_week,
            times_per_day=dose.times_per_day,
        )
        for pk, dose in enumerate(dose_list, start=1)
    ]


def _snapshot(dose_list, start, weeks) -> dict:
    return {
        "program": {"start_date": start.isoformat(), "duration_weeks": weeks},
        "items": [{"number": pk, "dose": vars(dose)} for pk, dose in enumerate(dose_list, start=1)],
    }


@settings(max_examples=60, deadline=None)
@given(
    dose_list=st.lists(doses(), min_size=1, max_size=4),
    start=starts,
    weeks=st.integers(min_value=1, max_value=52),
    today_offset=st.integers(min_value=-10, max_value=7 * 52 + 10),
)
@example(
    dose_list=[SimpleNamespace(weekdays="", days_per_week=3, times_per_day=1, rest_day=True)],
    start=datetime.date(2026, 12, 28),
    weeks=6,
    today_offset=-21,
)
@example(
    dose_list=[SimpleNamespace(weekdays="mon,sat", days_per_week=None, times_per_day=2, rest_day=False)],
    start=datetime.date(2028, 2, 29),
    weeks=1,
    today_offset=3,
)
def test_tracker_phone_calendar_and_adherence_all_equal_the_one_schedule(dose_list, start, weeks, today_offset):
    period = Period(start, weeks)
    items = _items(dose_list)
    schedule = Schedule.of_items(period, items)
    today = start + datetime.timedelta(days=today_offset)
    window = [start + datetime.timedelta(days=n) for n in range(-7, 7 * weeks + 7)]

    # The schedule itself is the design's rule: named days, else the fixed spread; nothing outside.
    for day in window:
        for item, dose in zip(items, dose_list, strict=True):
            assert schedule.sessions_on(item.pk, day) == _oracle(dose, start, weeks, day)
    assert period.last_day == start + datetime.timedelta(days=7 * weeks - 1)

    # The printed tracker: a week per program week, a box per prescribed session.
    printed = tracker_weeks(_snapshot(dose_list, start, weeks))
    assert len(printed) == weeks
    for number, week in enumerate(printed, start=1):
        assert week["days"] == period.week_days(number)
        for item in items:
            assert week["boxes"][item.number] == [schedule.sessions_on(item.pk, day) for day in week["days"]]

    # The phone: the day's tick boxes, and the 7-day table (only the program's days).
    for day in window:
        rows = day_rows(schedule, items, day, DayEntry())
        assert [len(row["sessions"]) for row in rows] == [schedule.sessions_on(item.pk, day) for item in items]
    glance = glance_rows(schedule, items, today, {})
    last_week = [today - datetime.timedelta(days=n) for n in range(6, -1, -1)]
    assert [g["day"] for g in glance] == [day for day in last_week if day in period]
    assert [g["due"] for g in glance] == [schedule.total_on(g["day"]) for g in glance]

    # The calendar: the RRULE's occurrences are exactly the session days from today on.
    calendar = reminder_calendar(schedule, today=today, reminder=datetime.time(18), url="https://x/", uid="u@x")
    expected = [d for d in window if d >= today and schedule.total_on(d)]
    if not expected:
        assert calendar is None  # an ended program has no reminders
    else:
        (event,) = Calendar.from_ical(calendar.to_ical()).walk("VEVENT")
        rule = event["rrule"].to_ical().decode()
        assert "BYDAY=;" not in rule + ";" and "BYDAY" in rule
        occurrences = list(rrulestr(rule, dtstart=event.decoded("dtstart")))
        assert [o.date() for o in occurrences] == expected
        assert event["rrule"]["UNTIL"][0].date() == expected[-1]

    # Adherence: its denominators are the schedule's sessions up to "until", per week and exercise.
    result = adherence(items, start=start, weeks=weeks, until=today, done={})
    counted = [d for d in window if d <= today]
    assert result.total.prescribed == sum(schedule.total_on(d) for d in counted)
    for number, first, tally in result.weeks:
        assert first == period.week_days(number)[0]
        assert tally.prescribed == sum(schedule.total_on(d) for d in period.week_days(number) if d <= today)
    for item, tally in result.exercises:
        assert tally.prescribed == sum(schedule.sessions_on(item.pk, d) for d in counted)


@pytest.mark.parametrize(("days_per_week", "expected"), [(1, {0}), (2, {0, 3}), (3, {0, 2, 4}), (None, set(range(7)))])
def test_n_days_a_week_without_named_days_is_a_fixed_spread_with_a_day_between_up_to_three(days_per_week, expected):
    assert dose_weekdays({"weekdays": "", "days_per_week": days_per_week}) == expected


# A program across the year boundary, through the pages themselves.


@pytest.fixture
def new_year_program(clinic, patient, clinician, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 10, tzinfo=LONDON))
    doses = [
        ("Bridge", {"times_per_day": 1, "weekdays": "", "days_per_week": 3}),
        ("Clamshell", {"times_per_day": 2, "weekdays": "tue,sun", "days_per_week": None}),
    ]
    return make_logging_program(
        clinic=clinic, patient=patient, user=clinician, start=datetime.date(2026, 12, 28), weeks=6, doses=doses
    )


def test_a_program_from_28_december_for_6_weeks_says_the_same_days_everywhere(
    client, clinician_client, clinician, new_year_program, time_machine
):
    program, token = new_year_program
    last_day = datetime.date(2027, 2, 7)  # Sunday: 6 whole weeks from Monday 28 December
    assert program.last_day == last_day

    # The printed handout: "until" the last day; tracker weeks 28 Dec – 3 Jan ... 1 – 7 Feb.
    snapshot = build_snapshot(program)
    context, _resources = handout_context(snapshot, pdf=True)
    assert context["last_day"] == last_day
    weeks = context["tracker_weeks"]
    mondays = [datetime.date(2026, 12, 28) + datetime.timedelta(weeks=n) for n in range(6)]
    assert [w["days"][0] for w in weeks] == mondays
    assert weeks[0]["span"] == "28 Dec – 3 Jan" and weeks[-1]["days"][-1] == last_day
    bridge_number = next(i["number"] for i in snapshot["items"] if i["name"] == "Bridge")
    assert weeks[0]["boxes"][bridge_number] == [1, 0, 1, 0, 1, 0, 0]  # Mon, Wed, Fri, as everywhere

    # The phone page before the start: no day offered, nothing counted as missed, a reminder from the start.
    page = client.get(reverse("public:handout", args=[token])).content.decode()
    assert "Your program starts on Monday 28 December 2026." in page
    assert 'name="day"' not in page and "today-glance" not in page
    for day in ("2026-12-07", ""):  # today, named or not: no day of the program yet
        response = client.post(reverse("public:today", args=[token]), {"day": day, "pain": "3"})
        assert response.status_code == 422 and not DayLog.objects.exists()

    (event,) = Calendar.from_ical(client.get(reverse("public:calendar", args=[token])).content).walk("VEVENT")
    assert event.decoded("dtstart").date() == datetime.date(2026, 12, 28)
    assert event["rrule"]["UNTIL"][0].date() == last_day  # Sunday: Clamshell's day
    assert sorted(event["rrule"]["BYDAY"]) == sorted(["MO", "TU", "WE", "FR", "SU"])

    # The link: 90 days after the last day; the card and its field agree.
    assert timezone.localdate(default_link_expiry(program)) == last_day + datetime.timedelta(days=90)
    panel = clinician_client.get(reverse("prescriptions:handout-panel", args=[program.pk])).content.decode()
    link = program.share_links.get()
    expires = timezone.localdate(link.expires_at)
    assert f"works until {expires:%-d %b %Y}" in panel and f'value="{expires.isoformat()}"' in panel

    # Adherence after the program: six weeks, none before the start; week 1 runs into 2027.
    time_machine.move_to(datetime.datetime(2027, 3, 1, 10, tzinfo=LONDON))
    clinician_client.force_login(clinician)  # the session has idled out meanwhile
    summary = clinician_client.get(reverse("prescriptions:program-adherence", args=[program.pk])).context["summary"]
    assert [(n, first) for n, first, _t in summary.weeks] == [
        (n + 1, datetime.date(2026, 12, 28) + datetime.timedelta(weeks=n)) for n in range(6)
    ]
    # Bridge 3 + Clamshell 2 × 2 a week, for six weeks.
    assert summary.total.prescribed == 6 * (3 + 4)
    # The calendar of an ended program has no reminders.
    assert client.get(reverse("public:calendar", args=[token])).status_code == 410


def test_days_before_the_start_are_not_shown_counted_or_logged(client, clinic, patient, clinician, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 9, 10, tzinfo=LONDON))  # a Wednesday
    program, token = make_logging_program(
        clinic=clinic, patient=patient, user=clinician, start=datetime.date(2026, 12, 7)
    )
    page = client.get(reverse("public:handout", args=[token])).content.decode()
    # The 7-day table starts on Monday 7 December: no "Tue 1 Dec 0/5".
    assert "Mon 7 Dec" in page and "Sun 6 Dec" not in page and "Tue 1 Dec" not in page
    items = items_by_name(program)
    day_before = {"day": "2026-12-06", "pain": "8", f"done-{items['Clamshell'].pk}": "1"}
    assert client.post(reverse("public:today", args=[token]), day_before).status_code == 422
    assert not DayLog.objects.filter(day__lt=program.start_date).exists()
    assert Handout.objects.filter(program=program).exists()
