"""The patient page's first screen and guided session, as the server sends them: what is
planned today, nothing of the token in what is cached, the link's service worker, and a
session's save sent twice making one log."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from prescriptions.models import ShareLink
from progress.models import DayLog
from tests.prescriptions.logging_fixtures import items_by_name, make_logging_program

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

HTMX = {"HTTP_HX_REQUEST": "true"}
DAILY = [
    ("Bridge", {"times_per_day": 2, "weekdays": "", "days_per_week": 7}),
    ("Clamshell", {"times_per_day": 1, "weekdays": "", "days_per_week": 7}),
]


@pytest.fixture
def program_and_token(clinic, patient, clinician):
    return make_logging_program(clinic=clinic, patient=patient, user=clinician, doses=DAILY)


def page(client, token):
    return client.get(reverse("public:handout", args=[token])).content.decode()


def start_screen(html):
    return html[html.index('<section id="start"') : html.index("</section>", html.index('<section id="start"'))]


def session_json(html):
    found = re.search(r'<script id="session-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_first_screen_says_who_when_what_and_how_to_stay_safe(client, program_and_token):
    _program, token = program_and_token
    html = page(client, token)
    start = start_screen(html)
    assert "Maria Jensen" in start
    assert timezone.localdate().strftime("%A %-d %B %Y").replace(" 0", " ") in start
    assert "Stop and call the clinic on" in start
    assert start.index("Bridge") < start.index("Clamshell")
    assert "(2 times today)" in start
    assert "Start today's session" in start
    # The first screen comes first, above "Today", which stays; the handout follows below.
    assert html.index('id="start"') < html.index('id="today"') < html.index('class="handout-main"')


def test_first_screen_and_session_hold_nothing_of_the_token_or_csrf(client, program_and_token):
    _program, token = program_and_token
    html = page(client, token)
    cached = html[
        html.index('<link rel="stylesheet" href="/static/css/session.css">') : html.index('<section id="today"')
    ]
    assert token not in cached
    assert "csrfmiddlewaretoken" not in cached
    # The session's data: today's exercises with what the timer paces them by.
    data = session_json(html)
    assert [item["name"] for item in data["items"]] == ["Bridge", "Clamshell"]
    assert {"sets", "reps", "hold", "rest", "duration", "steps", "cautions", "frames"} <= set(data["items"][0])
    assert data["day"] == timezone.localdate().isoformat()


def test_first_screen_follows_todays_log(client, program_and_token):
    program, token = program_and_token
    items = items_by_name(program)
    first = session_json(page(client, token))
    assert first["items"][0]["done"] == 0
    client.post(
        reverse("public:today", args=[token]),
        {"day": timezone.localdate().isoformat(), f"done-{items['Bridge'].pk}": ["1"]},
    )
    assert session_json(page(client, token))["items"][0]["done"] == 1


def test_a_session_sent_twice_is_one_log(client, program_and_token):
    program, token = program_and_token
    items = items_by_name(program)
    body = {
        "day": timezone.localdate().isoformat(),
        f"done-{items['Bridge'].pk}": ["1"],
        f"difficulty-{items['Bridge'].pk}": "about_right",
        "pain": "2",
        "note": "Fine",
    }
    for _ in range(2):  # sent from the phone's queue, then again after a lost answer
        response = client.post(reverse("public:today", args=[token]), body, **HTMX)
        assert response.status_code == 200
    (log,) = DayLog.objects.filter(program=program)
    assert (log.pain, log.note) == (2, "Fine")
    assert [(e.sessions_done, e.difficulty) for e in log.entries.all()] == [(1, "about_right")]


def test_service_worker_is_scoped_to_the_link_and_refused_once_it_is_revoked(client, program_and_token):
    program, token = program_and_token
    url = reverse("public:service-worker", args=[token])
    assert url == reverse("public:handout", args=[token]) + "sw.js"  # its folder is its scope
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert token not in response.content.decode()

    ShareLink.objects.get(program=program).revoke()
    assert client.get(url).status_code == 404
    # A visit with a signal gets the 404 too: the worker removes what the phone kept.
    assert client.get(reverse("public:handout", args=[token])).status_code == 404


def test_the_seven_day_table_starts_at_the_program_start(client, clinic, patient, clinician):
    start = timezone.localdate() - timezone.timedelta(days=2)
    _program, token = make_logging_program(clinic=clinic, patient=patient, user=clinician, start=start, doses=DAILY)
    html = page(client, token)
    table = html[html.index('<table class="today-glance">') : html.index("</table>")]
    rows = re.findall(r'<th scope="row">(.*?)</th>', table)
    assert rows == [
        (start + timezone.timedelta(days=n)).strftime("%a %-d %b") for n in range(3)
    ]  # the start day first: nothing before it
