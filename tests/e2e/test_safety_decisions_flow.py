"""The builder shows what the safety check says as it changes, without a reload: a heavier load
saved by autosave is flagged at once, and after "Record decisions and issue" the list shows
the decisions (the removed exercise and its red flag gone)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import ClearanceNoteFactory, ExerciseFactory, ProgramFactory, ProgramItemFactory

pytestmark = pytest.mark.e2e


def test_a_conflict_made_by_a_dose_save_shows_at_once_and_the_issued_decision_too(
    page, live_server, patient, clinician
):
    program = ProgramFactory(patient=patient, clinic=patient.clinic, created_by=clinician, title="Back program")
    bridge = ExerciseFactory(name="Bridge", slug="bridge", movements=["lying-supine"])
    thrust = ExerciseFactory(name="Hip thrust", slug="hip-thrust", movements=["dumbbell", "lifting"])
    ProgramItemFactory(program=program, exercise=bridge, order=0)
    ProgramItemFactory(program=program, exercise=thrust, order=1, load="")
    ClearanceNoteFactory(
        program=program, max_lift_kg=Decimal("5"), valid_until=timezone.localdate() + timedelta(days=60)
    )
    sign_in(page, live_server, clinician.username)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")

    items = page.get_by_role("list", name="Exercises in the program")
    row = items.get_by_role("listitem").filter(has_text="Hip thrust")
    expect(row.get_by_text("Conflicts with the clearance")).to_have_count(0)
    row.locator("summary").click()
    load = row.get_by_label("Load or resistance", exact=True)
    load.click()
    load.press_sequentially("10 kg dumbbell", delay=60)
    load.press("Tab")
    expect(row.locator("form.dose-form")).to_have_attribute("data-save-state", "saved", timeout=15_000)
    # (c) The flag comes with the save's answer: no reload.
    expect(row.get_by_text("Conflicts with the clearance")).to_be_visible()
    expect(row).to_contain_text("Load 10 kg is over the 5 kg limit")

    page.get_by_role("button", name="Issue handout").click()
    expect(page.get_by_text("1 conflict with the clearance needs your decision")).to_be_visible()
    page.get_by_label("Remove Hip thrust from the program").check()
    page.get_by_role("button", name="Record decisions and issue").click()
    expect(page.locator("#handout-panel").get_by_text("Version 1 issued.")).to_be_visible(timeout=60_000)
    # (d) The list shows the decision: Hip thrust and its red flag are gone, without a reload.
    expect(items.get_by_role("listitem").filter(has_text="Hip thrust")).to_have_count(0)
    expect(page.get_by_text("Conflicts with the clearance")).to_have_count(0)
    expect(items.get_by_role("listitem").filter(has_text="Bridge")).to_have_count(1)
