"""Outcome measures end to end: scheduled by the clinician, answered on the patient's phone,
charted, and two weeks later a worse answer puts the patient on "Needs attention"."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.outcomes.factories import instrument
from tests.prescriptions.logging_fixtures import make_logging_program

pytestmark = [pytest.mark.e2e, pytest.mark.clock]  # depends on today: rerun with the clock shifted

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ACTIVITIES = [("Climbing stairs", "5"), ("Kneeling to garden", "6"), ("Carrying shopping", "7")]


def _schedule(page, live_server, program, option: str):
    page.goto(f"{live_server.url}/outcomes/programs/{program.pk}/")
    form = page.get_by_role("region", name="Schedule a questionnaire")
    form.get_by_label("Questionnaire").select_option(label=option)
    expect(form.get_by_label("At the start")).to_be_checked()
    form.get_by_label("Every N weeks").fill("2")
    form.get_by_role("button", name="Schedule").click()


def _finish(questionnaire):
    questionnaire.get_by_role("button", name="Finish").click()


def test_patient_answers_on_a_phone_and_a_worse_score_two_weeks_on_needs_attention(
    browser, live_server, clinic, patient, clinician, time_machine
):
    for key in ("psfs", "nprs"):  # loaded from their definition files, as `make setup` does
        instrument(key)
    program, token = make_logging_program(clinic=clinic, patient=patient, user=clinician, start=timezone.localdate())

    # The clinician attaches both questionnaires: at the start and every 2 weeks.
    desk = browser.new_context()
    clinician_page = sign_in(desk.new_page(), live_server, clinician.username)
    _schedule(clinician_page, live_server, program, "PSFS – Patient-Specific Functional Scale")
    expect(clinician_page.get_by_text("PSFS scheduled.")).to_be_visible()
    _schedule(clinician_page, live_server, program, "NPRS – Numeric Pain Rating Scale")
    expect(clinician_page.get_by_text("NPRS scheduled.")).to_be_visible()

    # The patient opens the link on a phone: both questionnaires come first, above "Today".
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}/p/{token}/")
    # After the first screen (who, today's plan), the questionnaires due come first.
    expect(page.get_by_role("heading", level=2).first).to_have_text("Maria Jensen")
    expect(page.get_by_role("heading", level=2).nth(1)).to_have_text("Questionnaires due")
    due = page.get_by_role("region", name="Questionnaires due")
    psfs = due.get_by_role("form", name="Patient-Specific Functional Scale")
    nprs = due.get_by_role("form", name="Numeric Pain Rating Scale")
    expect(psfs).to_be_visible()
    expect(nprs).to_be_visible()

    for number, (activity, rating) in enumerate(ACTIVITIES, start=1):
        group = psfs.get_by_role("group", name=f"Activity {number}", exact=True)
        group.get_by_label("Activity", exact=True).fill(activity)
        group.get_by_label("How well you can do it").fill(rating)
    _finish(psfs)
    expect(page.get_by_role("status")).to_have_text("Thank you: your answers are sent to your clinician.")
    expect(due.get_by_role("form", name="Patient-Specific Functional Scale")).to_have_count(0)
    nprs.get_by_label("Your answer").fill("3")
    _finish(nprs)
    expect(page.get_by_role("status")).to_have_text("Thank you: your answers are sent to your clinician.")
    expect(due.get_by_role("form")).to_have_count(0)

    # The clinician's outcomes page shows the baselines and the activities in the patient's words.
    clinician_page.goto(f"{live_server.url}/outcomes/programs/{program.pk}/")
    psfs_card = clinician_page.get_by_role("region", name="Patient-Specific Functional Scale (PSFS)")
    expect(psfs_card).to_contain_text("Baseline 6: a second answer shows the change.")
    expect(psfs_card).to_contain_text("Kneeling to garden: 6")
    nprs_card = clinician_page.get_by_role("region", name="Numeric Pain Rating Scale (NPRS)")
    expect(nprs_card).to_contain_text("Baseline 3: a second answer shows the change.")

    # Two weeks on, the pain is worse by more than its important change (2 points).
    time_machine.move_to(timezone.now() + datetime.timedelta(weeks=2), tick=True)
    page.goto(f"{live_server.url}/p/{token}/")
    nprs = page.get_by_role("region", name="Questionnaires due").get_by_role("form", name="Numeric Pain Rating Scale")
    nprs.get_by_label("Your answer").fill("7")
    _finish(nprs)
    expect(page.get_by_role("status")).to_have_text("Thank you: your answers are sent to your clinician.")

    # The clinician's session has long expired: signed in again, the patient needs attention.
    clinician_page = sign_in(desk.new_page(), live_server, clinician.username)
    clinician_page.get_by_role("link", name="Needs attention").first.click()
    expect(clinician_page.get_by_role("heading", name="Needs attention")).to_be_visible()
    flagged = clinician_page.get_by_role("listitem").filter(has_text=patient.full_name)
    expect(flagged).to_contain_text("NPRS worse by at least its important change (3 → 7)")
    clinician_page.goto(f"{live_server.url}/outcomes/programs/{program.pk}/")
    expect(clinician_page.get_by_role("region", name="Numeric Pain Rating Scale (NPRS)")).to_contain_text(
        "Worse: from 3 to 7"
    )
    phone.close()
    desk.close()
