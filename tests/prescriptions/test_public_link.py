"""The patient's private link: what it opens, what it refuses, and the clinician's controls."""

import datetime
import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.tokens import hash_token, new_token
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout.links import share_link_create
from prescriptions.models import Handout, ShareLink
from prescriptions.public.gate import BAD_TOKEN_LIMIT
from tests.prescriptions.test_handout_pdf import issue, make_handout_program, stored_pdf

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

HTMX = {"HTTP_HX_REQUEST": "true"}
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
INACTIVE = "This link is no longer active — contact your clinic"


@pytest.fixture
def program(clinic, patient, clinician):
    return make_handout_program(clinic=clinic, patient=patient, user=clinician)


@pytest.fixture
def handout(program, clinician):
    return issue(program, clinician)


@pytest.fixture
def token(program, clinician, handout):
    _link, token = share_link_create(program=program, user=clinician)
    return token


def page_url(token):
    return reverse("public:handout", args=[token])


def assert_private_headers(response):
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_patient_page_shows_the_newest_version_with_a_download_button(client, token, program, clinician):
    issue(program, clinician)
    response = client.get(page_url(token))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Home exercise program for <bdi>Maria Jensen</bdi>" in html
    assert "version 2" in html
    for name in ("Bridge", "Clamshell", "Sit to stand"):
        assert name in html
    assert "3 sets of 10 each side · hold 5 seconds · twice a day · 5 days a week" in html
    # The button's link is relative to the page, so it opens this token's PDF.
    assert 'href="handout.pdf" download>Download PDF</a>' in html
    assert page_url(token) + "handout.pdf" == reverse("public:handout-pdf", args=[token])
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "style=" not in html  # CSP: no inline styles on the patient's page.
    assert_private_headers(response)


def test_patient_downloads_the_newest_stored_pdf(client, token, program, clinician):
    newest = issue(program, clinician)
    response = client.get(reverse("public:handout-pdf", args=[token]))

    assert b"".join(response.streaming_content) == stored_pdf(newest)
    assert response["Content-Disposition"] == f'attachment; filename="{newest.filename}"'
    assert_private_headers(response)
    entry = AuditEntry.objects.get(action=ProgramAction.HANDOUT_DOWNLOADED)
    assert (entry.user, entry.ip_address, entry.object_id) == (None, None, str(newest.pk))


def test_every_view_is_audited_without_who(client, token, handout):
    for _ in range(3):
        assert client.get(page_url(token)).status_code == 200

    link = ShareLink.objects.get(token_hash=hash_token(token))
    entries = AuditEntry.objects.filter(action=ProgramAction.HANDOUT_VIEWED)
    assert entries.count() == 3
    assert {(e.user, e.ip_address, e.object_id, e.patient_id, e.clinic_id) for e in entries} == {
        (None, None, str(handout.pk), handout.program.patient_id, handout.program.clinic_id)
    }
    assert {e.detail["link"] for e in entries} == {link.pk}


def test_clinician_sees_each_links_views_from_the_audit_log(client, token, program, clinician, clinician_client):
    _other, other_token = share_link_create(program=program, user=clinician)
    client.get(page_url(token))
    client.get(page_url(token))
    client.get(page_url(other_token))
    client.get(page_url(token) + "handout.pdf")  # a download is not a view

    panel = clinician_client.get(reverse("prescriptions:handout-panel", args=[program.pk]), **HTMX)
    text = " ".join(panel.content.decode().split())
    assert text.count("opened 2 times (last") == 1
    assert text.count("opened 1 time (last") == 1
    # The printed link of the issued handout has never been opened.
    assert text.count("opened 0 times") == 1


@pytest.mark.parametrize("items", [1, 8])
def test_patient_page_query_count_does_not_grow_with_items(client, clinic, patient, clinician, items):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=items)
    issue(program, clinician)
    _link, token = share_link_create(program=program, user=clinician)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(token))
    assert response.status_code == 200
    # 1 the newest handout of the usable link (with its program, patient and clinic ids), 2 its
    # snapshot (first view only: the page is then cached), 3 the audit entry, the view's only
    # record (no count to update), 4 the link with its program, for "Today": 5 the program's
    # items, 6 the issued version's exercises (first view only: then cached), 7 the last week's
    # logs (their entries are one more query once there are any), 8 the program's outcome
    # measures, for the questionnaires due (a registered section; their answers are one more
    # query once there are any); for the first screen and its session (first view of a version
    # only: then cached) 9 the snapshot's words and 10 the exercises' drawings and movements.
    assert len(queries) == 10, [q["sql"][:120] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(page_url(token))
    # The same page but for "Today"'s CSRF token, masked afresh for every response (the first
    # screen holds none: it is cached whole).
    assert CSRF_INPUT.sub("", again.content.decode()) == CSRF_INPUT.sub("", response.content.decode())
    # 1 the newest handout (which also says what "Today" depends on), 2 the audit entry: the
    # page, its first screen, its "Today" section and the questionnaires due are cached until
    # something they show changes.
    assert len(queries) == 2, [q["sql"][:120] for q in queries]


def _expire(link):
    link.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    link.save()


@pytest.mark.parametrize(
    "state", ["unknown", "expired", "revoked", "archived program", "archived patient", "malformed"]
)
def test_inactive_links_get_the_same_friendly_404(client, token, program, state):
    link = ShareLink.objects.get(token_hash=hash_token(token))
    url = page_url(token)
    if state == "unknown":
        url = page_url(new_token())
    elif state == "expired":
        _expire(link)
    elif state == "revoked":
        link.revoke()
    elif state == "archived program":
        program.archive()
    elif state == "archived patient":
        program.patient.archive()
    else:
        url = page_url("not-a-token")

    for target in (url, url + "handout.pdf"):
        response = client.get(target)
        assert response.status_code == 404
        assert INACTIVE in response.content.decode()
        assert "Maria" not in response.content.decode()
        assert_private_headers(response)


def test_refused_links_are_not_logged_with_their_token(client, db, caplog):
    token = new_token()
    with caplog.at_level(logging.INFO):
        client.get(page_url(token))
    assert "Patient link refused (404)" in caplog.text  # the refusal is logged, without the token
    assert token not in caplog.text


def test_repeated_bad_tokens_from_one_address_are_throttled(client, token):
    for _ in range(BAD_TOKEN_LIMIT):
        assert client.get(page_url(new_token())).status_code == 404
    response = client.get(page_url(token))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    other_address = client.get(page_url(token), REMOTE_ADDR="10.0.0.7")
    assert other_address.status_code == 200


def test_tokens_have_256_bits_and_only_their_hash_is_stored(program, clinician, handout):
    link, token = share_link_create(program=program, user=clinician)
    assert len(token) >= 43
    assert link.token_hash == hash_token(token) != token
    stored = str(list(ShareLink.objects.values())) + str(list(Handout.objects.values("snapshot")))
    assert token not in stored


@pytest.mark.clock
def test_link_expires_90_days_after_the_programs_last_day(program, clinician, handout, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC))
    program.start_date, program.duration_weeks = datetime.date(2026, 12, 28), 6
    program.save()
    link, _token = share_link_create(program=program, user=clinician)
    # 28 Dec 2026 + 6 weeks: the last day is Sunday 7 February 2027; 90 days on is 8 May.
    assert program.last_day == datetime.date(2027, 2, 7)
    assert timezone.localdate(link.expires_at) == datetime.date(2027, 5, 8)


