"""No page breaks its own Content Security Policy: htmx inserts no inline indicator styles.

htmx adds a <style> element for its request indicator unless told not to; under
``style-src 'self'`` each was a CSP violation, two per save on the patient page.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PatientFactory
from tests.prescriptions.logging_fixtures import make_logging_program

pytestmark = pytest.mark.e2e

# Every violation the page reports, from the first script on.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _watch(page) -> list[str]:
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text))
    return console


def _violations(page, console) -> list[str]:
    reported = page.evaluate("window.__cspViolations")
    return reported + [text for text in console if "Content Security Policy" in text]


def test_saving_on_the_patient_page_breaks_no_csp_rule(browser, live_server, clinic, patient, clinician):
    _program, token = make_logging_program(clinic=clinic, patient=patient, user=clinician)
    page = browser.new_context().new_page()
    console = _watch(page)
    page.goto(f"{live_server.url}/p/{token}/")

    today = page.get_by_role("region", name="Today")
    today.get_by_role("group", name="2. Clamshell").get_by_label("Too hard").check()
    for _attempt in range(2):
        today.get_by_role("button", name="Save today").click()
        expect(page.get_by_role("status")).to_have_text("Saved. Thank you!")

    assert _violations(page, console) == []


def test_an_htmx_search_on_a_signed_in_page_breaks_no_csp_rule(page, live_server, clinician, clinic):
    PatientFactory(clinic=clinic, first_name="Ada", last_name="Lovelace")
    console = _watch(page)
    sign_in(page, live_server, clinician.username)

    page.get_by_role("searchbox").press_sequentially("Love", delay=80)
    expect(page.get_by_role("link", name="Lovelace, Ada")).to_be_visible()

    assert _violations(page, console) == []
