"""New program from a template: choosing it fills the form at once, and the program takes its title."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import ProgramFactory

pytestmark = pytest.mark.e2e


def test_choosing_a_template_fills_title_weeks_and_instructions(page, live_server, clinician, clinic, patient):
    ProgramFactory(
        patient=None, clinic=clinic, title="Back care basics", duration_weeks=8, general_instructions="Warm up first."
    )
    sign_in(page, live_server, clinician.username)
    page.goto(live_server.url + reverse("prescriptions:program-create", args=[patient.pk]))
    page.get_by_label("Start date").fill("2026-12-28")

    page.get_by_label("Template", exact=True).select_option(label="Back care basics")

    expect(page.get_by_label("Title")).to_have_value("Back care basics")
    expect(page.get_by_label("Duration (weeks)")).to_have_value("8")
    expect(page.get_by_label("General instructions")).to_have_value("Warm up first.")
    expect(page.get_by_label("A clinic template")).to_be_checked()
    expect(page.get_by_label("Start date")).to_have_value("2026-12-28")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("heading", name="Back care basics")).to_be_visible()
