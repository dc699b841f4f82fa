"""The patient's phone guides today's session: the first screen, one exercise at a time with the
moving picture and the timer (driven through the page's own clock, never by waiting), the
ratings, pain and note, one day log on the server, and the clinician seeing it. Then the same
with no signal after the first visit, and the page without JavaScript."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from prescriptions.handout.links import create_link
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Handout, ShareLink, ShareLinkChannel
from progress.models import DayLog
from tests.access_fixtures_prescriptions import TINY_PDF
from tests.e2e.conftest import sign_in
from tests.factories import ExerciseFactory, ExercisePictureFactory, ProgramFactory, ProgramItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.clock]  # depends on today: rerun with the clock shifted

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CATALOGUE = Path(settings.BASE_DIR) / "exercises" / "catalogue" / "catalogue.json"
# (name, catalogue slug whose drawings it borrows, dose): every day, once a day.
EXERCISES = [
    ("Bridge", "bridge", {"sets": 1, "reps": 2, "hold_seconds": 3, "rest_seconds": 0}),
    (
        "Side plank",
        "side-plank",
        {"sets": 2, "reps": None, "duration_seconds": 15, "hold_seconds": 0, "rest_seconds": 10},
    ),
    ("Clamshell", "clamshell", {"sets": 1, "reps": 10, "hold_seconds": 2, "rest_seconds": 0}),
]


def _catalogue_pictures(slug):
    exercises = json.loads(CATALOGUE.read_text())["exercises"]
    return next(e for e in exercises if e["slug"] == slug)["pictures"]


@pytest.fixture
def session_program(clinic, patient, clinician):
    """Three exercises planned today, drawn from catalogue poses, an issued version and its link."""
    program = ProgramFactory(
        clinic=clinic,
        patient=patient,
        created_by=clinician,
        start_date=timezone.localdate() - timezone.timedelta(days=2),
        duration_weeks=4,
    )
    for order, (name, slug, dose) in enumerate(EXERCISES):
        exercise = ExerciseFactory(name=name, slug=slug)
        for n, picture in enumerate(_catalogue_pictures(slug)):
            ExercisePictureFactory(exercise=exercise, order=n, pose=picture["pose"], alt_text=picture["alt_text"])
        ProgramItemFactory(
            program=program,
            exercise=exercise,
            order=order,
            times_per_day=1,
            days_per_week=7,
            weekdays="",
            side="na",
            patient_note="Breathe out as you lift." if slug == "bridge" else "",
            **dose,
        )
    handout = Handout(
        program=program,
        version=1,
        snapshot=build_snapshot(program, version=1, issued_by=clinician),
        pdf_sha256="0" * 64,
        page_count=1,
        issued_by=clinician,
    )
    handout.pdf.save("v1.pdf", ContentFile(TINY_PDF), save=False)
    handout.save()
    _link, token = create_link(program=program, user=clinician, channel=ShareLinkChannel.COPIED)
    return program, token


def advance(page, seconds):
    page.evaluate(f"homerxSession.clock.advance({seconds * 1000})")


def axe_violations(page):
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays as it is.
    page.evaluate(AXE.read_text() + "\n;window.axe !== undefined")
    return page.evaluate("async () => (await axe.run(document)).violations.map(v => [v.id, v.nodes.length])")


def run_session(page, *, check_axe=False, moving=True):
    """Start today's session and go through the three exercises with the page's clock.

    ``moving``: the picture plays the movement's frames; with reduced motion, the still start
    and end pictures."""
    start = page.get_by_role("region", name="Maria Jensen")
    expect(start.get_by_text(timezone.localdate().strftime("%A %-d %B %Y"))).to_be_visible()
    expect(start.get_by_role("list")).to_contain_text("Bridge")
    expect(start.get_by_role("list")).to_contain_text("2 repetitions · hold 3 seconds")
    expect(start).to_contain_text("Stop and call the clinic on")
    if check_axe:
        assert axe_violations(page) == []
    page.evaluate("homerxSession.clock.freeze()")
    start.get_by_role("button", name="Start today's session").click()

    # 1. Bridge: 5 s to get ready, then each rep: 2 s up, hold 3 s, 2 s down.
    session = page.get_by_role("region", name="Bridge")
    expect(session.get_by_role("heading", name="Bridge")).to_be_focused()
    expect(session).to_contain_text("Exercise 1 of 3")
    expect(session.get_by_text("Breathe out as you lift.")).to_be_visible()
    expect(session.get_by_role("timer")).to_have_text("5")
    for name in ("Pause", "Skip", "Done"):  # large targets, for a thumb
        box = session.get_by_role("button", name=name).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, name
    advance(page, 5)
    expect(session.get_by_text("Move into position")).to_be_visible()
    expect(session).to_contain_text("Rep 1 of 2")
    advance(page, 1)
    picture = session.get_by_role("img")
    if moving:  # half way up: a frame between the start and end pictures, drawn from the pose
        expect(picture).to_have_attribute("src", re.compile(r"/frame-[1-9]\d*\.svg$"))
    else:  # the still end picture
        expect(picture).to_have_attribute("src", re.compile(r"/pictures/\d+/\w+\.svg$"))
    advance(page, 1)
    expect(session.get_by_text("Hold", exact=True)).to_be_visible()
    expect(session.get_by_role("timer")).to_have_text("3")
    if check_axe:
        assert axe_violations(page) == []
    advance(page, 5)
    expect(session).to_contain_text("Rep 2 of 2")
    advance(page, 7)
    feel = session.get_by_role("group", name="How did it feel?")
    expect(feel).to_be_visible()
    if check_axe:
        assert axe_violations(page) == []
    feel.get_by_label("About right").check()
    session.get_by_role("button", name="Next").click()

    # 2. Side plank: 2 sets of 15 s with 10 s rest; a pause stops the clock.
    session = page.get_by_role("region", name="Side plank")
    expect(session).to_contain_text("Exercise 2 of 3")
    advance(page, 5 + 10)
    expect(session.get_by_role("timer")).to_have_text("5")
    session.get_by_role("button", name="Pause").click()
    advance(page, 60)
    expect(session.get_by_role("timer")).to_have_text("5")
    expect(session.get_by_text("Paused")).to_be_visible()
    session.get_by_role("button", name="Resume").click()
    advance(page, 5)
    expect(session.get_by_text("Rest", exact=True)).to_be_visible()
    advance(page, 10)
    expect(session).to_contain_text("Set 2 of 2")
    advance(page, 15)
    session.get_by_role("group", name="How did it feel?").get_by_label("Too easy").check()
    session.get_by_role("button", name="Next").click()

    # 3. Clamshell: stopped early with "Done".
    session = page.get_by_role("region", name="Clamshell")
    advance(page, 20)
    session.get_by_role("button", name="Done").click()
    session.get_by_role("group", name="How did it feel?").get_by_label("Too hard").check()
    session.get_by_role("button", name="Next").click()

    end = page.get_by_role("region", name=re.compile("the last step"))
    expect(end.get_by_role("heading")).to_be_focused()
    end.get_by_role("group", name=re.compile("How bad was your pain")).get_by_label("3", exact=True).check()
    end.get_by_label("Note to your clinician (optional)").press_sequentially("Hips tired", delay=40)
    end.get_by_role("button", name="Finish and save").click()
    return end


def assert_one_log(program, *, pain=3):
    (log,) = DayLog.objects.filter(program=program)
    assert log.day == timezone.localdate()
    assert log.pain == pain
    assert log.note == "Hips tired"
    done = {e.item.exercise.name: (e.sessions_done, e.difficulty) for e in log.entries.select_related("item__exercise")}
    assert done == {"Bridge": (1, "about_right"), "Side plank": (1, "too_easy"), "Clamshell": (1, "too_hard")}


def test_patient_runs_todays_session_on_a_phone_and_the_clinician_sees_it(browser, live_server, session_program):
    program, token = session_program
    context = browser.new_context(**PHONE, reduced_motion="no-preference")
    page = context.new_page()
    page.goto(f"{live_server.url}/p/{token}/")

    end = run_session(page, check_axe=True)
    status = end.get_by_role("status")
    expect(status).to_have_text("Saved. Thank you!")
    expect(status).to_be_focused()
    assert axe_violations(page) == []
    assert_one_log(program)
    # "Today" below shows what the session saved.
    today = page.get_by_role("region", name="Today")
    expect(today.get_by_role("group", name="1. Bridge").get_by_label("Done")).to_be_checked()
    # Readable at arm's length: body text 16 px or more, the smaller print 14 px or more.
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.today-hint')).fontSize)") >= 14
    # "Today" saved by hand: the confirmation is beside the button, and has the focus.
    today.get_by_role("button", name="Save today").click()
    saved = today.get_by_role("status")
    expect(saved).to_have_text("Saved. Thank you!")
    expect(saved).to_be_focused()
    assert page.evaluate("document.querySelector('#today .today-saved').parentElement.querySelector('button') !== null")
    assert page.evaluate("homerxSession.offlineReady") is True  # kept on the phone before closing
    context.close()

    clinician_page = browser.new_page()
    sign_in(clinician_page, live_server, program.created_by.username)
    clinician_page.goto(f"{live_server.url}{program.get_absolute_url()}")
    clinician_page.get_by_role("link", name="Adherence and pain").click()
    expect(clinician_page.get_by_role("img", name="Pain scores: 1 day")).to_be_visible()
    expect(clinician_page.get_by_role("list").filter(has_text="Hips tired")).to_be_visible()
    clinician_page.close()


def test_session_with_no_signal_is_sent_once_when_back_online(browser, live_server, session_program):
    program, token = session_program
    context = browser.new_context(**PHONE, reduced_motion="reduce")
    page = context.new_page()
    url = f"{live_server.url}/p/{token}/"
    page.goto(url)
    assert page.evaluate("homerxSession.offlineReady") is True  # the page and its pictures are kept

    context.set_offline(True)
    page.goto(url)  # from the phone's copy
    expect(page.get_by_role("region", name="Maria Jensen")).to_be_visible()
    end = run_session(page, moving=False)
    expect(end.get_by_role("status")).to_contain_text("No signal")
    assert not DayLog.objects.filter(program=program).exists()
    assert len(page.evaluate("homerxSession.queue()")) == 1

    # While it waited, the phone lost its cookies (and with them the CSRF value the queued log
    # carries): the first send is refused, and it goes again with the page's fresh one.
    context.clear_cookies()
    context.set_offline(False)
    expect(end.get_by_role("status")).to_have_text("Your log was sent to your clinic.")
    assert page.evaluate("homerxSession.queue()") == []
    page.evaluate("homerxSession.flush()")  # a second try has nothing left to send
    assert_one_log(program)
    context.close()


def test_without_javascript_the_session_is_a_list_with_the_today_form(browser, live_server, session_program):
    program, token = session_program
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/p/{token}/")

    start = page.get_by_role("region", name="Maria Jensen")
    expect(start.get_by_role("listitem")).to_have_count(3)
    expect(start.get_by_role("button", name="Start today's session")).to_be_hidden()
    expect(page.get_by_role("region", name="Bridge")).to_have_count(0)  # no session screens shown
    today = page.get_by_role("region", name="Today")
    today.get_by_role("group", name="1. Bridge").get_by_label("Done").check()
    today.get_by_role("button", name="Save today").click()
    expect(page.get_by_role("status")).to_have_text("Saved. Thank you!")
    assert DayLog.objects.filter(program=program).count() == 1
    context.close()


KEPT = "async () => (await caches.keys()).filter(n => n.startsWith('homerx-link:')).length"


def test_forget_this_phone_and_a_revoked_link_remove_what_the_phone_kept(browser, live_server, session_program):
    program, token = session_program
    context = browser.new_context(**PHONE)
    page = context.new_page()
    url = f"{live_server.url}/p/{token}/"
    page.goto(url)
    assert page.evaluate("homerxSession.offlineReady") is True
    assert page.evaluate(KEPT) == 1

    page.get_by_role("button", name="Forget this phone").click()
    expect(page.get_by_text("This phone has forgotten your program.")).to_be_visible()
    assert page.evaluate(KEPT) == 0
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0

    # Opened again, then revoked: the next visit with a signal removes the copy.
    page.goto(url)
    assert page.evaluate("homerxSession.offlineReady") is True
    ShareLink.objects.get(program=program).revoke()
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # the friendly "link not available" page
    page.wait_for_function(f"({KEPT})().then(n => n === 0)")
    context.set_offline(True)
    response = None
    try:
        response = page.goto(url)
    except PlaywrightError:  # with nothing kept, an offline visit fails in the browser itself
        pass
    assert response is None or response.status != 200
    context.close()
