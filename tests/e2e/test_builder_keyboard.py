"""The builder by keyboard alone, as a screen-reader user drives it: search, add, dose, move,
issue through the no-clearance confirmation, remove and undo. After each step the focus is
where the next step starts, and the one live region says what happened. axe-core (from npm)
finds no violation with search results and a dose panel open; at 320 px nothing scrolls sideways."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import ExerciseFactory, ExercisePictureFactory, ProgramFactory, ProgramItemFactory

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
MAX_TABS = 120


@pytest.fixture
def program(clinic, patient, clinician):
    program = ProgramFactory(patient=patient, clinic=clinic, created_by=clinician, title="Back care")
    for name in ["Prone hip extension with a bent knee", "Bird dog"]:
        exercise = ExerciseFactory(name=name, slug=name.lower().replace(" ", "-"))
        ExercisePictureFactory(exercise=exercise)  # a thumbnail beside the name: the widest row
        ProgramItemFactory(program=program, exercise=exercise)
    ExerciseFactory(name="Clamshell", slug="clamshell", summary="Lie on your side to strengthen the hip.")
    return program  # no clearance note: issuing asks to confirm


def focused_name(page) -> str:
    """The focused element's accessible name, as a screen reader would say it."""
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        if (!el) return "";
        if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
        if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
        return el.textContent.replace(/\\s+/g, " ").trim();
    }"""
    )


def tab_to(page, name: str, *, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until the focus is on ``name``; the number of presses it took."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focused_name(page) == name:
            return presses
    raise AssertionError(f"{name!r} not reached in {MAX_TABS} presses (at {focused_name(page)!r})")


def announced(page):
    return expect(page.locator("#builder-announcer"))


def test_the_builder_works_by_keyboard_with_focus_and_announcements(page, live_server, clinician, program):
    sign_in(page, live_server, clinician.username)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    expect(page.locator("#builder-announcer")).to_have_attribute("aria-live", "polite")
    # One live region, always on the page.
    assert page.locator("[aria-live], [role=status], [role=log]").count() == 1

    # The skip link reaches the program at once.
    tab_to(page, "Skip to the program")
    page.keyboard.press("Enter")
    expect(page.locator("#program-heading")).to_be_focused()

    # Search and add.
    tab_to(page, "Search exercises", backwards=True)
    page.keyboard.type("Clamshell", delay=40)
    expect(page.get_by_role("button", name="Add to program: Clamshell")).to_be_visible()
    announced(page).to_contain_text("1 exercise")
    tab_to(page, "Add to program: Clamshell")
    page.keyboard.press("Enter")
    announced(page).to_have_text("Clamshell added.")
    expect(page.get_by_role("button", name="Add to program: Clamshell")).to_be_focused()
    items = page.get_by_role("list", name="Exercises in the program")
    expect(items.get_by_role("listitem")).to_have_count(3)

    # Dose: open the panel, change the sets, hear it saved.
    tab_to(page, "Dose for Clamshell")
    page.keyboard.press("Enter")
    sets = items.get_by_role("listitem").filter(has_text="Clamshell").get_by_label("Sets", exact=True)
    expect(sets).to_be_visible()
    tab_to(page, "Sets")
    expect(sets).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("4", delay=60)
    page.keyboard.press("Tab")
    announced(page).to_have_text("Dose for Clamshell: All changes saved")

    # axe-core: no violation with search results and a dose panel open.
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays as it is.
    page.evaluate(AXE.read_text() + "\n;window.axe !== undefined")
    result = page.evaluate("async () => (await axe.run(document)).violations.map(v => [v.id, v.nodes.length])")
    assert result == []

    # Move Clamshell up: the focus stays on the button pressed, the new place is said.
    tab_to(page, "Move Clamshell up")
    page.keyboard.press("Enter")
    announced(page).to_have_text("Clamshell moved to 2 of 3.")
    expect(page.get_by_role("button", name="Move Clamshell up")).to_be_focused()

    # Issue: the confirmation takes the focus; "Issue anyway" is a few presses away.
    tab_to(page, "Issue handout")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Issue the handout?")).to_be_focused()
    assert tab_to(page, "Issue anyway") <= 3
    page.keyboard.press("Enter")
    announced(page).to_have_text("Version 1 issued.", timeout=60_000)
    expect(page.get_by_text("Version 1 issued. Download, print or email it below.")).to_be_focused()

    # Remove Bird dog, then undo: Undo takes the focus; both outcomes are said.
    tab_to(page, "Remove Bird dog", backwards=True)
    page.keyboard.press("Enter")
    announced(page).to_have_text("Bird dog removed.")
    expect(page.get_by_role("button", name="Undo")).to_be_focused()
    page.keyboard.press("Enter")
    announced(page).to_have_text("Bird dog put back.")
    expect(items.get_by_role("heading", name="Bird dog")).to_be_focused()
    expect(items.get_by_role("listitem")).to_have_count(3)

    # 320 px wide (400 % zoom): the builder reflows, nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    page.get_by_role("list", name="Exercises in the program").get_by_text("Dose for Clamshell").click()
    expect(page.get_by_role("form", name="Dose for Clamshell").get_by_label("Sets", exact=True)).to_be_visible()
    # Nor is anything cut off inside (the ✕ of each item, a dose field): every visible element fits.
    wider = page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
            .filter(el => !el.closest(".visually-hidden, .visually-hidden-focusable, .table-responsive"))
            .filter(el => el.getBoundingClientRect().right > 320.5)
            .map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right))"""
    )
    assert wider == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
