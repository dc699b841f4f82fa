"""The hooks for the attention list and the patient link: a measure worse by its MCID, and what is due."""

import datetime

import pytest
from django.utils import timezone

from core.models import AuditEntry
from outcomes.attention import due_questionnaires, worsened_reasons
from outcomes.audit_actions import OutcomeAction
from outcomes.definitions import Answer
from outcomes.models import ResponseSource
from outcomes.services import response_save
from tests.factories import ProgramFactory
from tests.outcomes.factories import ProgramMeasureFactory, instrument

DAY = datetime.date(2026, 12, 7)
START = datetime.date(2026, 11, 23)
LATER = START + datetime.timedelta(weeks=2)


@pytest.fixture
def program(patient):
    return ProgramFactory(patient=patient, start_date=START, duration_weeks=6)


def _pain(measure, day, value):
    return response_save(measure=measure, due_on=day, answers={"average_24h": Answer(value)}, finish=True)


@pytest.mark.clock(DAY)
def test_pain_worse_by_the_mcid_is_a_reason_until_seen(program, clinician, django_assert_num_queries):
    nprs = ProgramMeasureFactory(program=program, instrument=instrument("nprs"), created_by=clinician)
    _pain(nprs, START, 3)
    _pain(nprs, LATER, 5)
    with django_assert_num_queries(2):
        reasons = worsened_reasons([program.pk])
    assert reasons == {program.pk: ["NPRS worse by at least its important change (3 → 5)"]}
    assert worsened_reasons([program.pk], seen={program.pk: timezone.now()}) == {}


@pytest.mark.clock(DAY)
def test_a_change_below_the_mcid_or_an_improvement_is_no_reason(program, clinician):
    nprs = ProgramMeasureFactory(program=program, instrument=instrument("nprs"), created_by=clinician)
    psfs = ProgramMeasureFactory(program=program, instrument=instrument("psfs"), created_by=clinician)
    _pain(nprs, START, 3)
    _pain(nprs, LATER, 4)
    for day, rating in ((START, 3), (LATER, 7)):
        answers = {f"activity_{n}": Answer(rating, f"activity {n}") for n in (1, 2, 3)}
        response_save(measure=psfs, due_on=day, answers=answers, finish=True)
    assert worsened_reasons([program.pk]) == {}


@pytest.mark.clock(DAY)
def test_due_questionnaires_lists_the_unanswered_and_the_half_finished(program, clinician):
    nprs = ProgramMeasureFactory(program=program, instrument=instrument("nprs"), created_by=clinician)
    psfs = ProgramMeasureFactory(program=program, instrument=instrument("psfs"), created_by=clinician)
    _pain(nprs, START, 3)
    half = response_save(
        measure=psfs,
        due_on=START,
        answers={"activity_1": Answer(4, "Stairs")},
        finish=False,
        source=ResponseSource.LINK,
    )
    due = {(d["measure"].instrument.key, d["due_on"]): d["response"] for d in due_questionnaires(program)}
    # Pain's baseline is done, its next date (the 7th) is today; the PSFS baseline is half done.
    assert due == {("nprs", LATER): None, ("psfs", START): half}
    # The patient's own answers are audited without a user.
    entry = AuditEntry.objects.filter(action=OutcomeAction.ANSWERS_GIVEN).get()
    assert entry.user_id is None and entry.patient_id == program.patient_id
