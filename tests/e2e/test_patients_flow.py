import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_clinician_signs_in_creates_and_finds_a_patient(page, live_server, clinician, patient):
    from tests.e2e.conftest import sign_in

    sign_in(page, live_server, "alice")
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Kowalski")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Zoë")

    page.get_by_label("Email").fill("zoe@example.org")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_role("heading", name="Zoë Kowalski")).to_be_visible()

    page.get_by_role("link", name="Patients").first.click()
    page.get_by_label("Search by name").fill("kowal")
    expect(page.get_by_role("link", name="Kowalski, Zoë")).to_be_visible()
    expect(page.get_by_role("link", name="Jensen, Maria")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=kowal"))
