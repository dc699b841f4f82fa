import re

import pytest
from playwright.sync_api import expect

from prescriptions.models import Program
from tests.e2e.conftest import sign_in
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.e2e

NAMES = ["Bridge", "Bird dog", "Pelvic tilt", "Cat-camel", "Side plank", "Prone lying"]


@pytest.fixture
def catalogue(db):
    return [
        ExerciseFactory(name=name, slug=name.lower().replace(" ", "-"), summary=f"{name} summary") for name in NAMES
    ]


def items(page):
    return page.locator("#program-items > li")


def item_names(page):
    return [name.strip() for name in page.locator("#program-items > li h3").all_inner_texts()]


def test_clinician_builds_a_program(page, live_server, clinician, patient, catalogue):
    sign_in(page, live_server, "alice")
    page.get_by_role("link", name="Jensen, Maria").click()
    page.get_by_role("link", name="New program").click()
    page.get_by_label("Title").fill("Back care")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("heading", name="Back care")).to_be_visible()

    page.evaluate("window.stillTheSamePage = true")
    for name in NAMES[:5]:
        page.get_by_label("Search exercises").fill(name)
        page.get_by_role("button", name=f"Add to program: {name}").click()
        expect(items(page)).to_have_count(NAMES.index(name) + 1)
    assert item_names(page) == NAMES[:5]
    assert page.evaluate("window.stillTheSamePage") is True

    bridge = items(page).filter(has_text="Bridge")
    bridge.get_by_text("Dose for Bridge").click()
    bridge.get_by_label("Sets").fill("3")
    bridge.get_by_label("Hold (s)").fill("5")
    bridge.get_by_label("Side").select_option("each")
    bridge.get_by_label("Times a day").fill("2")
    bridge.get_by_label("Mon").check()
    bridge.get_by_label("Wed").check()
    bridge.get_by_label("Fri").check()
    expect(page.locator("#program-items > li").filter(has_text="Bridge").locator(".dose-line")).to_have_text(
        "3 sets of 10 each side · hold 5 seconds · twice a day · Mon, Wed, Fri"
    )

    bridge = items(page).filter(has_text="Bridge")
    bridge.get_by_label("Sets").fill("25")
    bridge.get_by_label("Sets").press("Tab")
    expect(bridge.get_by_text("Enter a whole number from 1 to 20.")).to_be_visible()
    expect(bridge.locator(".dose-line")).to_have_text(
        "3 sets of 10 each side · hold 5 seconds · twice a day · Mon, Wed, Fri"
    )
    assert page.evaluate("window.stillTheSamePage") is True

    # Keyboard: move "Pelvic tilt" up with its button; focus stays on the button.
    page.get_by_role("button", name="Move Pelvic tilt up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#program-items > li h3").nth(1)).to_have_text("Pelvic tilt")
    expect(page.get_by_role("button", name="Move Pelvic tilt up")).to_be_focused()

    # Correct the value and close the dose panel: an open panel stays open (with what is typed
    # in it) however the list is re-rendered.
    expect(bridge.get_by_label("Sets")).to_be_visible()
    bridge.get_by_label("Sets").fill("3")
    bridge.get_by_label("Sets").press("Tab")
    expect(bridge.locator("form.dose-form")).to_have_attribute("data-save-state", "saved")
    expect(bridge.get_by_text("Enter a whole number from 1 to 20.")).to_have_count(0)
    bridge.get_by_text("Dose for Bridge").click()
    expect(bridge.get_by_label("Sets")).to_be_hidden()

    # Drag "Side plank" (last) to the top by its handle.
    handle = items(page).filter(has_text="Side plank").locator(".drag-handle").bounding_box()
    target = items(page).first.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] - 10, steps=5)
    page.mouse.move(target["x"] + 20, target["y"] + target["height"] / 2, steps=20)
    page.mouse.move(target["x"] + 20, target["y"] + 5, steps=10)
    with page.expect_response(lambda response: "/items/reorder/" in response.url) as reorder:
        page.mouse.up()
    assert reorder.value.status == 200
    expected = ["Side plank", "Bridge", "Pelvic tilt", "Bird dog", "Cat-camel"]
    expect(page.locator("#program-items > li h3")).to_have_text(expected)
    program = Program.objects.get(title="Back care")
    assert [item.exercise.name for item in program.items.select_related("exercise").order_by("order")] == expected

    page.get_by_role("link", name="Add clearance note").click()
    page.get_by_label("Cleared by").fill("Dr A. Smith")
    page.get_by_label("Role").fill("Orthopaedic surgeon")
    page.get_by_label("Date cleared").fill("2026-11-01")
    page.get_by_label("Cleared for").fill("Graded home exercise")
    page.get_by_label("Restrictions and precautions").fill("No lifting over 5 kg")
    page.get_by_role("button", name="Save clearance note").click()
    expect(page.get_by_text("Cleared for: Graded home exercise")).to_be_visible()

    page.get_by_label("Template name").fill("Back care basics")
    page.get_by_role("button", name="Save as template").click()
    expect(page.get_by_text("Saved as the clinic template “Back care basics”.")).to_be_visible()

    page.get_by_role("link", name="Maria Jensen").click()
    page.get_by_role("link", name="New program").click()
    page.get_by_label("Title").fill("Second block")
    page.get_by_label("A clinic template").check()
    page.get_by_label("Template", exact=True).select_option(label="Back care basics")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("heading", name="Second block")).to_be_visible()
    expect(page.locator("#program-items > li")).to_have_count(5)
    expect(page).to_have_url(re.compile(r"/programs/\d+/$"))
