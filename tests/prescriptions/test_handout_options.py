"""The clinician's two handout choices added with handout v2: a rest day between sessions on a
dose (a catalogue default they can change) and a program issued without the tracker."""

import pytest
from django.urls import reverse

from tests.factories import ExerciseFactory, ProgramFactory, ProgramItemFactory
from tests.prescriptions.test_builder import HTMX, dose_data


@pytest.fixture
def program(patient):
    return ProgramFactory(patient=patient, clinic=patient.clinic)


def test_a_strengthening_exercise_brings_its_rest_day_into_the_program(clinician_client, program):
    exercise = ExerciseFactory(kind="strengthening", days_per_week=3, rest_day=True)
    response = clinician_client.post(
        reverse("prescriptions:item-add", args=[program.pk]),
        {"exercise": exercise.pk, "revision": program.revision},
        **HTMX,
    )
    assert response.status_code == 200
    assert program.items.get().rest_day is True
    assert "3 days a week · leave a day between sessions" in response.content.decode()


def test_the_clinician_can_untick_the_rest_day(clinician_client, program):
    item = ProgramItemFactory(program=program, days_per_week=3, rest_day=True)
    data = dose_data(item, days_per_week=3)  # rest_day left out: the box unticked
    response = clinician_client.post(reverse("prescriptions:item-update", args=[program.pk, item.pk]), data, **HTMX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.rest_day is False
    assert "between sessions" not in response.content.decode()


def test_a_rest_day_on_five_days_a_week_is_refused_on_its_field(clinician_client, program):
    item = ProgramItemFactory(program=program, days_per_week=3)
    data = dose_data(item, days_per_week=5) | {f"item-{item.pk}-rest_day": "on"}
    response = clinician_client.post(reverse("prescriptions:item-update", args=[program.pk, item.pk]), data, **HTMX)
    assert "A rest day between sessions fits at most 3 days a week" in response.content.decode()
    item.refresh_from_db()
    assert item.rest_day is False and item.days_per_week == 3


def test_program_details_can_turn_the_tracker_off(clinician_client, program):
    url = reverse("prescriptions:program-update", args=[program.pk])
    form = clinician_client.get(url).content.decode()
    assert "Print the weekly tracker" in form
    data = {"revision": program.revision, "title": program.title, "duration_weeks": 6}
    clinician_client.post(url, data)  # the box unticked
    program.refresh_from_db()
    assert program.tracker is False
    clinician_client.post(url, data | {"revision": program.revision, "tracker": "on"})
    program.refresh_from_db()
    assert program.tracker is True


def test_a_copy_and_a_template_keep_the_choice_of_no_tracker(clinician, program):
    from prescriptions.services import program_create, program_save_as_template

    program.tracker = False
    program.save()
    template = program_save_as_template(program=program, user=clinician, title="No tracker")
    copy = program_create(clinic=program.clinic, patient=program.patient, user=clinician, title="Copy", copy_of=program)
    from_template = program_create(
        clinic=program.clinic, patient=program.patient, user=clinician, title="New", template=template
    )
    assert (template.tracker, copy.tracker, from_template.tracker) == (False, False, False)
