"""What the clinician sees of the logs: adherence, pain chart, notes; the paper tracker; "Needs attention"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from patients.models import Membership, Patient
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import Program, ShareLink
from prescriptions.schedule import Period, Schedule, dose_weekdays
from progress.adherence import adherence
from progress.attention import flagged_programs, reasons_by_patient
from progress.log_services import DayEntry, attention_mark_seen, day_log_save
from progress.models import DayLog, ExerciseLog, LogSource
from tests.factories import PatientFactory, ProgramFactory
from tests.prescriptions.logging_fixtures import items_by_name, make_logging_program

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock


@pytest.fixture
def program_and_token(clinic, patient, clinician):
    return make_logging_program(clinic=clinic, patient=patient, user=clinician)


@pytest.fixture
def program(program_and_token):
    return program_and_token[0]


def log_day(program, day, *, pain=None, note="", done=None, difficulty=None):
    """A day as the patient saves it through the link."""
    items = items_by_name(program)
    entry = DayEntry(
        sessions={items[name].pk: n for name, n in (done or {}).items()},
        difficulty={items[name].pk: answer for name, answer in (difficulty or {}).items()},
        pain=pain,
        note=note,
    )
    return day_log_save(link=ShareLink.objects.filter(program=program).first(), day=day, entry=entry)


# The schedule (pure).


class Dose:
    def __init__(self, pk=1, weekdays="", days_per_week=7, times_per_day=1):
        self.pk, self.weekdays, self.days_per_week, self.times_per_day = pk, weekdays, days_per_week, times_per_day


@pytest.mark.parametrize(
    ("weekdays", "days_per_week", "expected"),
    [("mon,thu", None, {0, 3}), ("", 3, {0, 2, 4}), ("", 5, {0, 1, 2, 3, 4}), ("", None, set(range(7)))],
)
def test_prescribed_weekdays_follow_named_days_or_a_fixed_spread(weekdays, days_per_week, expected):
    assert dose_weekdays({"weekdays": weekdays, "days_per_week": days_per_week}) == expected


def sessions_on(item, day):
    """Sessions of a program item on a day of its (running) program, by the one schedule's rule."""
    return (item.times_per_day or 1) if day.weekday() in dose_weekdays(item) else 0


@pytest.mark.clock(datetime.date(2026, 11, 10))
def test_adherence_counts_done_of_prescribed_per_week_and_exercise_up_to_today():
    monday = datetime.date(2026, 11, 2)
    twice = Dose(pk=1, weekdays="mon,wed,fri", times_per_day=2)
    daily = Dose(pk=2)
    done = {(1, monday): 2, (1, monday + datetime.timedelta(days=2)): 1, (2, monday): 5}
    result = adherence([twice, daily], start=monday, weeks=6, until=monday + datetime.timedelta(days=8), done=done)

    # Week 1: 3 days × 2 + 7 × 1 = 13 prescribed; week 2 so far (Mon, Tue): 2 + 2 = 4.
    assert [(n, t.done, t.prescribed) for n, _first, t in result.weeks] == [(1, 4, 13), (2, 0, 4)]
    assert [(t.done, t.prescribed) for _item, t in result.exercises] == [(3, 8), (1, 9)]
    assert result.total.percent == round(100 * 4 / 17)
    # Done beyond the prescription (5 sessions of a once-a-day exercise) counts once.
    assert Schedule.of_items(Period(monday, 6), [daily]).sessions_on(daily.pk, monday) == 1


# The adherence page.


