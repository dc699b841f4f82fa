"""Curating 160+ exercises in the admin: pictures with their checked facts beside the steps, drawings
that break their constraints refused, and filters by region, source, condition and review state."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from exercises.models import BodyRegion, Exercise, ExercisePicture, ReviewState
from exercises.services import catalogue_export, catalogue_import
from tests.exercises.test_admin import ADD, CHANGELIST, exercise_form
from tests.factories import ExerciseFactory, ExercisePictureFactory

FEET_DOWN = {"says": "Both feet rest on the floor", "touch": ["feet", "floor"]}
FEET_UP = {"says": "The feet are lifted well off the floor", "clear": ["feet", "floor"], "min": 40}


def pose(*constraints):
    return {"base": "supine", "prop": "mat", "constraints": list(constraints)}


def listed(client, **params) -> set[str]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {exercise.slug for exercise in response.context["cl"].result_list}


def test_a_drawing_that_breaks_its_constraints_is_refused_at_the_pose_field(catalogue_admin_client):
    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-pose": json.dumps(pose(FEET_UP))}))

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.forms[0].errors
    assert "The feet are lifted well off the floor" in " ".join(errors["pose"])
    assert not Exercise.objects.exists()


def test_a_drawing_that_keeps_its_constraints_is_saved(catalogue_admin_client):
    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-pose": json.dumps(pose(FEET_DOWN))}))

    assert response.status_code == 302
    assert ExercisePicture.objects.get().review_state == ReviewState.NOT_REVIEWED


def test_change_page_shows_each_picture_with_its_checked_facts_beside_the_steps(catalogue_admin_client):
    exercise = ExerciseFactory(name="Heel slides", source="Knee Conditioning Program, AAOS", conditions="knee pain")
    exercise.steps.create(order=1, text="Lie on your back with both legs straight.")
    ExercisePictureFactory(exercise=exercise, pose=pose(FEET_DOWN), caption="Start", review_state="unclear")

    html = catalogue_admin_client.get(reverse("admin:exercises_exercise_change", args=[exercise.pk])).content.decode()

    panel = html[html.index('class="pictures-beside-steps"') :]
    assert panel.index("Lie on your back with both legs straight.") < panel.index("✓ Both feet rest on the floor")
    assert "review: Unclear" in panel
    assert "Knee Conditioning Program, AAOS" in html  # the source field, editable


def test_changing_a_drawing_asks_for_a_new_review(catalogue_admin_client):
    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-pose": json.dumps(pose(FEET_DOWN))}))
    assert response.status_code == 302
    exercise = Exercise.objects.get()
    picture = exercise.pictures.get()
    picture.review_state = ReviewState.GOOD
    picture.save()
    step_ids = list(exercise.steps.values_list("pk", flat=True))
    change = exercise_form(
        **{
            "steps-INITIAL_FORMS": "3",
            **{f"steps-{i}-id": str(pk) for i, pk in enumerate(step_ids)},
            **{f"steps-{i}-exercise": str(exercise.pk) for i in range(3)},
            "pictures-INITIAL_FORMS": "1",
            "pictures-0-id": str(picture.pk),
            "pictures-0-exercise": str(exercise.pk),
            "pictures-0-review_state": "good",
            "pictures-0-pose": json.dumps(pose(FEET_DOWN, {"says": "The knees are bent", "touch": ["feet", "floor"]})),
        }
    )

    response = catalogue_admin_client.post(reverse("admin:exercises_exercise_change", args=[exercise.pk]), change)

    assert response.status_code == 302
    assert exercise.pictures.get().review_state == ReviewState.NOT_REVIEWED


@pytest.fixture
def curated(db):
    shoulder, knee = BodyRegion.objects.get(slug="shoulder"), BodyRegion.objects.get(slug="knee")
    pendulum = ExerciseFactory(
        slug="pendulum", source="Shoulder program, AAOS", conditions="frozen shoulder\nrotator cuff"
    )
    pendulum.body_regions.set([shoulder])
    quad = ExerciseFactory(slug="quad-set", source="Knee program, AAOS", conditions="knee replacement")
    quad.body_regions.set([knee])
    ExerciseFactory(slug="unsourced", source="", conditions="shoulder pain")  # "shoulder" only inside a line
    ExercisePictureFactory(exercise=pendulum, review_state=ReviewState.GOOD)
    ExercisePictureFactory(exercise=quad, review_state=ReviewState.GOOD)
    ExercisePictureFactory(exercise=quad, review_state=ReviewState.CONTRADICTS)


def test_list_filters_by_region_source_condition_and_review_state(catalogue_admin_client, curated):
    shoulder = BodyRegion.objects.get(slug="shoulder")
    client = catalogue_admin_client

    assert listed(client, body_regions__id__exact=shoulder.pk) == {"pendulum"}
    assert listed(client, source="Knee program, AAOS") == {"quad-set"}
    assert listed(client, source="-") == {"unsourced"}
    assert listed(client, condition="rotator cuff") == {"pendulum"}
    assert listed(client, condition="frozen shoulder") == {"pendulum"}
    assert listed(client, review="contradicts") == {"quad-set"}
    assert listed(client, review="all-good") == {"pendulum"}
    assert listed(client, review="not-reviewed") == set()  # "unsourced" has no picture to review
    page = client.get(CHANGELIST).content.decode()
    assert "By source" in page and "By condition" in page and "By picture review" in page


def test_a_review_survives_a_reimport_of_the_same_drawing_and_travels_in_the_export(db):
    call_command("import_catalogue", stdout=io.StringIO())
    picture = ExercisePicture.objects.filter(exercise__slug="bridge").first()
    picture.review_state = ReviewState.GOOD
    picture.save()

    document = catalogue_export()
    call_command("import_catalogue", stdout=io.StringIO())  # the bundled files carry no review

    assert ExercisePicture.objects.get(exercise__slug="bridge", order=picture.order).review_state == ReviewState.GOOD
    bridge = next(record for record in document["exercises"] if record["slug"] == "bridge")
    assert bridge["pictures"][0]["review_state"] == "good"
    Exercise.objects.all().delete()
    catalogue_import(document)
    assert ExercisePicture.objects.get(exercise__slug="bridge", order=picture.order).review_state == ReviewState.GOOD
