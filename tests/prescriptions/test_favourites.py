"""Favourites: a clinician's starred exercises come first in the builder and have their own filter."""

import pytest
from django.urls import reverse

from prescriptions.models import ClinicExercise, FavouriteExercise
from tests.factories import ClearanceNoteFactory, ExerciseFactory, ProgramFactory

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


def test_every_browse_page_lists_starred_first_then_by_name_whatever_the_filters(
    clinician_client, clinician, colleague, clinic, program
):
    """Pages are taken from the starred and the other exercises separately: each must be the
    slice of one list ordered "starred first, then by name", on every page and filter."""
    exercises = [
        ExerciseFactory(name=f"{letter} exercise", kind="stretch" if i % 3 else "balance")
        for i, letter in enumerate("QWERTYUIOPASDFGHJKLZXCVB")
    ]
    exercises[5].movements = ["spinal-rotation"]
    exercises[5].save()
    own = ExerciseFactory(name="M clinic exercise", kind="stretch", in_catalogue=False)
    ClinicExercise.objects.create(exercise=own, clinic=clinic, created_by=clinician)
    starred = [exercises[i] for i in (1, 4, 5, 9, 17, 22)] + [own]
    for exercise in starred:
        FavouriteExercise.objects.create(user=clinician, exercise=exercise)
    FavouriteExercise.objects.create(user=colleague, exercise=exercises[0])  # not the clinician's
    ClearanceNoteFactory(program=program, restricted_movements=["spinal-rotation"], valid_until=None)

    def expected(kind=None, hide=True, only_starred=False):
        shown = [e for e in [*exercises, own] if (kind is None or e.kind == kind)]
        shown = [e for e in shown if not (hide and e.movements)]
        shown = [e for e in shown if e in starred or not only_starred]
        return [e.name for e in sorted(shown, key=lambda e: (e not in starred, e.name))]

    for params, kwargs in [
        ({}, {}),
        ({"kind": "stretch"}, {"kind": "stretch"}),
        ({"show_conflicting": "1"}, {"hide": False}),
        ({"favourites": "on"}, {"only_starred": True}),
    ]:
        names = expected(**kwargs)
        pages = [names[start : start + 10] for start in range(0, len(names), 10)]
        for number, page in enumerate(pages, start=1):
            assert search(clinician_client, program, page=number, **params) == page, (params, number)
        # Past the last page, or not a number: the last page, or the first, as Django's paginator answers.
        assert search(clinician_client, program, page=99, **params) == pages[-1]
        assert search(clinician_client, program, page="x", **params) == pages[0]