def test_adherence_page_shows_sessions_pain_chart_and_notes_newest_first(clinician_client, program):
    today = timezone.localdate()
    log_day(program, today - datetime.timedelta(days=2), pain=3, note="Older note", done={"Clamshell": 1})
    log_day(program, today, pain=7, note="Sore <script>", done={"Clamshell": 1}, difficulty={"Clamshell": "too_hard"})

    response = clinician_client.get(reverse("prescriptions:program-adherence", args=[program.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sessions done, per week" in html and "Sessions done, per exercise" in html
    assert re.search(r'<path class="pain-line"[^>]* d="M[\d. L]+"', html)
    assert html.count('<circle class="pain-point') == 2
    assert 'class="pain-point is-high"' in html  # the 7
    assert "Sore &lt;script&gt;" in html
    assert html.index("Sore &lt;script&gt;") < html.index("Older note")
    assert "Clamshell: Too hard" in html
    assert "style=" not in html
    entry = AuditEntry.objects.get(action=ProgramAction.LOG_VIEWED)
    assert (entry.patient_id, entry.object_id) == (program.patient_id, str(program.pk))


def test_program_page_loads_the_summary_with_htmx(clinician_client, program):
    log_day(program, timezone.localdate(), pain=4, done={"Clamshell": 1})
    builder = clinician_client.get(program.get_absolute_url()).content.decode()
    url = reverse("prescriptions:program-adherence", args=[program.pk])
    assert f'hx-get="{url}" hx-trigger="load"' in builder

    partial = clinician_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Sessions done, per exercise" in partial and "Pain scores: 1 day" in partial
    assert "<html" not in partial and "style=" not in partial


def _many_logs(program, days):
    items = list(program.items.all())
    start = program.start_date
    for offset in range(days):
        log = DayLog.objects.create(
            program=program,
            day=start + datetime.timedelta(days=offset),
            pain=offset % 10,
            source=LogSource.LINK,
            note=f"n{offset}",
        )
        for item in items:
            ExerciseLog.objects.create(
                day_log=log, item=item, exercise_id=item.exercise_id, sessions_done=1, difficulty="about_right"
            )


@pytest.mark.parametrize("days", [1, 10])
def test_adherence_page_query_count_does_not_grow_with_logs(clinician_client, program, days, django_assert_num_queries):
    _many_logs(program, days)
    # 1 session, 2 user, 3 memberships with clinics, 4 the program (scoped to the user's clinics),
    # 5 its items with exercises, 6 its day logs with who typed them, 7 their entries,
    # 8 the entries' exercises, 9 the audit entry, 10-12 the session saved again in a savepoint.
    with django_assert_num_queries(12):
        response = clinician_client.get(reverse("prescriptions:program-adherence", args=[program.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("patients", [1, 5])
def test_attention_page_query_count_does_not_grow(
    clinician_client, clinic, clinician, patients, django_assert_num_queries
):
    for _ in range(patients):
        program, _token = make_logging_program(clinic=clinic, patient=PatientFactory(clinic=clinic), user=clinician)
        log_day(program, timezone.localdate(), pain=8, difficulty={"Bridge": "too_hard"})
    # 1 session, 2 user, 3 memberships with clinics, 4 the issued programs with patients,
    # 5 their recent pain scores, 6 their "too hard" counts, 7 the audit entry, 8-10 the session.
    with django_assert_num_queries(10):
        response = clinician_client.get(reverse("prescriptions:attention-list"))
    assert len(response.context["flags"]) == patients


@pytest.mark.parametrize("days", [1, 10])
def test_paper_tracker_query_count_does_not_grow_with_logs(clinician_client, program, days, django_assert_num_queries):
    _many_logs(program, days)
    # 1 session, 2 user, 3 the program, 4 its items, 5 its day logs, 6 their entries, 7 the
    # entries' exercises, 8 the audit entry, 9 memberships with clinics (menu), 10-12 the session.
    with django_assert_num_queries(12):
        response = clinician_client.get(reverse("prescriptions:paper-tracker", args=[program.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("patients", [1, 5])
def test_patient_list_marker_query_count_does_not_grow(
    clinician_client, clinic, clinician, patients, django_assert_num_queries
):
    for _ in range(patients):
        program, _token = make_logging_program(clinic=clinic, patient=PatientFactory(clinic=clinic), user=clinician)
        log_day(program, timezone.localdate(), pain=9)
    # 1 session, 2 user, 3 memberships with clinics, 4 count, 5 the page of patients, 6 the
    # page's patients' issued programs, 7 their recent pain scores, 8 their "too hard" counts,
    # 9-11 the session.
    with django_assert_num_queries(11):
        response = clinician_client.get(reverse("patients:patient-list"))
    assert response.content.decode().count("Needs attention<span") == patients


def test_another_clinic_cannot_see_or_write_the_logs(outsider_client, program):
    log_day(program, timezone.localdate(), pain=8)
    for name in ("program-adherence", "paper-tracker", "attention-seen"):
        url = reverse(f"prescriptions:{name}", args=[program.pk])
        assert outsider_client.get(url).status_code in (404, 405)
        assert outsider_client.post(url, {f"pain-{timezone.localdate()}": "1"}).status_code in (404, 405)
    assert DayLog.objects.get().pain == 8
    assert not outsider_client.get(reverse("prescriptions:attention-list")).context["flags"]


# The paper tracker.


def test_paper_tracker_round_trips_what_was_typed(clinician_client, clinician, program):
    url = reverse("prescriptions:paper-tracker", args=[program.pk])
    page = clinician_client.get(url)
    week = page.context["weeks"][0]
    items = items_by_name(program)
    days = week["days"]
    # Type the plan itself for Bridge and Clamshell (all done), leave Sit to stand empty.
    typed = {
        f"w1-i{items['Bridge'].pk}": "".join(
            str(sessions_on(items["Bridge"], d)) if sessions_on(items["Bridge"], d) else "-" for d in days
        ),
        f"w1-i{items['Clamshell'].pk}": "1111111",
        f"pain-{days[0]}": "4",
        f"pain-{days[3]}": "10",
    }
    response = clinician_client.post(url, typed)

    assert response.status_code == 302
    logs = DayLog.objects.filter(program=program)
    assert logs.count() == 7
    assert set(logs.values_list("source", "entered_by")) == {(LogSource.PAPER, clinician.pk)}
    assert AuditEntry.objects.filter(action=ProgramAction.LOG_TRANSCRIBED).count() == 1
    again = clinician_client.get(url).context["weeks"][0]
    values = {row["name"]: row["value"] for row in again["rows"]}
    assert values[f"w1-i{items['Bridge'].pk}"] == typed[f"w1-i{items['Bridge'].pk}"]
    assert values[f"w1-i{items['Clamshell'].pk}"] == "1111111"
    assert values[f"w1-i{items['Sit to stand'].pk}"] == "".join(
        "0" if sessions_on(items["Sit to stand"], d) else "-" for d in days
    )
    pains = {cell["name"]: cell["value"] for cell in again["pain"]}
    assert (pains[f"pain-{days[0]}"], pains[f"pain-{days[3]}"], pains[f"pain-{days[1]}"]) == ("4", "10", "")

    # Saving the grid unchanged writes nothing.
    resend = {row["name"]: row["value"] for w in clinician_client.get(url).context["weeks"] for row in w["rows"]}
    resend.update({cell["name"]: cell["value"] for w in again and [again] for cell in w["pain"]})
    clinician_client.post(url, resend)
    assert AuditEntry.objects.filter(action=ProgramAction.LOG_TRANSCRIBED).count() == 1


def test_paper_tracker_refuses_ticks_on_an_unplanned_day_with_a_field_error(clinician_client, program):
    url = reverse("prescriptions:paper-tracker", args=[program.pk])
    week = clinician_client.get(url).context["weeks"][0]
    bridge = items_by_name(program)["Bridge"]
    rest = next(i for i, d in enumerate(week["days"]) if not sessions_on(bridge, d))
    typed = "-" * rest + "1"
    response = clinician_client.post(url, {f"w1-i{bridge.pk}": typed, f"pain-{week['days'][0]}": "11"})

    html = response.content.decode()
    assert response.status_code == 422
    assert "not a planned day for this exercise" in html
    assert "Pain is a number from 0 to 10." in html
    assert f'value="{typed}"' in html  # what was typed is kept
    assert not DayLog.objects.exists()


def test_paper_tracker_keeps_the_patients_notes_on_days_it_changes(clinician_client, program):
    day = program.start_date
    log_day(program, day, pain=2, note="From my phone", difficulty={"Clamshell": "too_easy"})
    url = reverse("prescriptions:paper-tracker", args=[program.pk])
    clinician_client.post(url, {f"pain-{day}": "5"})

    log = DayLog.objects.get(day=day)
    assert (log.pain, log.note, log.source) == (5, "From my phone", LogSource.PAPER)
    assert log.entries.get(exercise__name="Clamshell").difficulty == "too_easy"


# Needs attention.


def _reasons(client):
    return {
        flag.program.pk: flag.reasons for flag in client.get(reverse("prescriptions:attention-list")).context["flags"]
    }


def test_high_pain_flags_the_patient_until_marked_seen(clinician_client, clinician, program):
    log_day(program, timezone.localdate(), pain=7)
    assert _reasons(clinician_client)[program.pk] == ["Latest pain 7 of 10"]
    patient_list = clinician_client.get(reverse("patients:patient-list")).content.decode()
    assert "Needs attention</span>" in patient_list or "Needs attention<span" in patient_list

    response = clinician_client.post(reverse("prescriptions:attention-seen", args=[program.pk]))
    assert response.status_code == 302
    assert program.pk not in _reasons(clinician_client)
    assert AuditEntry.objects.filter(action=ProgramAction.ATTENTION_SEEN, patient_id=program.patient_id).exists()

    # New evidence brings the patient back (the patient corrects today's score upwards).
    log_day(program, timezone.localdate(), pain=8)
    assert program.pk in _reasons(clinician_client)


def test_rising_pain_and_too_hard_twice_are_reasons(clinician_client, program):
    today = timezone.localdate()
    log_day(program, today - datetime.timedelta(days=2), pain=2, difficulty={"Bridge": "too_hard"})
    log_day(program, today, pain=5, difficulty={"Bridge": "too_hard"})

    assert _reasons(clinician_client)[program.pk] == [
        "Pain rose from 2 to 5 within a week",
        "Marked “Bridge” too hard twice or more",
    ]


def test_nothing_logged_for_seven_days_after_the_start_is_a_reason(clinician_client, clinician, program):
    # Started 10 days ago, nothing logged.
    assert _reasons(clinician_client)[program.pk] == ["Nothing logged for 10 days"]
    attention_mark_seen(program=program, user=clinician)
    assert program.pk not in _reasons(clinician_client)


def test_patient_list_marker_reads_the_same_programs_and_reasons_as_the_attention_page(
    clinic, other_clinic, clinician, outsider
):
    """The marker (reasons_by_patient) against flagged_programs, condition by condition."""
    today = timezone.localdate()

    def live(patient, **kwargs):
        return make_logging_program(clinic=patient.clinic, patient=patient, user=clinician, **kwargs)[0]

    high = live(PatientFactory(clinic=clinic))
    log_day(high, today, pain=8)
    # Two programs of one patient: both programs' reasons, newest change first.
    twice = PatientFactory(clinic=clinic)
    rising = live(twice)
    live(twice)  # logs nothing: quiet for 10 days
    log_day(rising, today - datetime.timedelta(days=3), pain=1)
    log_day(rising, today, pain=4, difficulty={"Bridge": "too_hard"})
    log_day(rising, today - datetime.timedelta(days=1), difficulty={"Bridge": "too_hard"})
    # Seen after its evidence: only newer "too hard" marks count again.
    seen = live(PatientFactory(clinic=clinic))
    log_day(seen, today - datetime.timedelta(days=1), pain=9, difficulty={"Bridge": "too_hard"})
    attention_mark_seen(program=seen, user=clinician)
    # Logged to its last day, long ago; started only three days ago.
    ended = live(PatientFactory(clinic=clinic), start=today - datetime.timedelta(weeks=8), weeks=1)
    log_day(ended, ended.end_date - datetime.timedelta(days=1), done={"Clamshell": 1})
    live(PatientFactory(clinic=clinic), start=today - datetime.timedelta(days=3))
    # Never flagged: archived program, archived patient, never issued, another clinic's.
    archived = live(PatientFactory(clinic=clinic))
    log_day(archived, today, pain=9)
    archived.archive()
    gone = live(PatientFactory(clinic=clinic))
    log_day(gone, today, pain=9)
    gone.patient.archive()
    ProgramFactory(patient=PatientFactory(clinic=clinic), start_date=today - datetime.timedelta(days=20))
    elsewhere = live(PatientFactory(clinic=other_clinic))
    log_day(elsewhere, today, pain=9)

    patient_ids = list(Patient.objects.values_list("pk", flat=True))
    expected = {}
    for flag in flagged_programs(Program.objects.for_user(clinician).filter(clinic=clinic)):
        expected.setdefault(flag.program.patient_id, []).extend(flag.reasons)
    marked = reasons_by_patient(user=clinician, clinic=clinic, patient_ids=patient_ids)
    assert marked == expected
    assert marked == {
        high.patient_id: ["Latest pain 8 of 10"],
        twice.pk: [
            "Nothing logged for 10 days",
            "Pain rose from 1 to 4 within a week",
            "Marked “Bridge” too hard twice or more",
        ],
    }
    # Another clinic's patients, asked for by id, stay out of reach; so does a left clinic.
    assert reasons_by_patient(user=outsider, clinic=clinic, patient_ids=patient_ids) == {}
    Membership.objects.filter(user=clinician).update(is_active=False)
    assert reasons_by_patient(user=clinician, clinic=clinic, patient_ids=patient_ids) == {}


def test_a_quiet_week_before_the_start_is_no_reason(clinician_client, clinic, patient, clinician):
    program, _token = make_logging_program(
        clinic=clinic, patient=patient, user=clinician, start=timezone.localdate() - datetime.timedelta(days=3)
    )
    assert program.pk not in _reasons(clinician_client)
