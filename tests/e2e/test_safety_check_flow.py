"""The safety check in a browser: a clearance says "no twisting", the program holds a twist."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import sign_in
from tests.factories import ExerciseFactory, ProgramFactory, ProgramItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.clock]  # depends on today: rerun with the clock shifted


def pdf_text(path) -> str:
    with open(path, "rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_clinician_records_no_twisting_sees_the_flag_and_issues_only_after_acknowledging(
    page, live_server, patient, clinician
):
    program = ProgramFactory(patient=patient, clinic=patient.clinic, created_by=clinician, title="Back program")
    ProgramItemFactory(program=program, exercise=ExerciseFactory(name="Bridge", movements=["lying-supine"]))
    ExerciseFactory(
        name="Lower trunk rotation",
        slug="lower-trunk-rotation",
        movements=["lying-supine", "spinal-rotation"],
        steps=["Lie on your back, knees bent.", "Let both knees fall to one side.", "Roll to the other side."],
    )
    sign_in(page, live_server, clinician.username)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")

    # The surgeon's clearance: no twisting.
    page.get_by_role("link", name="Add clearance note").click()
    page.get_by_label("Cleared by").press_sequentially("Mr J. Patel", delay=20)
    page.get_by_label("Date cleared").fill(f"{timezone.localdate() - timedelta(days=2):%Y-%m-%d}")
    page.get_by_label("Cleared for").fill("Home exercise after lumbar discectomy")
    page.get_by_label("Restrictions and precautions (free text)").fill("No twisting until reviewed at 12 weeks.")
    page.get_by_label("Spinal rotation (twisting)").check()
    page.get_by_label("Valid until").fill(f"{timezone.localdate() + timedelta(days=80):%Y-%m-%d}")
    page.get_by_role("button", name="Save clearance note").click()
    expect(page.get_by_text("Clearance note saved.")).to_be_visible()
    expect(page.get_by_text("Avoid: Spinal rotation (twisting)")).to_be_visible()

    # The search hides the twist; the clinician asks to see it and adds it anyway.
    page.get_by_label("Search exercises").press_sequentially("rotation", delay=40)
    results = page.locator("#builder-results")
    expect(results.get_by_text("1 hidden: it conflicts with the clearance")).to_be_visible()
    expect(results.get_by_role("link", name="Lower trunk rotation")).to_have_count(0)
    page.get_by_label("Show exercises that conflict with the clearance").check()
    results.get_by_role("button", name="Add to program: Lower trunk rotation").click()

    items = page.get_by_role("list", name="Exercises in the program")
    row = items.get_by_role("listitem").filter(has_text="Lower trunk rotation")
    expect(row.get_by_text("Conflicts with the clearance")).to_be_visible()
    expect(row).to_contain_text("Spinal rotation (twisting): avoid, says Mr J. Patel")
    expect(items.get_by_role("listitem").filter(has_text="Bridge").get_by_text("Conflicts with")).to_have_count(0)

    # Issuing asks for a decision; without one nothing is issued.
    page.get_by_role("button", name="Issue handout").click()
    expect(page.get_by_text("1 conflict with the clearance needs your decision")).to_be_visible()
    page.get_by_role("button", name="Record decisions and issue").click()
    expect(page.get_by_text("Choose to remove the exercise or to keep it with a reason.")).to_be_visible()

    page.get_by_label("Keep Lower trunk rotation: I have checked it is safe").check()
    page.get_by_label("Why keep Lower trunk rotation?").press_sequentially(
        "Rotation within pain-free range agreed with surgeon by phone 28 Nov", delay=5
    )
    page.get_by_label("Note for the patient, printed under Lower trunk rotation (optional)").fill(
        "Turn only as far as it stays pain-free."
    )
    page.get_by_role("button", name="Record decisions and issue").click()
    expect(page.locator("#handout-panel").get_by_text("Version 1 issued.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download version 1").click()
    text = " ".join(pdf_text(download.value.path()).split())
    assert "About your clearance: Turn only as far as it stays pain-free." in text
    assert text.index("Lower trunk rotation") < text.index("About your clearance")
