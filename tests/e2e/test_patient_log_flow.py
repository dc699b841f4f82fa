"""The patient's side of the loop on a phone, and what the clinician then sees."""

import datetime
import re

import pytest
from dateutil.rrule import rrulestr
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from exercises.dose import WEEKDAY_CODES
from prescriptions.models import ShareLink
from progress.log_services import DayEntry, day_log_save
from tests.e2e.conftest import sign_in
from tests.prescriptions.logging_fixtures import items_by_name, make_logging_program

pytestmark = [pytest.mark.e2e, pytest.mark.clock]  # depends on today: rerun with the clock shifted

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
HEALTH_WORDS = ("pain", "bridge", "clamshell", "exercise program", "knee", "back", "jensen", "too hard", "note")


def _code(day: datetime.date) -> str:
    return WEEKDAY_CODES[day.weekday()]


@pytest.fixture
def phone_program(clinic, patient, clinician):
    """Exercise days that include today and yesterday, whatever day the test runs."""
    today = timezone.localdate()
    yesterday, later = today - datetime.timedelta(days=1), today + datetime.timedelta(days=3)
    doses = [
        (
            "Bridge",
            {
                "times_per_day": 2,
                "weekdays": ",".join({_code(today), _code(yesterday), _code(later)}),
                "days_per_week": None,
            },
        ),
        ("Clamshell", {"times_per_day": 1, "weekdays": ",".join({_code(today), _code(later)}), "days_per_week": None}),
    ]
    return make_logging_program(clinic=clinic, patient=patient, user=clinician, doses=doses)


def test_patient_logs_today_on_a_phone_corrects_yesterday_and_adds_a_calendar_reminder(
    browser, live_server, phone_program
):
    program, token = phone_program
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    context = browser.new_context(**PHONE)  # fresh: no account, no cookies
    page = context.new_page()
    page.goto(f"{live_server.url}/p/{token}/")

    today_section = page.get_by_role("region", name="Today")
    expect(today_section).to_be_visible()
    bridge = today_section.get_by_role("group", name="1. Bridge")
    bridge.get_by_label("Session 1 done").check()
    bridge.get_by_label("Session 2 done").check()
    clamshell = today_section.get_by_role("group", name="2. Clamshell")
    clamshell.get_by_label("Done").check()
    clamshell.get_by_label("Too hard").check()
    today_section.get_by_role("group", name=re.compile("How bad was your pain")).get_by_label("6", exact=True).check()
    today_section.get_by_label("Note to your clinician (optional)").press_sequentially(
        "Left knee sore on the stairs", delay=60
    )
    today_section.get_by_role("button", name="Save today").click()
    expect(page.get_by_role("status")).to_have_text("Saved. Thank you!")
    assert "saved=" not in page.url  # saved in place by HTMX (without it, the form redirects)

    page.reload()
    today_section = page.get_by_role("region", name="Today")
    expect(today_section.get_by_role("group", name="1. Bridge").get_by_label("Session 2 done")).to_be_checked()
    expect(today_section.get_by_role("group", name="2. Clamshell").get_by_label("Too hard")).to_be_checked()
    expect(today_section.get_by_label("6", exact=True)).to_be_checked()
    expect(today_section.get_by_label("Note to your clinician (optional)")).to_have_value(
        "Left knee sore on the stairs"
    )

    # Yesterday: the patient forgot to log it; fill it in now.
    page.get_by_role("link", name=yesterday.strftime("%a %-d %b")).click()
    section = page.get_by_role("region", name=yesterday.strftime("%A %-d %B"))
    section.get_by_role("group", name="1. Bridge").get_by_label("Session 1 done").check()
    expect(section.get_by_role("group", name="2. Clamshell").get_by_text("Not planned for this day.")).to_be_visible()
    section.get_by_label("3", exact=True).check()
    section.get_by_role("button", name=re.compile("^Save ")).click()
    expect(page.get_by_role("status")).to_have_text(f"Saved for {yesterday.strftime('%A %-d %B')}. Thank you!")
    glance = page.get_by_role("table", name="The last 7 days")
    expect(glance.get_by_role("row", name=re.compile(yesterday.strftime("%a %-d %b")))).to_contain_text("1 / 2")
    expect(glance.get_by_role("row", name=re.compile(today.strftime("%a %-d %b")))).to_contain_text("3 / 3")

    # Calendar reminder at 07:30.
    page.get_by_label("Remind me at").fill("07:30")
    with page.expect_download() as download:
        page.get_by_role("button", name="Add to my calendar").click()
    content = open(download.value.path(), "rb").read()
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    occurrences = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=start))
    prescribed = {today.weekday(), yesterday.weekday(), (today + datetime.timedelta(days=3)).weekday()}
    assert occurrences and {o.weekday() for o in occurrences} == prescribed
    assert all((o.hour, o.minute) == (7, 30) for o in occurrences)
    assert occurrences[-1].date() < program.end_date
    text = content.decode().replace("\r\n ", "")  # unfold long lines
    assert str(event["summary"]) == "Home exercises"
    assert f"/p/{token}/" in str(event["description"])
    # Apart from the link itself (random letters), nothing in the file speaks of health.
    words = text.replace(str(event["url"]), "").lower()
    for word in HEALTH_WORDS:
        assert word not in words, word
    context.close()


