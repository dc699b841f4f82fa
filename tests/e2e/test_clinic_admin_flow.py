import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Quiet-river-stones-81"


def test_admin_invites_a_clinician_who_joins_signs_in_and_gets_locked_out(
    page, browser, live_server, clinic_admin, mailoutbox
):
    sign_in(page, live_server, "dana")
    page.get_by_role("link", name="Clinic", exact=True).click()
    expect(page.get_by_role("heading", name="Clinic: Riverside Physio")).to_be_visible()
    page.get_by_role("link", name="Members").click()

    page.get_by_label("Email address").fill("eve.lund@example.org")
    page.get_by_label("Role").select_option(label="Clinician")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to eve.lund@example.org")).to_be_visible()
    pending = page.get_by_role("region", name="Pending invitations")
    expect(pending.get_by_role("cell", name="eve.lund@example.org", exact=True)).to_be_visible()
    expect(pending.get_by_role("button", name="Withdraw invitation to eve.lund@example.org")).to_be_visible()

    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["eve.lund@example.org"]
    link = re.search(r"https?://\S+/patients/invitations/\S+/", mailoutbox[0].body).group(0)
    path = link.split("/patients/", 1)[1]

    # The invited clinician, in a browser of their own.
    eve = browser.new_context().new_page()
    eve.goto(f"{live_server.url}/patients/{path}")
    expect(eve.get_by_role("heading", name="Join Riverside Physio on HomeRx")).to_be_visible()
    eve.get_by_label("First name").fill("Eve")
    eve.get_by_label("Last name").fill("Lund")
    eve.get_by_label("Username").fill("eve")
    eve.get_by_label(re.compile(r"^\s*Password\s*\*?\s*$")).fill("short")
    eve.get_by_label("Password confirmation").fill("short")
    eve.get_by_role("button", name="Create my account and join").click()
    expect(eve.get_by_text("This password is too short.")).to_be_visible()

    eve.get_by_label(re.compile(r"^\s*Password\s*\*?\s*$")).fill(NEW_PASSWORD)
    eve.get_by_label("Password confirmation").fill(NEW_PASSWORD)
    eve.get_by_role("button", name="Create my account and join").click()
    expect(eve.get_by_text("Your account is ready and you have joined Riverside Physio.")).to_be_visible()

    sign_in(eve, live_server, "eve", NEW_PASSWORD)
    expect(eve.get_by_role("link", name="HomeRx · Riverside Physio")).to_be_visible()
    expect(eve.get_by_role("link", name="Clinic", exact=True)).to_have_count(0)

    # The link works once.
    eve.goto(f"{live_server.url}/patients/{path}")
    expect(eve.get_by_role("heading", name="This invitation link no longer works")).to_be_visible()

    # Five wrong passwords lock the account, with a message that says what happened and what to do.
    eve.get_by_role("button", name=re.compile("Account")).click()
    eve.get_by_role("button", name="Sign out").click()
    for attempt in range(5):
        eve.goto(f"{live_server.url}/accounts/login/")
        eve.get_by_label("Username").fill("eve")
        eve.get_by_label("Password").fill(f"wrong-guess-{attempt}")
        eve.get_by_role("button", name="Sign in").click()
        if attempt < 4:
            expect(eve.get_by_text("Please enter a correct username and password.")).to_be_visible()
    expect(eve.get_by_role("heading", name="Sign-in locked: too many wrong passwords")).to_be_visible()
    expect(eve.get_by_text("Try again in 30 minutes, or ask your clinic admin to unlock it.")).to_be_visible()

    eve.goto(f"{live_server.url}/accounts/login/")
    eve.get_by_label("Username").fill("eve")
    eve.get_by_label("Password").fill(NEW_PASSWORD)
    eve.get_by_role("button", name="Sign in").click()
    expect(eve.get_by_role("heading", name="Sign-in locked: too many wrong passwords")).to_be_visible()

    # The clinic admin sees the lock and lifts it.
    page.get_by_role("link", name="Members").click()
    row = page.get_by_role("row").filter(has_text="eve.lund@example.org")
    expect(row.get_by_text("Locked out")).to_be_visible()
    row.get_by_role("link", name="Eve Lund").click()
    page.get_by_role("button", name="Unlock sign-in").click()
    expect(page.get_by_text("Eve Lund can sign in again.")).to_be_visible()

    sign_in(eve, live_server, "eve", NEW_PASSWORD)
    expect(eve.get_by_role("heading", name="Patients")).to_be_visible()
