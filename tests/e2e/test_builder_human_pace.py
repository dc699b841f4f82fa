"""Dosing a whole program at a person's pace, then reading the issued PDF.

A clinician types key by key (100 ms a key), pauses between fields as a person does (some
pauses shorter than the builder's typing pause, some longer), moves with Tab, Enter and the
mouse, closes panels while a save is in flight and opens the next one. The pauses only pace
the test; it synchronises on the page's own saved state. Every dose line in the PDF must be
exactly what was entered, and no save may ever be refused as a conflict. Every dose field type
is used: numbers, text, a select, the named-day checkboxes and the rest-day box (ticked by the
clinician, or ticked already and left alone); the draft PDF is read after each exercise.
"""

import io
import random
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from prescriptions.models import ProgramItem
from tests.e2e.conftest import sign_in
from tests.factories import ClearanceNoteFactory, ExerciseFactory, ProgramFactory, ProgramItemFactory

pytestmark = pytest.mark.e2e

KEY_DELAY_MS = 100
PAUSES_MS = [500, 900, 1600, 2500]  # around the builder's 1.5 s typing pause, on both sides

# What the clinician enters for each exercise, and the line the patient must read.
# "reps" or "duration"; "days" is a number of days or a list of named weekdays.
PLAN = [
    (
        "Bridge",
        dict(
            sets="4",
            reps="12",
            hold="7",
            rest="45",
            side="each",
            times="1",
            days=["Mon", "Wed", "Fri"],
            rest_day="tick",
            load="red band",
            progression="add 1 rep a week",
            note="Keep your hips level",
        ),
        "4 sets of 12 each side · hold 7 seconds · red band · rest 45 seconds between sets · once a day · "
        "Mon, Wed, Fri · leave a day between sessions",
    ),
    (
        # Its stored dose already has the rest-day box ticked: saving other fields must keep it.
        "Prone hip extension",
        dict(
            sets="2",
            reps="10",
            hold="3",
            rest="30",
            side="na",
            times="1",
            days="3",
            load="",
            progression="",
            note="",
        ),
        "2 sets of 10 · hold 3 seconds · rest 30 seconds between sets · once a day · 3 days a week · "
        "leave a day between sessions",
    ),
    (
        "Bird dog",
        dict(
            sets="3",
            reps="8",
            hold="15",
            rest="30",
            side="alternating",
            times="2",
            days="5",
            load="",
            progression="hold a little longer",
            note="Slowly",
        ),
        "3 sets of 8 each side, alternating sides · hold 15 seconds · rest 30 seconds between sets · twice a day · "
        "5 days a week",
    ),
    (
        "Pelvic tilt",
        dict(
            sets="1",
            reps="15",
            hold="5",
            rest="60",
            side="na",
            times="3",
            days="7",
            load="",
            progression="",
            note="Breathe out as you tilt",
        ),
        "15 repetitions · hold 5 seconds · 3 times a day · every day",
    ),
    (
        "Cat-camel",
        dict(
            sets="2",
            reps="10",
            hold="0",
            rest="20",
            side="na",
            times="2",
            days=["Tue", "Thu", "Sat"],
            load="",
            progression="move a little further",
            note="",
        ),
        "2 sets of 10 · rest 20 seconds between sets · twice a day · Tue, Thu, Sat",
    ),
    (
        "Side plank",
        dict(
            sets="3",
            duration="30",
            hold="0",
            rest="60",
            side="each",
            times="1",
            days="4",
            load="",
            progression="straighten the knees",
            note="Hips up",
        ),
        "3 sets of 30 seconds each side · rest 1 minute between sets · once a day · 4 days a week",
    ),
    (
        "Prone lying",
        dict(
            sets="1",
            duration="120",
            hold="0",
            rest="0",
            side="na",
            times="4",
            days="7",
            load="",
            progression="",
            note="Rest your head on your hands",
        ),
        "2 minutes · 4 times a day · every day",
    ),
    (
        "Wall sit",
        dict(
            sets="5",
            duration="45",
            hold="0",
            rest="90",
            side="na",
            times="1",
            days="3",
            load="10 kg backpack",
            progression="lower a little",
            note="",
        ),
        "5 sets of 45 seconds · 10 kg backpack · rest 90 seconds between sets · once a day · 3 days a week",
    ),
    (
        "Clamshell",
        dict(
            sets="2",
            reps="20",
            hold="2",
            rest="30",
            side="left",
            times="2",
            days=["Mon", "Tue", "Wed", "Thu", "Fri"],
            load="green band",
            progression="",
            note="Feet together",
        ),
        "2 sets of 20 · hold 2 seconds · left side · green band · rest 30 seconds between sets · twice a day · "
        "Mon, Tue, Wed, Thu, Fri",
    ),
]


