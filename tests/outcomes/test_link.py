"""The patient answers questionnaires through the private link; a worse score is a "Needs attention" reason."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from outcomes.audit_actions import OutcomeAction
from outcomes.definitions import Answer
from outcomes.link_views import MAX_LINK_ANSWERS_BODY
from outcomes.models import ItemAnswer, Response, ResponseSource
from outcomes.services import response_save
from prescriptions.models import Program, ShareLink
from progress.attention import flagged_programs, reasons_by_patient
from progress.log_services import attention_mark_seen
from tests.factories import PatientFactory
from tests.outcomes.factories import ProgramMeasureFactory, instrument
from tests.prescriptions.logging_fixtures import make_logging_program

DAY = datetime.date(2026, 12, 7)
START = DAY - datetime.timedelta(weeks=2)
pytestmark = pytest.mark.clock(DAY)


@pytest.fixture
def program_and_token(clinic, patient, clinician):
    return make_logging_program(clinic=clinic, patient=patient, user=clinician, start=START)


@pytest.fixture
def program(program_and_token):
    return program_and_token[0]


@pytest.fixture
def token(program_and_token):
    return program_and_token[1]


@pytest.fixture
def psfs(program, clinician):
    # At the start and at the end only: once the baseline is finished, nothing more is due yet.
    return ProgramMeasureFactory(program=program, instrument=instrument("psfs"), created_by=clinician, every_weeks=None)


@pytest.fixture
def nprs(program, clinician):
    return ProgramMeasureFactory(program=program, instrument=instrument("nprs"), created_by=clinician)


def page(client, token):
    return client.get(reverse("public:handout", args=[token]))


def answer_url(token, measure):
    return reverse("outcomes-link:answer", args=[token, measure.pk])


def psfs_form(ratings=(3, 4, 5), names=("Stairs", "Gardening", "Carrying shopping"), *, finish=True, due_on=START):
    data = {"due_on": due_on.isoformat()}
    for number, (rating, name) in enumerate(zip(ratings, names, strict=True), start=1):
        data[f"name-activity_{number}"] = name
        data[f"item-activity_{number}"] = str(rating)
    if finish:
        data["finish"] = "on"
    else:
        data["save"] = "later"
    return data


def test_due_questionnaires_come_first_on_the_link_page(client, token, psfs, nprs):
    html = page(client, token).content.decode()
    assert html.index("Questionnaires due") < html.index('id="today"')
    section = html[html.index('id="questionnaires"') : html.index('id="today"')]
    assert "Patient-Specific Functional Scale" in section and "Numeric Pain Rating Scale" in section


def test_finishing_through_the_link_scores_and_audits_without_a_user(client, token, psfs):
    response = client.post(answer_url(token, psfs), psfs_form())

    assert response.status_code == 302
    assert response["Location"].endswith("?questionnaire=finished#questionnaires")
    saved = Response.objects.get(measure=psfs, due_on=START)
    assert (saved.score, saved.source, saved.entered_by_id, saved.is_complete) == (4, ResponseSource.LINK, None, True)
    assert saved.answer_map()["activity_2"] == Answer(4, "Gardening")
    entry = AuditEntry.objects.get(action=OutcomeAction.ANSWERS_GIVEN)
    assert entry.user_id is None and entry.patient_id == psfs.program.patient_id
    assert token not in str(entry.detail)
    # Finished: the page thanks the patient and no longer asks for it.
    html = client.get(response["Location"]).content.decode()
    assert "your answers are sent" in html
    assert "Patient-Specific Functional Scale" not in html


def test_saved_for_later_resumes_with_the_answers(client, token, psfs):
    data = psfs_form(ratings=(2,), names=("Kneeling in the garden",), finish=False)
    assert client.post(answer_url(token, psfs), data).status_code == 302

    html = page(client, token).content.decode()
    assert not Response.objects.get().is_complete
    assert "your answers so far are filled in" in html
    assert 'value="Kneeling in the garden"' in html
    # Sent twice: one response, one answer per item.
    client.post(answer_url(token, psfs), data)
    assert Response.objects.count() == 1 and ItemAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("item-activity_1", "11", "The highest answer is 10."),
        ("item-activity_1", "-1", "The lowest answer is 0."),
        ("item-activity_1", "lots", "Type a whole number from 0 to 10."),
        ("name-activity_1", "", "Write down the activity this rating is for."),
        ("item-activity_9", "3", "questions the questionnaire does not have"),
    ],
)
def test_bad_answers_are_refused_at_the_field_with_422(client, token, psfs, field, value, message):
    data = psfs_form()
    data[field] = value
    response = client.post(answer_url(token, psfs), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Response.objects.exists()


def test_finishing_needs_enough_answers(client, token, psfs):
    response = client.post(answer_url(token, psfs), psfs_form(ratings=(4,), names=("Stairs",)))
    assert response.status_code == 422
    assert "Answer at least 3 question(s) to finish" in response.content.decode()


def test_another_programs_measure_or_a_dead_link_is_404(client, clinic, clinician, token, psfs):
    other, _other_token = make_logging_program(
        clinic=clinic, patient=PatientFactory(clinic=clinic), user=clinician, start=START
    )
    elsewhere = ProgramMeasureFactory(program=other, instrument=instrument("psfs"), created_by=clinician)
    assert client.post(answer_url(token, elsewhere), psfs_form()).status_code == 404
    ShareLink.objects.update(revoked_at=datetime.datetime.now(datetime.UTC))
    assert client.post(answer_url(token, psfs), psfs_form()).status_code == 404
    assert not Response.objects.exists()


def test_a_day_that_is_not_due_is_refused(client, token, psfs):
    for day in (START + datetime.timedelta(days=1), START + datetime.timedelta(weeks=4)):
        response = client.post(answer_url(token, psfs), psfs_form(due_on=day))
        assert response.status_code == 422
        assert "not due on that day" in response.content.decode()
    assert not Response.objects.exists()


def test_a_stale_form_for_a_finished_questionnaire_is_refused_with_its_message(client, token, psfs):
    client.post(answer_url(token, psfs), psfs_form())
    # The program's last day (the at-the-end date) has not come: the page no longer shows the
    # PSFS, and the message still shows.
    last_day = START + datetime.timedelta(weeks=6) - datetime.timedelta(days=1)
    assert last_day in psfs.due_dates()
    response = client.post(answer_url(token, psfs), psfs_form(due_on=last_day))
    assert response.status_code == 422
    assert "not due on that day" in response.content.decode()


def test_a_large_body_is_refused(client, token, psfs):
    data = {**psfs_form(), "padding": "x" * MAX_LINK_ANSWERS_BODY}
    response = client.post(answer_url(token, psfs), data)
    assert response.status_code == 413
    assert not Response.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(token, psfs):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(answer_url(token, psfs), psfs_form()).status_code == 403
    assert not Response.objects.exists()


def test_a_repeated_view_with_questionnaires_is_still_two_queries(client, token, psfs, nprs):
    response_save(measure=nprs, due_on=START, answers={"average_24h": Answer(3)}, finish=True)
    page(client, token)
    with CaptureQueriesContext(connection) as queries:
        html = page(client, token).content.decode()
    # 1 the gate (the newest handout of a usable link), 2 the audit entry: the questionnaires due
    # are cached until a measure or an answer changes.
    assert len(queries) == 2, [q["sql"][:120] for q in queries]
    assert "Numeric Pain Rating Scale" in html
    # An answer changes what is due: shown at once.
    client.post(answer_url(token, psfs), psfs_form())
    html = page(client, token).content.decode()
    assert "Patient-Specific Functional Scale" not in html


# "Needs attention".


def _worse(measure, first, then):
    for day, value in ((START, first), (DAY, then)):
        response_save(measure=measure, due_on=day, answers={"average_24h": Answer(value)}, finish=True)


def test_a_program_with_only_a_worse_measure_is_flagged_with_the_reason(clinician, program, nprs):
    _worse(nprs, 3, 6)
    # Logged today: no log reason.
    flags = {flag.program.pk: flag.reasons for flag in flagged_programs(Program.objects.for_user(clinician))}
    reason = "NPRS worse by at least its important change (3 → 6)"
    assert reason in flags[program.pk]
    assert (
        reason
        in reasons_by_patient(user=clinician, clinic=program.clinic, patient_ids=[program.patient_id])[
            program.patient_id
        ]
    )


def test_the_outcome_reason_stays_away_once_seen_until_a_newer_answer(clinician, program, nprs):
    _worse(nprs, 3, 6)
    attention_mark_seen(program=program, user=clinician)
    flags = {flag.program.pk: flag.reasons for flag in flagged_programs(Program.objects.for_user(clinician))}
    assert not any("NPRS" in reason for reason in flags.get(program.pk, []))
    response_save(measure=nprs, due_on=DAY, answers={"average_24h": Answer(8)}, finish=True)
    flags = {flag.program.pk: flag.reasons for flag in flagged_programs(Program.objects.for_user(clinician))}
    assert "NPRS worse by at least its important change (3 → 8)" in flags[program.pk]


@pytest.mark.parametrize("programs", [1, 4])
def test_attention_query_count_does_not_grow_with_programs_or_measures(
    clinician_client, clinic, clinician, programs, django_assert_num_queries
):
    for _ in range(programs):
        program, _token = make_logging_program(
            clinic=clinic, patient=PatientFactory(clinic=clinic), user=clinician, start=START
        )
        for key in ("nprs", "psfs"):
            ProgramMeasureFactory(program=program, instrument=instrument(key), created_by=clinician)
        _worse(program.measures.get(instrument__key="nprs"), 2, 7)
    # 1 session, 2 user, 3 memberships with clinics, 4 the issued programs with patients (and
    # whether they have a finished questionnaire), 5 their recent pain scores, 6 their "too hard"
    # counts, 7 their finished questionnaires' scores, 8 the audit entry, 9-11 the session.
    with django_assert_num_queries(11):
        response = clinician_client.get(reverse("prescriptions:attention-list"))
    assert len(response.context["flags"]) == programs
    assert "NPRS worse by at least its important change (2 → 7)" in response.content.decode()
