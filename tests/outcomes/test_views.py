"""The clinician's outcome pages: scheduling, typing in from paper, resuming, the chart and words, access."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from outcomes.audit_actions import OutcomeAction
from outcomes.definitions import Answer
from outcomes.models import ProgramMeasure, Response
from outcomes.services import response_save
from tests.factories import ProgramFactory
from tests.outcomes.factories import ProgramMeasureFactory, instrument

DAY = datetime.date(2026, 12, 7)  # a Monday
START = datetime.date(2026, 11, 23)  # two weeks earlier


@pytest.fixture
def program(patient, clinician):
    return ProgramFactory(patient=patient, start_date=START, duration_weeks=6)


@pytest.fixture
def psfs(program, clinician):
    return ProgramMeasureFactory(program=program, instrument=instrument("psfs"), created_by=clinician)


@pytest.fixture
def nprs(program, clinician):
    return ProgramMeasureFactory(program=program, instrument=instrument("nprs"), created_by=clinician)


def _enter_url(measure):
    return reverse("outcomes:response-enter", args=[measure.program_id, measure.pk])


@pytest.mark.clock(DAY)
def test_clinician_schedules_a_measure_and_it_is_audited(clinician_client, program):
    instrument("nprs")
    url = reverse("outcomes:measure-create", args=[program.pk])
    data = {"instrument": instrument("nprs").pk, "at_start": "on", "every_weeks": "2", "at_end": "on"}
    assert clinician_client.post(url, data).status_code == 302
    assert clinician_client.post(url, data).status_code == 302  # sent twice: still one measure
    measure = ProgramMeasure.objects.get(program=program)
    assert measure.due_dates() == [
        START,
        START + datetime.timedelta(weeks=2),
        START + datetime.timedelta(weeks=4),
        START + datetime.timedelta(weeks=6, days=-1),
    ]
    entry = AuditEntry.objects.filter(action=OutcomeAction.MEASURE_SCHEDULED).first()
    assert entry.detail["outcome_measure"] == "nprs"
    assert entry.patient_id == program.patient_id


@pytest.mark.clock(DAY)
def test_a_schedule_with_no_time_gets_the_forms_message(clinician_client, program):
    url = reverse("outcomes:measure-create", args=[program.pk])
    response = clinician_client.post(url, {"instrument": instrument("nprs").pk, "every_weeks": ""})
    assert response.status_code == 422
    assert "Choose at least one time" in response.content.decode()


@pytest.mark.clock(DAY)
def test_outsider_gets_404_for_every_outcome_page(outsider_client, psfs):
    program = psfs.program
    urls = [
        reverse("outcomes:program-outcomes", args=[program.pk]),
        f"{_enter_url(psfs)}?due_on={START.isoformat()}",
        reverse("outcomes:measure-print", args=[program.pk, psfs.pk]),
        reverse("outcomes:progress-report", args=[program.pk]),
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(reverse("outcomes:measure-create", args=[program.pk]), {}).status_code == 404
    assert outsider_client.post(_enter_url(psfs), {"due_on": START.isoformat()}).status_code == 404
    assert not Response.objects.exists()


@pytest.mark.clock(DAY)
def test_a_date_that_is_not_a_due_date_is_404(clinician_client, psfs):
    assert clinician_client.get(f"{_enter_url(psfs)}?due_on=2026-11-24").status_code == 404
    assert clinician_client.get(f"{_enter_url(psfs)}?due_on=2026-02-30").status_code == 404


@pytest.mark.clock(DAY)
def test_without_a_date_the_earliest_unanswered_due_date_opens(clinician_client, psfs):
    _answer_psfs(psfs, START, (2, 3, 4))
    response = clinician_client.get(_enter_url(psfs))
    assert response.status_code == 200
    assert response.context["due_on"] == START + datetime.timedelta(weeks=2)


@pytest.mark.clock(DAY)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"item-average_24h": "11", "finish": "on"}, "The highest answer is 10."),
        ({"item-average_24h": "-1", "finish": "on"}, "The lowest answer is 0."),
        ({"item-average_24h": "seven", "finish": "on"}, "Type a whole number from 0 to 10."),
        ({"item-average_24h": "9" * 40, "finish": "on"}, "The highest answer is 10."),
        ({"finish": "on"}, "Type in at least one answer before saving."),
        ({"save": "later"}, "Type in at least one answer before saving."),
        ({"item-average_24h": "3", "item-mood": "2", "finish": "on"}, "questions the questionnaire does not have"),
    ],
)
def test_bad_answers_get_the_forms_message_and_nothing_is_saved(clinician_client, nprs, data, message):
    response = clinician_client.post(_enter_url(nprs), {"due_on": START.isoformat(), **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.clock(DAY)
def test_half_finished_psfs_is_saved_and_resumed_then_scored(clinician_client, psfs):
    url = _enter_url(psfs)
    partial = {
        "due_on": START.isoformat(),
        "name-activity_1": "Climbing stairs",
        "item-activity_1": "3",
        "name-activity_2": "Gardening",
        "save": "later",
    }
    assert clinician_client.post(url, partial).status_code == 302
    saved = Response.objects.get()
    assert saved.score is None and not saved.is_complete
    page = clinician_client.get(f"{url}?due_on={START.isoformat()}").content.decode()
    assert "Started earlier and not finished" in page
    assert 'value="Climbing stairs"' in page and 'value="Gardening"' in page
    finished = {
        **partial,
        "item-activity_2": "5",
        "name-activity_3": "Lifting my grandson",
        "item-activity_3": "4",
        "finish": "on",
    }
    del finished["save"]
    assert clinician_client.post(url, finished).status_code == 302
    saved.refresh_from_db()
    assert saved.is_complete and saved.score == Decimal("4.0")
    assert AuditEntry.objects.filter(action=OutcomeAction.ANSWERS_TYPED_IN).count() == 2


@pytest.mark.clock(DAY)
def test_finishing_a_psfs_with_two_activities_asks_for_a_third(clinician_client, psfs):
    data = {
        "due_on": START.isoformat(),
        "finish": "on",
        "name-activity_1": "Stairs",
        "item-activity_1": "3",
        "name-activity_2": "Running",
        "item-activity_2": "2",
    }
    response = clinician_client.post(_enter_url(psfs), data)
    assert response.status_code == 422
    assert "Answer at least 3 question(s) to finish (2 answered)" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.clock(DAY)
def test_a_rating_without_its_activity_gets_a_message(clinician_client, psfs):
    data = {"due_on": START.isoformat(), "item-activity_1": "3", "finish": "on"}
    response = clinician_client.post(_enter_url(psfs), data)
    assert response.status_code == 422
    assert "Write down the activity this rating is for." in response.content.decode()


def _answer_psfs(measure, day, ratings, names=("Climbing stairs", "Gardening", "Lifting my grandson")):
    answers = {
        f"activity_{n}": Answer(value, name)
        for n, (value, name) in enumerate(zip(ratings, names, strict=False), start=1)
    }
    return response_save(measure=measure, due_on=day, answers=answers, finish=True)


@pytest.mark.clock(DAY)
def test_the_page_charts_scores_with_the_mcid_band_and_says_the_change(clinician_client, psfs, nprs):
    _answer_psfs(psfs, START, (2, 3, 4))
    _answer_psfs(psfs, START + datetime.timedelta(weeks=2), (5, 6, 7))
    response_save(measure=nprs, due_on=START, answers={"average_24h": Answer(3)}, finish=True)
    response_save(
        measure=nprs, due_on=START + datetime.timedelta(weeks=2), answers={"average_24h": Answer(6)}, finish=True
    )
    response = clinician_client.get(reverse("outcomes:program-outcomes", args=[psfs.program_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'class="mcid-band"' in page
    assert "Improved" in page  # PSFS 3.0 → 6.0
    assert "Worse" in page  # pain 3 → 6
    assert "Lifting my grandson" in page
    assert AuditEntry.objects.filter(action=OutcomeAction.RESULTS_VIEWED, detail__outcomes="results").exists()


@pytest.mark.clock(DAY)
def test_outcomes_page_queries_do_not_grow_with_answers(clinician_client, psfs, nprs, django_assert_num_queries):
    for week in (0, 2, 4):
        _answer_psfs(psfs, START + datetime.timedelta(weeks=week), (2, 3, 4))
        response_save(
            measure=nprs,
            due_on=START + datetime.timedelta(weeks=week),
            answers={"average_24h": Answer(3)},
            finish=True,
        )
    url = reverse("outcomes:program-outcomes", args=[psfs.program_id])
    clinician_client.get(url)  # the first request of a session renews it (writes): not counted
    # 1 session · 2 user · 3 the program (for_user, with clinic and patient) · 4 the audit entry ·
    # 5 measures with instruments · 6 their responses · 7 the responses' answers · 8 memberships
    # (the menu) · 9–10 the instruments of the "Schedule a questionnaire" form (count, rows).
    with django_assert_num_queries(10):
        assert clinician_client.get(url).status_code == 200


@pytest.mark.clock(DAY)
def test_the_paper_questionnaire_prints_the_patients_activities(clinician_client, psfs):
    _answer_psfs(psfs, START, (2, 3, 4))
    response = clinician_client.get(reverse("outcomes:measure-print", args=[psfs.program_id, psfs.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Patient-Specific Functional Scale" in page
    assert "Gardening" in page
    assert "Stratford" in page  # the citation the licence asks for