def test_clinician_sees_adherence_and_pain_and_clears_needs_attention(page, live_server, clinician, phone_program):
    program, _token = phone_program
    items = items_by_name(program)
    link = ShareLink.objects.get(program=program)
    today = timezone.localdate()
    for back, pain in ((2, 3), (0, 7)):
        day = today - datetime.timedelta(days=back)
        day_log_save(
            link=link,
            day=day,
            entry=DayEntry(sessions={items["Bridge"].pk: 2, items["Clamshell"].pk: 1}, pain=pain, note=f"Day {back}"),
        )

    sign_in(page, live_server, clinician.username)
    row = page.get_by_role("row", name=re.compile("Jensen"))
    expect(row.get_by_role("link", name=re.compile("Needs attention"))).to_be_visible()

    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    # The program page itself shows the adherence and the pain chart (loaded in by HTMX).
    expect(page.get_by_role("img", name="Pain scores: 2 days")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Bridge"))).to_contain_text("/")
    page.get_by_role("link", name="Adherence and pain").click()
    expect(page.get_by_role("heading", name="Adherence and pain", level=1)).to_be_visible()
    weeks = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Week"))
    expect(weeks.get_by_role("row", name=re.compile("^So far"))).to_contain_text("/")
    expect(page.get_by_role("img", name="Pain scores: 2 days")).to_be_visible()
    notes = page.get_by_role("list").filter(has_text="Day 0")
    expect(notes.get_by_role("listitem").first).to_contain_text("Day 0")  # newest first

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Needs attention").click()
    flagged = page.get_by_role("listitem").filter(has_text="Maria Jensen")
    expect(flagged).to_contain_text("Latest pain 7 of 10")
    flagged.get_by_role("button", name="Mark Maria Jensen seen").click()
    expect(page.get_by_text("Marked as seen: Maria Jensen.")).to_be_visible()
    expect(page.get_by_text("No one needs attention right now.")).to_be_visible()


def test_today_works_without_javascript(browser, live_server, phone_program):
    program, token = phone_program
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/p/{token}/")

    today_section = page.get_by_role("region", name="Today")
    today_section.get_by_role("group", name="2. Clamshell").get_by_label("Done").check()
    today_section.get_by_label("4", exact=True).check()
    today_section.get_by_role("button", name="Save today").click()

    expect(page.get_by_role("status")).to_have_text("Saved. Thank you!")
    assert "saved=" in page.url  # a plain form post and redirect
    expect(page.get_by_role("region", name="Today").get_by_label("4", exact=True)).to_be_checked()
    context.close()