def test_a_link_made_after_the_program_ended_works_for_90_days_from_today(program, clinician, handout, time_machine):
    time_machine.move_to(timezone.now() + datetime.timedelta(days=program.duration_weeks * 7 + 30))
    assert timezone.localdate() > program.end_date
    link, _token = share_link_create(program=program, user=clinician)
    assert timezone.localdate(link.expires_at) == timezone.localdate() + datetime.timedelta(days=90)


# ----------------------------------------------------------------------------- clinician controls


def test_created_link_is_shown_once_then_only_listed(clinician_client, program, handout):
    response = clinician_client.post(reverse("prescriptions:link-create", args=[program.pk]), **HTMX)
    html = response.content.decode()
    link = ShareLink.objects.filter(channel="copied").get()
    assert "copy it now" in html
    shown = html.split('id="new-patient-link" type="text" readonly value="')[1].split('"')[0]
    assert hash_token(shown.rstrip("/").rsplit("/", 1)[1]) == link.token_hash

    again = clinician_client.get(reverse("prescriptions:handout-panel", args=[program.pk])).content.decode()
    assert shown not in again and "Copied link" in again
    assert AuditEntry.objects.filter(action=ProgramAction.LINK_CREATED).count() == 1


def test_without_javascript_the_new_link_waits_for_the_next_page_once(clinician_client, program, handout):
    response = clinician_client.post(reverse("prescriptions:link-create", args=[program.pk]))
    assert response.status_code == 302
    first = clinician_client.get(response["Location"]).content.decode()
    second = clinician_client.get(response["Location"]).content.decode()
    assert 'id="new-patient-link"' in first
    assert 'id="new-patient-link"' not in second


def test_clinician_extends_revokes_and_replaces_a_link(clinician_client, client, program, handout, token):
    link = ShareLink.objects.get(token_hash=hash_token(token))
    new_day = timezone.localdate() + datetime.timedelta(days=400)
    clinician_client.post(
        reverse("prescriptions:link-extend", args=[program.pk, link.pk]), {"expires_on": new_day.isoformat()}, **HTMX
    )
    link.refresh_from_db()
    assert timezone.localdate(link.expires_at) == new_day

    response = clinician_client.post(reverse("prescriptions:link-replace", args=[program.pk, link.pk]), **HTMX)
    replacement = response.content.decode().split('readonly value="')[1].split('"')[0]
    assert client.get(page_url(token)).status_code == 404
    assert client.get(replacement.removeprefix("http://127.0.0.1:8000")).status_code == 200

    new_link = ShareLink.objects.filter(revoked_at__isnull=True, channel="copied").get()
    clinician_client.post(reverse("prescriptions:link-revoke", args=[program.pk, new_link.pk]), **HTMX)
    assert INACTIVE in client.get(replacement.removeprefix("http://127.0.0.1:8000")).content.decode()

    actions = list(
        AuditEntry.objects.filter(action__startswith="link.").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        ProgramAction.LINK_CREATED,
        ProgramAction.LINK_CHANGED,
        ProgramAction.LINK_CREATED,
        ProgramAction.LINK_REVOKED,
    ]


@pytest.mark.parametrize("day", ["2001-01-01", "2999-01-01", "soon"])
def test_extending_to_the_past_or_far_future_is_refused(clinician_client, program, handout, token, day):
    link = ShareLink.objects.get(token_hash=hash_token(token))
    before = link.expires_at
    response = clinician_client.post(
        reverse("prescriptions:link-extend", args=[program.pk, link.pk]), {"expires_on": day}, **HTMX
    )
    assert response.status_code == 400
    link.refresh_from_db()
    assert link.expires_at == before


def test_outsider_cannot_touch_another_clinics_links(client, outsider, program, token):
    link = ShareLink.objects.get(token_hash=hash_token(token))
    client.force_login(outsider)
    for name in ("link-revoke", "link-replace", "link-extend"):
        assert client.post(reverse(f"prescriptions:{name}", args=[program.pk, link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.is_usable
