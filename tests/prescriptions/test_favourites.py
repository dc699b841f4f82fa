"""Favourites: a clinician's starred exercises come first in the builder and have their own filter."""

import pytest
from django.urls import reverse

from prescriptions.models import ClinicExercise, FavouriteExercise
from tests.factories import ExerciseFactory, ProgramFactory

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "builder-results"}


@pytest.fixture
def program(patient):
    return ProgramFactory(patient=patient)


def search(client, program, **params):
    response = client.get(reverse("prescriptions:program-builder", args=[program.pk]), params, **HTMX)
    assert response.status_code == 200
    return [exercise.name for exercise in response.context["exercises"]]


def star(client, exercise, starred="1"):
    return client.post(reverse("prescriptions:favourite-set", args=[exercise.pk]), {"starred": starred}, **HTMX)


def test_starred_exercises_come_first_without_a_query_and_rank_as_usual_with_one(
    clinician_client, clinician, clinic, program
):
    for name in ["Bird dog", "Clamshell", "Side plank", "Wall sit"]:
        ExerciseFactory(name=name)
    own = ExerciseFactory(name="Clinic clamshell", in_catalogue=False)
    ClinicExercise.objects.create(exercise=own, clinic=clinic, created_by=clinician)
    assert search(clinician_client, program) == ["Bird dog", "Clamshell", "Clinic clamshell", "Side plank", "Wall sit"]

    response = star(clinician_client, own)
    assert 'aria-pressed="true"' in response.content.decode()
    star(clinician_client, ExerciseFactory._meta.model.objects.get(name="Wall sit"))
    assert search(clinician_client, program) == ["Clinic clamshell", "Wall sit", "Bird dog", "Clamshell", "Side plank"]
    # A typed query ranks by the match: the exact name first, starred or not.
    assert search(clinician_client, program, q="clamshell") == ["Clamshell", "Clinic clamshell"]


def test_my_favourites_filter_shows_only_my_starred_exercises(client, clinician, colleague, program):
    plank, bridge, _squat = (ExerciseFactory(name=n) for n in ["Plank", "Bridge", "Squat"])
    client.force_login(colleague)
    star(client, bridge)
    client.force_login(clinician)
    star(client, plank)
    star(client, plank)  # a double click leaves one favourite
    assert FavouriteExercise.objects.filter(user=clinician).count() == 1
    assert search(client, program, favourites="on") == ["Plank"]
    assert search(client, program, favourites="on", q="bridge") == []
    star(client, plank, starred="0")
    assert search(client, program, favourites="on") == []


def test_another_clinics_exercise_cannot_be_starred(outsider_client, clinician, clinic):
    own = ExerciseFactory(name="Clinic only", in_catalogue=False)
    ClinicExercise.objects.create(exercise=own, clinic=clinic, created_by=clinician)
    assert star(outsider_client, own).status_code == 404
    assert not FavouriteExercise.objects.exists()