# Stored doses that differ from the factory's before the clinician starts.
INITIAL = {"Prone hip extension": {"days_per_week": 3, "rest_day": True}}


@pytest.fixture
def program(clinic, patient):
    program = ProgramFactory(patient=patient, clinic=clinic, title="Back care")
    for order, (name, _values, _line) in enumerate(PLAN):
        exercise = ExerciseFactory(name=name, slug=name.lower().replace(" ", "-"))
        ProgramItemFactory(program=program, exercise=exercise, order=order, **INITIAL.get(name, {}))
    ClearanceNoteFactory(program=program)
    return program


def pdf_bytes_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def pdf_text(path) -> str:
    with open(path, "rb") as handle:
        return pdf_bytes_text(handle.read())


class Person:
    """Types and moves the way a clinician does; pauses are pacing only."""

    def __init__(self, page):
        self.page = page
        self.random = random.Random(11)
        self.moves = 0

    def pause(self):
        self.page.wait_for_timeout(self.random.choice(PAUSES_MS))

    def leave(self, field):
        # Alternate Tab, Enter (saves the form) and simply going on with the mouse.
        self.moves += 1
        way = self.moves % 3
        if way == 0:
            field.press("Tab")
        elif way == 1 and field.evaluate("el => el.tagName") == "INPUT":
            field.press("Enter")
        # else: the next click (or the panel closing) moves the focus away

    def type(self, field, value):
        field.click()
        field.press("ControlOrMeta+a")
        if value:
            field.press_sequentially(value, delay=KEY_DELAY_MS)
        else:
            field.press("Delete")
        self.leave(field)
        self.pause()


def dose_panel(page, name):
    return page.locator("#program-items > li").filter(has=page.get_by_role("heading", name=name, exact=True))


def enter_dose(person, row, values, *, last):
    form = row.locator("form.dose-form")
    person.type(row.get_by_label("Sets", exact=True), values["sets"])
    if "duration" in values:
        # Duration first, then clear the reps: the moment in between (both set) is refused
        # at the field and corrected; nothing half-typed is stored.
        person.type(row.get_by_label("Duration (s)", exact=True), values["duration"])
        person.type(row.get_by_label("Reps", exact=True), "")
    else:
        person.type(row.get_by_label("Reps", exact=True), values["reps"])
    person.type(row.get_by_label("Hold (s)", exact=True), values["hold"])
    person.type(row.get_by_label("Rest (s)", exact=True), values["rest"])
    row.get_by_label("Side", exact=True).select_option(values["side"])
    person.pause()
    person.type(row.get_by_label("Times a day", exact=True), values["times"])
    if isinstance(values["days"], list):
        for day in values["days"]:
            row.get_by_label(day, exact=True).click()
            person.pause()
    else:
        person.type(row.get_by_label("Days a week", exact=True), values["days"])
    if values.get("rest_day") == "tick":
        row.get_by_label("A rest day between sessions", exact=True).click()
        person.pause()
    person.type(row.get_by_label("Load or resistance", exact=True), values["load"])
    person.type(row.get_by_label("Progression", exact=True), values["progression"])
    note = row.get_by_label("Note to the patient", exact=True)
    note.click()
    if values["note"]:
        note.press_sequentially(values["note"], delay=KEY_DELAY_MS)
    if last == "button":
        row.get_by_role("button", name="Save dose").click()
    elif last == "close":
        # Close the panel straight away: the save happens on the way out.
        row.locator("summary").click()
    # else: go straight on to the next exercise's panel
    return form


