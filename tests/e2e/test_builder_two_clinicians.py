"""Two clinicians in one program at once, each in their own browser."""

import pytest
from playwright.sync_api import expect

from prescriptions.models import ProgramItem
from tests.e2e.conftest import sign_in
from tests.factories import ExerciseFactory, ProgramFactory, ProgramItemFactory

pytestmark = pytest.mark.e2e

NAMES = ["Bridge", "Bird dog", "Pelvic tilt"]


@pytest.fixture
def program(clinic, patient):
    program = ProgramFactory(patient=patient, clinic=clinic, title="Back care")
    for order, name in enumerate(NAMES):
        exercise = ExerciseFactory(name=name, slug=name.lower().replace(" ", "-"))
        ProgramItemFactory(program=program, exercise=exercise, order=order)  # 3 sets of 10, hold 5 …
    return program


def row(page, name):
    return page.locator("#program-items > li").filter(has=page.get_by_role("heading", name=name, exact=True))


def open_dose(page, name):
    item = row(page, name)
    item.locator("summary").click()
    expect(item.get_by_label("Sets", exact=True)).to_be_visible()
    return item


def type_value(item, label, value):
    field = item.get_by_label(label, exact=True)
    field.click()
    field.press("ControlOrMeta+a")
    field.press_sequentially(value, delay=100)


def test_different_items_both_save_and_the_same_item_shows_both_values(
    browser, live_server, clinician, colleague, program
):
    alice_context, bob_context = browser.new_context(), browser.new_context()
    alice = sign_in(alice_context.new_page(), live_server, clinician.username)
    bob = sign_in(bob_context.new_page(), live_server, colleague.username)
    for page in (alice, bob):
        page.goto(f"{live_server.url}{program.get_absolute_url()}")

    # Different items at the same moment: both are saved, neither sees a conflict.
    alice_bridge, bob_bird_dog = open_dose(alice, "Bridge"), open_dose(bob, "Bird dog")
    type_value(alice_bridge, "Reps", "12")
    type_value(bob_bird_dog, "Reps", "8")
    alice_bridge.get_by_label("Reps", exact=True).press("Tab")
    bob_bird_dog.get_by_label("Reps", exact=True).press("Tab")
    expect(alice_bridge.locator("form.dose-form")).to_have_attribute("data-save-state", "saved")
    expect(bob_bird_dog.locator("form.dose-form")).to_have_attribute("data-save-state", "saved")
    expect(alice_bridge.locator(".dose-line")).to_contain_text("3 sets of 12")
    expect(bob_bird_dog.locator(".dose-line")).to_contain_text("3 sets of 8")
    for page in (alice, bob):
        expect(page.get_by_text("Someone else changed")).to_have_count(0)
    reps = dict(ProgramItem.objects.filter(program=program).values_list("exercise__name", "reps"))
    assert (reps["Bridge"], reps["Bird dog"]) == (12, 8)

    # The same item: Alice saves first; Bob's later save is refused, his typed values stay,
    # Alice's are shown beside them, and one action applies either.
    alice_tilt, bob_tilt = open_dose(alice, "Pelvic tilt"), open_dose(bob, "Pelvic tilt")
    type_value(alice_tilt, "Hold (s)", "7")
    alice_tilt.get_by_label("Hold (s)", exact=True).press("Tab")
    expect(alice_tilt.locator("form.dose-form")).to_have_attribute("data-save-state", "saved")

    type_value(bob_tilt, "Hold (s)", "9")
    bob_tilt.get_by_label("Note to the patient", exact=True).click()
    bob_tilt.get_by_label("Note to the patient", exact=True).press_sequentially("Gently", delay=100)
    bob_tilt.get_by_role("button", name="Save dose").click()
    conflict = bob_tilt.get_by_role("alert").filter(has_text="Someone else changed this exercise's dose")
    expect(conflict).to_be_visible()
    expect(bob_tilt.locator("form.dose-form")).to_have_attribute("data-save-state", "conflict")
    expect(conflict).to_contain_text("3 sets of 10 each side · hold 7 seconds")  # Alice's saved values …
    expect(bob_tilt.get_by_label("Hold (s)", exact=True)).to_have_value("9")  # … beside Bob's typed ones
    expect(bob_tilt.get_by_label("Note to the patient", exact=True)).to_have_value("Gently")
    item = ProgramItem.objects.get(program=program, exercise__name="Pelvic tilt")
    assert (item.hold_seconds, item.patient_note) == (7, "")

    # Typing more while the conflict is shown saves nothing over Alice's values.
    type_value(bob_tilt, "Rest (s)", "30")
    bob_tilt.get_by_label("Rest (s)", exact=True).press("Tab")
    expect(bob_tilt.locator("form.dose-form")).to_have_attribute("data-save-state", "conflict")
    item.refresh_from_db()
    assert (item.hold_seconds, item.rest_seconds) == (7, 0)

    bob_tilt.get_by_role("button", name="Keep my values").click()
    expect(bob_tilt.locator("form.dose-form")).to_have_attribute("data-save-state", "saved")
    expect(conflict).to_have_count(0)
    expect(bob_tilt.locator(".dose-line")).to_contain_text("3 sets of 10 each side · hold 9 seconds")
    item.refresh_from_db()
    assert (item.hold_seconds, item.rest_seconds, item.patient_note) == (9, 30, "Gently")

    # Alice's next change to it is refused in turn; she takes Bob's values instead.
    type_value(alice_tilt, "Sets", "2")
    alice_tilt.get_by_label("Sets", exact=True).press("Tab")
    expect(alice_tilt.locator("form.dose-form")).to_have_attribute("data-save-state", "conflict")
    alice_tilt.get_by_role("link", name="Use the saved values").click()
    expect(alice_tilt.locator("form.dose-form")).to_have_attribute("data-save-state", "saved")
    expect(alice_tilt.get_by_label("Hold (s)", exact=True)).to_have_value("9")
    expect(alice_tilt.get_by_label("Sets", exact=True)).to_have_value("3")
    expect(alice_tilt.get_by_label("Note to the patient", exact=True)).to_have_value("Gently")
    expect(alice_tilt.locator(".dose-line")).to_contain_text("3 sets of 10 each side · hold 9 seconds")
    item.refresh_from_db()
    assert (item.sets, item.hold_seconds) == (3, 9)

    # And her next edit from those values saves without a conflict.
    type_value(alice_tilt, "Reps", "15")
    alice_tilt.get_by_label("Reps", exact=True).press("Enter")
    expect(alice_tilt.locator("form.dose-form")).to_have_attribute("data-save-state", "saved")
    item.refresh_from_db()
    assert (item.reps, item.hold_seconds, item.patient_note) == (15, 9, "Gently")

    alice_context.close()
    bob_context.close()
