"""Browser tests: real Chromium (Debian's package) driven by Playwright.

``playwright install`` cannot download browsers here, so the launch points at
/usr/bin/chromium; `make test` installs it (scripts/system-deps.sh).
"""

import shutil

import pytest

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # No animations: what the test sees is the final state, not a frame of a transition.
    return {**browser_context_args, "reduced_motion": "reduce"}


@pytest.fixture
def signed_in_page(page, live_server, clinician):
    """The clinician signed in through the real sign-in form."""
    return sign_in(page, live_server, clinician.username)


def sign_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/patients/")
    return page
