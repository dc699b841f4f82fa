"""The patient's log through the private link: what it saves, what it refuses, what it records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.models import AuditEntry
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import ShareLink
from progress import log_views
from progress.models import DayLog, Difficulty, ExerciseLog, LogSource
from tests.prescriptions.logging_fixtures import items_by_name, make_logging_program

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def program_and_token(clinic, patient, clinician):
    return make_logging_program(clinic=clinic, patient=patient, user=clinician)


@pytest.fixture
def program(program_and_token):
    return program_and_token[0]


@pytest.fixture
def token(program_and_token):
    return program_and_token[1]


def today_url(token):
    return reverse("public:today", args=[token])


def day_form(program, day, *, pain=None, note="", done=None, difficulty=None):
    items = items_by_name(program)
    data = {"day": day.isoformat(), "note": note}
    if pain is not None:
        data["pain"] = str(pain)
    for name, sessions in (done or {}).items():
        data[f"done-{items[name].pk}"] = [str(n) for n in range(1, sessions + 1)]
    for name, answer in (difficulty or {}).items():
        data[f"difficulty-{items[name].pk}"] = answer
    return data


def test_patient_page_opens_with_today_first(client, token, program):
    response = client.get(reverse("public:handout", args=[token]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('id="today"') < html.index("Your exercises")
    assert "How bad was your pain after exercising?" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "style=" not in html  # CSP: no inline styles
    assert "<script>" not in html  # CSP: no inline scripts


def test_a_day_is_saved_whole_and_audited_without_who(client, token, program):
    today = timezone.localdate()
    data = day_form(
        program,
        today,
        pain=6,
        note="Knee ached <b>a bit</b>",
        done={"Clamshell": 1},
        difficulty={"Clamshell": "too_hard"},
    )

    response = client.post(today_url(token), data)

    assert response.status_code == 302
    assert response["Location"].endswith(f"?day={today}&saved={today}#today-saved")
    log = DayLog.objects.get(program=program, day=today)
    assert (log.pain, log.note, log.source, log.entered_by) == (6, "Knee ached <b>a bit</b>", LogSource.LINK, None)
    clamshell = ExerciseLog.objects.get(day_log=log, exercise__name="Clamshell")
    assert (clamshell.sessions_done, clamshell.difficulty) == (1, Difficulty.TOO_HARD)
    entry = AuditEntry.objects.get(action=ProgramAction.LOG_WRITTEN)
    assert (entry.user, entry.ip_address, entry.patient_id) == (None, None, program.patient_id)

    page = client.get(response["Location"]).content.decode()
    assert "Saved. Thank you!" in page
    assert "Knee ached &lt;b&gt;a bit&lt;/b&gt;" in page


def test_sending_the_same_day_twice_has_one_effect(client, token, program):
    today = timezone.localdate()
    data = day_form(program, today, pain=3, done={"Clamshell": 1})
    client.post(today_url(token), data)
    client.post(today_url(token), data)

    assert DayLog.objects.filter(program=program).count() == 1
    assert ExerciseLog.objects.filter(day_log__program=program).count() == 1


def test_htmx_save_answers_with_the_section_and_says_saved(client, token, program):
    response = client.post(today_url(token), day_form(program, timezone.localdate(), pain=2), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<section") or 'id="today"' in html
    assert "Saved. Thank you!" in html
    assert "<html" not in html


def test_ticks_beyond_the_prescribed_sessions_are_not_counted(client, token, program):
    today = timezone.localdate()
    # Clamshell is once a day: a forged second tick counts once.
    data = day_form(program, today, done={"Clamshell": 1})
    data[f"done-{items_by_name(program)['Clamshell'].pk}"] = ["1", "2", "3"]
    client.post(today_url(token), data)

    assert ExerciseLog.objects.get(exercise__name="Clamshell").sessions_done == 1


@pytest.mark.parametrize("back", [3, -1])
def test_only_today_and_the_two_days_before_can_be_logged(client, token, program, back):
    day = timezone.localdate() - datetime.timedelta(days=back)
    response = client.post(today_url(token), day_form(program, day, pain=4))

    assert response.status_code == 422
    assert "Not saved: you can fill in today and the two days before." in response.content.decode()
    assert not DayLog.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain", "11", "Choose a number from 0 (no pain) to 10 (worst pain)."),
        ("note", "x" * 501, "Keep the note to 500 characters (it has 501)."),
    ],
)
def test_bad_answers_are_refused_with_a_field_error_and_nothing_saved(client, token, program, field, value, message):
    data = day_form(program, timezone.localdate(), pain=3)
    data[field] = value
    response = client.post(today_url(token), data, **HTMX)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not DayLog.objects.exists()


def test_without_javascript_a_refused_day_comes_back_in_the_whole_page_with_what_was_typed(client, token, program):
    data = day_form(program, timezone.localdate(), pain=3, note="Kept while I fix the pain")
    data["pain"] = "12"
    response = client.post(today_url(token), data)

    html = response.content.decode()
    assert response.status_code == 422
    assert "Your exercises" in html  # the whole page, not the section alone
    assert "Choose a number from 0 (no pain) to 10 (worst pain)." in html
    assert "Kept while I fix the pain</textarea>" in html


def test_revoked_link_cannot_log(client, token, program):
    ShareLink.objects.get(program=program).revoke()
    response = client.post(today_url(token), day_form(program, timezone.localdate(), pain=5))

    assert response.status_code == 404
    assert not DayLog.objects.exists()


def test_expired_link_cannot_log(client, token, program):
    ShareLink.objects.filter(program=program).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(today_url(token), day_form(program, timezone.localdate(), pain=5))

    assert response.status_code == 404
    assert not DayLog.objects.exists()


def test_logging_is_throttled_per_address(client, token, program, monkeypatch):
    monkeypatch.setattr(log_views.LOG_THROTTLE, "limit", 3)
    data = day_form(program, timezone.localdate(), pain=5)
    codes = [client.post(today_url(token), data).status_code for _ in range(4)]

    assert codes == [302, 302, 302, 429]
    refused = client.post(today_url(token), data, **HTMX)
    assert "Not saved: too many saves from this connection." in refused.content.decode()
    assert refused["Retry-After"] == str(log_views.LOG_THROTTLE.window)
    # Another address is not affected.
    assert client.post(today_url(token), data, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_oversized_post_is_refused(client, token, program):
    data = day_form(program, timezone.localdate(), pain=5)
    data["padding"] = "x" * (log_views.MAX_LOG_BODY + 1)
    response = client.post(today_url(token), data)

    assert response.status_code == 413
    assert not DayLog.objects.exists()


def test_logging_needs_the_csrf_token(token, program):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(today_url(token), day_form(program, timezone.localdate(), pain=5))

    assert response.status_code == 403
    assert not DayLog.objects.exists()


def test_logs_survive_a_reissue(client, token, program, clinician):
    from prescriptions.models import Handout

    client.post(today_url(token), day_form(program, timezone.localdate(), pain=4))
    first = Handout.objects.get(program=program)
    Handout.objects.create(
        program=program,
        version=2,
        snapshot=first.snapshot,
        pdf=first.pdf.name,
        pdf_sha256="1" * 64,
        issued_by=clinician,
    )

    page = client.get(reverse("public:handout", args=[token]) + f"?day={timezone.localdate()}").content.decode()
    assert 'value="4" checked' in page


def test_calendar_has_a_weekly_event_on_the_prescribed_days_with_no_health_words(client, token, program):
    response = client.get(reverse("public:calendar", args=[token]), {"time": "07:30"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Home exercises"
    assert reverse("public:handout", args=[token]) in str(event["description"])
    # Bridge Mon/Wed/Fri, Sit to stand 3 days (Mon/Wed/Fri), Clamshell daily: every day.
    assert sorted(event["rrule"]["BYDAY"]) == sorted(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])
    start = event.decoded("dtstart")
    assert (start.hour, start.minute) == (7, 30)
    assert event["rrule"]["UNTIL"][0].date() == program.last_day
    text = response.content.decode().lower()
    for word in ("pain", "bridge", "clamshell", "knee", "back", program.patient.last_name.lower()):
        assert word not in text


def test_calendar_refuses_a_bad_time_and_a_revoked_link(client, token, program):
    assert client.get(reverse("public:calendar", args=[token]), {"time": "25:00"}).status_code == 422
    ShareLink.objects.get(program=program).revoke()
    assert client.get(reverse("public:calendar", args=[token])).status_code == 404


@pytest.mark.parametrize("days", [1, 3])
def test_patient_page_query_count_does_not_grow_with_logs(client, token, program, days):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for back in range(days):
        day = timezone.localdate() - datetime.timedelta(days=back)
        client.post(today_url(token), day_form(program, day, pain=back, done={"Clamshell": 1}))
    client.get(reverse("public:handout", args=[token]))  # the handout page is now cached
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("public:handout", args=[token]), {"day": yesterday})
    # A "Today" section not cached yet: 1 the newest handout of the usable link, 2 the view's
    # audit entry (one INSERT), 3 the link with its program, 4 the program's items, 5 the last
    # week's logs, 6 their entries.
    assert len(queries) == 6, [q["sql"][:120] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("public:handout", args=[token]), {"day": yesterday})
    # Then cached: 1 the newest handout, 2 the audit entry.
    assert len(queries) == 2, [q["sql"][:120] for q in queries]


@pytest.mark.parametrize("days", [0, 2])
def test_saving_a_day_query_count_does_not_grow_with_logs(client, token, program, days, django_assert_num_queries):
    client.get(reverse("public:handout", args=[token]))  # the patient opened the page: its version is cached
    for back in range(1, days + 1):
        client.post(today_url(token), day_form(program, timezone.localdate() - datetime.timedelta(days=back), pain=1))
    data = day_form(program, timezone.localdate(), pain=5, done={"Clamshell": 1}, difficulty={"Bridge": "too_hard"})
    # 1 the newest handout of the usable link, 2 the link with its program, 3 the items;
    # in a savepoint (4, 14): 5 the day's log, 6-8 created in a savepoint of its own,
    # 9 saved with the answers, 10 its entries, 11-12 the two exercises answered, 13 the audit entry.
    with django_assert_num_queries(14):
        assert client.post(today_url(token), data).status_code == 302


def test_today_lists_the_issued_version_not_unissued_edits(client, token, program):
    from tests.factories import ExerciseFactory, ProgramItemFactory

    ProgramItemFactory(program=program, exercise=ExerciseFactory(name="Added after issue"), order=9)
    items = items_by_name(program)
    items["Clamshell"].times_per_day = 3
    items["Clamshell"].save()

    html = client.get(reverse("public:handout", args=[token])).content.decode()
    section = html[html.index('id="today"') : html.index("</section>", html.index('id="today"'))]
    assert "Added after issue" not in section
    assert "2. Clamshell" in section and "Session 3 done" not in section


def test_a_link_cannot_log_against_another_programs_exercises(client, token, program, clinician, other_clinic):
    from tests.factories import PatientFactory

    other, _other_token = make_logging_program(
        clinic=other_clinic, patient=PatientFactory(clinic=other_clinic), user=clinician
    )
    data = day_form(program, timezone.localdate(), pain=2)
    for item in other.items.all():
        data[f"done-{item.pk}"] = ["1", "2"]
        data[f"difficulty-{item.pk}"] = "too_hard"
    assert client.post(today_url(token), data).status_code == 302

    assert not DayLog.objects.filter(program=other).exists()
    assert not ExerciseLog.objects.filter(item__program=other).exists()
    assert not ExerciseLog.objects.exists()  # nothing ticked on this program either


def _today_section(client, token, **params):
    html = client.get(reverse("public:handout", args=[token]), params).content.decode()
    start = html.index('id="today"')
    return html[start : html.index("</section>", start)]


def test_the_cached_today_shows_a_save_at_once(client, token, program):
    """A repeated view reuses the cached "Today"; a patient's save shows on the next view."""
    assert 'value="7" checked' not in _today_section(client, token)
    client.post(today_url(token), day_form(program, timezone.localdate(), pain=7, done={"Clamshell": 1}))

    section = _today_section(client, token)
    assert 'value="7" checked' in section
    assert 'name="done-{}" value="1" checked'.format(items_by_name(program)["Clamshell"].pk) in section


