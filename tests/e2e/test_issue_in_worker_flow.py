"""Issuing with the render in the task worker, in a browser (issue 31): the panel says
"Preparing version 1…" at once and shows the stored version by itself, without a reload."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.prescriptions.test_handout_pdf import make_handout_program
from tests.prescriptions.test_handout_render_task import DATABASE_TASKS, run_queued_renders

pytestmark = pytest.mark.e2e


def test_the_panel_follows_the_render_until_the_version_is_stored(page, live_server, clinic, patient, clinician):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    with override_settings(TASKS=DATABASE_TASKS):
        sign_in(page, live_server, clinician.username)
        page.goto(f"{live_server.url}{program.get_absolute_url()}")
        page.get_by_role("button", name="Issue handout").click()
        panel = page.locator("#handout-panel")
        expect(panel.get_by_role("status").filter(has_text="Preparing version 1…")).to_be_visible()

        assert run_queued_renders() == ["stored"]  # the worker's part

        expect(panel.get_by_text("Version 1 issued.")).to_be_visible()
        expect(panel.get_by_role("link", name="Download version 1")).to_be_visible()
        expect(panel.get_by_text("Preparing version 1…")).to_have_count(0)
