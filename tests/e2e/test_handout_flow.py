"""The handout end to end: issue, download, hand the link to a patient, revoke it."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import sign_in
from tests.prescriptions.test_handout_pdf import make_handout_program

pytestmark = [pytest.mark.e2e, pytest.mark.clock]  # depends on today: rerun with the clock shifted


def pdf_text(path) -> str:
    with open(path, "rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_clinician_issues_and_patient_opens_the_link_until_it_is_revoked(
    page, browser, live_server, clinic, patient, clinician
):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    sign_in(page, live_server, clinician.username)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")

    page.get_by_role("button", name="Issue handout").click()
    expect(page.locator("#handout-panel").get_by_text("Version 1 issued.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download version 1").click()
    assert download.value.suggested_filename.startswith("home-exercises-v1-")
    assert "Home exercise program for Maria Jensen" in pdf_text(download.value.path())

    page.get_by_role("button", name="Create a link to copy").click()
    link = page.get_by_label("New patient link — copy it now, it is shown only once").input_value()
    assert "/p/" in link

    patient_context = browser.new_context()  # No session: the patient has no account.
    patient_page = patient_context.new_page()
    patient_page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(patient_page.get_by_role("heading", name="Home exercise program for Maria Jensen")).to_be_visible()
    expect(
        patient_page.get_by_role("main").get_by_text(
            "3 sets of 10 each side · hold 5 seconds · twice a day · 5 days a week"
        )
    ).to_be_visible()
    with patient_page.expect_download() as patient_download:
        patient_page.get_by_role("link", name="Download PDF").click()
    assert "Sit to stand" in pdf_text(patient_download.value.path())

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("listitem").filter(has_text="Copied link").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The link was revoked.")).to_be_visible()

    patient_page.reload()
    expect(
        patient_page.get_by_role("heading", name="This link is no longer active — contact your clinic")
    ).to_be_visible()
    patient_context.close()