def test_the_cached_today_shows_a_clinicians_paper_tracker_entry_at_once(client, token, program, clinician):
    from progress.log_services import DayEntry, paper_tracker_save

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert 'value="4" checked' not in _today_section(client, token, day=yesterday.isoformat())
    paper_tracker_save(program=program, user=clinician, days={yesterday: DayEntry(pain=4)})

    assert 'value="4" checked' in _today_section(client, token, day=yesterday.isoformat())


def test_the_cached_today_leaves_out_an_exercise_removed_from_the_program(client, token, program, clinician):
    from prescriptions import services

    assert "Clamshell" in _today_section(client, token)
    program.refresh_from_db()
    clamshell = items_by_name(program)["Clamshell"]
    services.item_remove(item=clamshell, user=clinician, revision=program.revision)

    assert "Clamshell" not in _today_section(client, token)


def test_the_cached_today_moves_on_with_the_date(client, token, program, time_machine):
    today = timezone.localdate()
    assert today.strftime("%a %-d %b") in _today_section(client, token)
    tomorrow = today + datetime.timedelta(days=1)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))

    assert tomorrow.strftime("%a %-d %b") in _today_section(client, token)


def test_the_today_section_shows_each_link_and_response_its_own_tokens(client, token, program, clinician):
    from prescriptions.handout.links import share_link_create

    _link, other_token = share_link_create(program=program, user=clinician)
    first, second = _today_section(client, token), _today_section(client, other_token)

    assert reverse("public:today", args=[token]) in first and other_token not in first
    assert reverse("public:today", args=[other_token]) in second and token not in second


def test_the_patient_page_caches_no_token(client, token, program, monkeypatch):
    """What the page keeps in the cache holds neither the link's token nor a CSRF token."""
    import pickle

    from django.core.cache import cache

    stored = []
    original = cache.set

    def recording_set(key, value, *args, **kwargs):
        stored.append(pickle.dumps(value))
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    client.post(today_url(token), day_form(program, timezone.localdate(), pain=3, note="~link-token~ as typed"))
    client.get(reverse("public:handout", args=[token]))

    assert stored
    csrf = client.cookies["csrftoken"].value
    for value in stored:
        assert token.encode() not in value
        assert csrf.encode() not in value
        assert b"csrfmiddlewaretoken" not in value
    # The patient's note is shown as typed, whatever it holds.
    assert "~link-token~ as typed" in _today_section(client, token)


def test_a_repeated_view_of_the_patient_page_is_two_queries(client, token, program, django_assert_num_queries):
    url = reverse("public:handout", args=[token])
    client.get(url)
    with django_assert_num_queries(2):
        # 1. the gate: the newest handout of a usable link, with what "Today" depends on
        # 2. the view's audit entry
        assert client.get(url).status_code == 200