def test_a_whole_program_dosed_at_human_pace_reaches_the_pdf_exactly(page, live_server, clinician, program):
    refused = []  # dose saves the server refused (a missing revision, a conflict)
    page.on(
        "response",
        lambda response: (
            refused.append((response.status, response.url))
            if "/items/" in response.url and response.request.method == "POST" and response.status in (400, 409)
            else None
        ),
    )
    sign_in(page, live_server, clinician.username)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    person = Person(page)

    forms = []
    endings = ["button", "close", "next"]
    preview = live_server.url + reverse("prescriptions:handout-preview", args=[program.pk])
    for index, (name, values, _line) in enumerate(PLAN):
        row = dose_panel(page, name)
        row.locator("summary").click()  # opened with the mouse, maybe while the last save is in flight
        expect(row.get_by_label("Sets", exact=True)).to_be_visible(timeout=15_000)
        forms.append(enter_dose(person, row, values, last=endings[index % 3]))
        person.pause()
        # The draft PDF after each exercise: its line, and every line entered before it, as typed.
        expect(forms[-1]).to_have_attribute("data-save-state", "saved", timeout=15_000)
        text = pdf_bytes_text(page.request.get(preview, timeout=60_000).body())
        for done_name, _done_values, done_line in PLAN[: index + 1]:
            assert done_line in text, f"after {name}: {done_name}: {done_line!r} is not in the draft PDF"

    # Reopen a panel closed mid-save: it shows what is stored.
    side_plank = dose_panel(page, "Side plank")
    side_plank.locator("summary").click()
    expect(side_plank.get_by_label("Duration (s)", exact=True)).to_have_value("30")
    expect(side_plank.get_by_label("Reps", exact=True)).to_have_value("")

    # Synchronise on the page's own state: every form saved, every line what was entered.
    for form in forms:
        expect(form).to_have_attribute("data-save-state", "saved", timeout=15_000)
    for name, _values, line in PLAN:
        expect(dose_panel(page, name).locator(".dose-line")).to_have_text(line)
    assert refused == []
    expect(page.get_by_text("Someone else changed")).to_have_count(0)

    stored = {
        item.exercise.name: item for item in ProgramItem.objects.filter(program=program).select_related("exercise")
    }
    for name, values, line in PLAN:
        item = stored[name]
        assert item.dose_text == line
        assert (item.progression_note, item.patient_note) == (values["progression"], values["note"])
    # The forms show what is stored: the rest-day boxes and named days still ticked.
    for name in ("Bridge", "Prone hip extension"):
        row = dose_panel(page, name)
        if not row.get_by_label("Sets", exact=True).is_visible():
            row.locator("summary").click()
        expect(row.get_by_label("A rest day between sessions", exact=True)).to_be_checked()
    for day in ("Mon", "Wed", "Fri"):
        expect(dose_panel(page, "Bridge").get_by_label(day, exact=True)).to_be_checked()

    page.get_by_role("button", name="Issue handout").click()
    # Issuing renders the PDF (WeasyPrint) before answering: allow for a slow, shared machine.
    expect(page.locator("#handout-panel").get_by_text("Version 1 issued.")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download version 1").click()
    text = pdf_text(download.value.path())
    for name, values, line in PLAN:
        assert line in text, f"{name}: {line!r} is not in the PDF"
        if values["note"]:
            assert f"Note from your clinician: {values['note']}" in text
        if values["progression"]:
            assert f"When it gets easy: {values['progression']}" in text
    # A one-set dose never mentions rest between sets, although 60 seconds was entered.
    assert "15 repetitions · hold 5 seconds · rest" not in text
