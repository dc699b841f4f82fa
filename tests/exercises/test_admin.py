import io
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from exercises.models import Exercise, ExercisePicture, Status
from exercises.services import catalogue_export_json
from tests.factories import ExerciseFactory, ExercisePictureFactory, ProgramItemFactory

CHANGELIST = reverse("admin:exercises_exercise_changelist")
ADD = reverse("admin:exercises_exercise_add")


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


def exercise_form(**overrides) -> dict:
    """The admin add form as a browser posts it: one step row filled, one picture row."""
    data = {
        "name": "Clam shell",
        "slug": "clam-shell",
        "status": Status.DRAFT,
        "other_names": "Clams\nSide-lying hip external rotation",
        "summary": "Open the top knee like a clam while lying on your side.",
        "kind": "strengthening",
        "position": "side-lying",
        "difficulty": "easy",
        "muscles": "gluteus medius",
        "sets": "2",
        "reps": "10",
        "hold_seconds": "0",
        "rest_seconds": "0",
        "side": "each",
        "times_per_day": "1",
        "days_per_week": "7",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-text": "Lie on your side with your knees bent.",
        "steps-1-text": "Keep your feet together and lift the top knee.",
        "steps-2-text": "Lower it slowly.",
        "pictures-TOTAL_FORMS": "1",
        "pictures-INITIAL_FORMS": "0",
        "pictures-MIN_NUM_FORMS": "0",
        "pictures-MAX_NUM_FORMS": "1000",
        "pictures-0-alt_text": "Lying on the side, top knee lifted.",
        "pictures-0-review_state": "not-reviewed",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_creates_an_exercise_with_steps_and_an_uploaded_png(catalogue_admin_client):
    upload = SimpleUploadedFile("clam.png", png_bytes(), content_type="image/png")

    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-image": upload}))

    assert response.status_code == 302, response.context["errors"] if response.context else response
    exercise = Exercise.objects.get(slug="clam-shell")
    assert [step.text for step in exercise.steps.all()] == [
        "Lie on your side with your knees bent.",
        "Keep your feet together and lift the top knee.",
        "Lower it slowly.",
    ]
    assert [step.order for step in exercise.steps.all()] == [1, 2, 3]
    picture = exercise.pictures.get()
    assert picture.image.name.endswith(".png")
    assert LogEntry.objects.filter(object_id=str(exercise.pk)).exists()


def _form_errors(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "this file is not one"),
        ("x.jpg", b"#!/bin/sh\nrm -rf /\n", "this file is not one"),
        (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4"/></svg>',
            "SVG element &lt;script&gt; is not allowed.",
        ),
        (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" onload="alert(1)"/></svg>',
            "SVG files may not contain scripts or links.",
        ),
    ],
)
def test_unsafe_picture_uploads_are_refused(catalogue_admin_client, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="image/png")

    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-image": upload}))

    assert response.status_code == 200
    assert message in _form_errors(response)
    assert not Exercise.objects.filter(slug="clam-shell").exists()


def test_clean_svg_upload_is_accepted(catalogue_admin_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'
    upload = SimpleUploadedFile("clam.svg", svg, content_type="image/svg+xml")

    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-image": upload}))

    assert response.status_code == 302
    assert ExercisePicture.objects.get().image.name.endswith(".svg")


def test_too_large_picture_is_refused(catalogue_admin_client, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.png", png_bytes() + b"\x00" * (1024 * 1024 + 1), content_type="image/png")

    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-image": big}))

    assert "The file is too large" in _form_errors(response)
    assert "the limit is 1 MB" in _form_errors(response)
    assert not Exercise.objects.exists()


def test_picture_with_too_many_pixels_is_refused(catalogue_admin_client, settings):
    settings.MAX_IMAGE_PIXELS = 100 * 100
    upload = SimpleUploadedFile("wide.png", png_bytes(size=(400, 300)), content_type="image/png")

    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-image": upload}))

    assert "The image is too large (400×300 pixels)." in _form_errors(response)
    assert not Exercise.objects.exists()


def test_picture_needs_a_pose_or_an_image(catalogue_admin_client):
    response = catalogue_admin_client.post(ADD, exercise_form(**{"pictures-0-caption": "Start"}))

    assert "Give the picture a pose or upload an image." in _form_errors(response)
    assert not Exercise.objects.exists()


def test_changelist_shows_thumbnail_status_region_kind_and_position(
    catalogue_admin_client, django_assert_max_num_queries
):
    picture = ExercisePictureFactory(exercise=ExerciseFactory(name="Bridge", kind="strengthening", position="supine"))
    picture.exercise.body_regions.add(*picture.exercise.body_regions.model.objects.filter(slug__in=["hip", "core"]))

    response = catalogue_admin_client.get(CHANGELIST)

    html = response.content.decode()
    assert f'<img src="{picture.url}" alt="Lying on the back with knees bent."' in html
    assert "Core and abdomen, Hip" in html
    assert "Published" in html and "Strengthening" in html and "Lying on your back" in html
    assert "Import catalogue" in html and "Export catalogue" in html


def test_changelist_search_uses_other_names_and_muscles_in_any_order(catalogue_admin_client):
    ExerciseFactory(name="Prone hip extension", other_names="Prone leg lift", muscles="gluteus maximus")
    ExerciseFactory(name="Bird dog")

    by_other_name = catalogue_admin_client.get(CHANGELIST, {"q": "LIFT leg prone"}).content.decode()
    by_muscle = catalogue_admin_client.get(CHANGELIST, {"q": "maximus"}).content.decode()

    assert "Prone hip extension" in by_other_name and "Bird dog" not in by_other_name
    assert "Prone hip extension" in by_muscle


def test_filters_are_offered_for_status_region_kind_position_and_equipment(catalogue_admin_client):
    ExerciseFactory(name="Bridge")

    response = catalogue_admin_client.get(CHANGELIST, {"status__exact": "published", "kind__exact": "strengthening"})

    html = response.content.decode()
    for heading in ["By status", "By body regions", "By kind", "By starting position", "By equipment"]:
        assert heading in html
    assert "Bridge" in html


def test_publish_and_retire_actions_change_status_and_leave_history(catalogue_admin_client, catalogue_admin):
    draft = ExerciseFactory(name="Bridge", status=Status.DRAFT)

    response = catalogue_admin_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "1 exercise published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED

    catalogue_admin_client.post(CHANGELIST, {"action": "retire", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.RETIRED

    history = catalogue_admin_client.get(reverse("admin:exercises_exercise_history", args=[draft.pk])).content.decode()
    assert history.count("Changed Status.") == 2
    assert LogEntry.objects.filter(object_id=str(draft.pk), action_flag=CHANGE, user=catalogue_admin).count() == 2


def test_editing_an_exercise_is_recorded_in_its_history(catalogue_admin_client):
    exercise = ExerciseFactory(name="Bridge")
    form = exercise_form(
        name="Bridge",
        slug=exercise.slug,
        summary="A new summary.",
        **{"pictures-TOTAL_FORMS": "0", "steps-TOTAL_FORMS": "0"},
    )

    catalogue_admin_client.post(reverse("admin:exercises_exercise_change", args=[exercise.pk]), form)

    history_url = reverse("admin:exercises_exercise_history", args=[exercise.pk])
    history = catalogue_admin_client.get(history_url).content.decode()
    assert "Summary" in history


def test_deleting_an_exercise_used_by_a_program_is_refused_with_an_offer_to_retire(catalogue_admin_client):
    item = ProgramItemFactory(exercise=ExerciseFactory(name="Prone hip extension"))
    url = reverse("admin:exercises_exercise_delete", args=[item.exercise.pk])

    page = catalogue_admin_client.get(url)
    confirm = catalogue_admin_client.post(url, {"post": "yes"})

    for response in (page, confirm):
        html = response.content.decode()
        assert "“Prone hip extension” is used by 1 program, so it cannot be deleted" in html
        assert "Retire it instead" in html
        assert "Retire “Prone hip extension”" in html
        # The program's owner is patient data: the catalogue admin is not shown it.
        assert str(item.program) not in html
    assert Exercise.objects.filter(pk=item.exercise.pk).exists()

    retire_url = reverse("admin:exercises_exercise_retire", args=[item.exercise.pk])
    retired = catalogue_admin_client.post(retire_url, follow=True)
    assert "is retired" in retired.content.decode()
    item.exercise.refresh_from_db()
    assert item.exercise.status == Status.RETIRED


def test_bulk_delete_refuses_when_any_selected_exercise_is_in_use(catalogue_admin_client):
    used = ProgramItemFactory(exercise=ExerciseFactory(name="Bridge")).exercise
    unused = ExerciseFactory(name="Bird dog")

    response = catalogue_admin_client.post(
        CHANGELIST,
        {"action": "delete_unless_used", "_selected_action": [used.pk, unused.pk], "post": "yes"},
        follow=True,
    )

    html = response.content.decode()
    assert "Nothing was deleted: “Bridge” is used by a program. Retire it instead" in html
    assert Exercise.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


def test_unused_exercise_can_be_deleted(catalogue_admin_client):
    unused = ExerciseFactory(name="Bird dog")

    catalogue_admin_client.post(
        CHANGELIST, {"action": "delete_unless_used", "_selected_action": [unused.pk], "post": "yes"}
    )
    catalogue_admin_client.post(
        reverse("admin:exercises_exercise_delete", args=[ExerciseFactory(name="Bridge").pk]), {"post": "yes"}
    )

    assert not Exercise.objects.exists()


def test_preview_shows_the_exercise_as_it_will_print(catalogue_admin_client):
    exercise = ExerciseFactory(
        name="Bridge",
        status=Status.DRAFT,
        cautions="Stop if you feel sharp pain.",
        sets=3,
        reps=10,
        hold_seconds=5,
        steps=["Lie on your back.", "Lift your hips.", "Lower slowly."],
    )
    picture = ExercisePictureFactory(exercise=exercise)

    response = catalogue_admin_client.get(reverse("admin:exercises_exercise_preview", args=[exercise.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3">Bridge</h1>' in html
    assert "<li>Lift your hips.</li>" in html
    assert "Stop if you feel sharp pain." in html
    assert "3 sets of 10 · hold 5 seconds · once a day · every day" in html
    assert f'src="{picture.url}"' in html
    assert catalogue_admin_client.get(picture.url).status_code == 200  # a draft's drawing is visible to staff
    change = catalogue_admin_client.get(reverse("admin:exercises_exercise_change", args=[exercise.pk])).content.decode()
    assert "Preview as it will print" in change


@pytest.fixture
def bundled_catalogue(db):
    call_command("import_catalogue", stdout=io.StringIO())


def test_export_from_the_admin_downloads_the_same_json_as_the_command(catalogue_admin_client, bundled_catalogue):
    response = catalogue_admin_client.get(reverse("admin:exercises_exercise_export"))

    assert response["Content-Disposition"].startswith('attachment; filename="homerx-catalogue-')
    assert response.content.decode() == catalogue_export_json()


def test_import_from_the_admin_updates_exercises(catalogue_admin_client, bundled_catalogue):
    document = json.loads(catalogue_export_json())
    document["exercises"][0]["summary"] = "A clearer summary."
    upload = SimpleUploadedFile("catalogue.json", json.dumps(document).encode(), content_type="application/json")

    response = catalogue_admin_client.post(reverse("admin:exercises_exercise_import"), {"file": upload}, follow=True)

    assert "Catalogue imported: 0 created, " in response.content.decode()
    assert Exercise.objects.get(slug=document["exercises"][0]["slug"]).summary == "A clearer summary."


def test_import_from_the_admin_shows_record_numbered_errors_and_changes_nothing(
    catalogue_admin_client, bundled_catalogue
):
    before = catalogue_export_json()
    document = json.loads(before)
    document["exercises"][0]["summary"] = "A clearer summary."
    document["exercises"][2]["kind"] = "yoga"
    slug = document["exercises"][2]["slug"]
    upload = SimpleUploadedFile("catalogue.json", json.dumps(document).encode(), content_type="application/json")

    response = catalogue_admin_client.post(reverse("admin:exercises_exercise_import"), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in html
    assert f"record 3 ({slug}): field &#x27;kind&#x27;: Value &#x27;yoga&#x27; is not a valid choice." in html
    assert catalogue_export_json() == before


def test_import_from_the_admin_refuses_a_file_that_is_not_json(catalogue_admin_client):
    upload = SimpleUploadedFile("catalogue.json", b"\x89PNG not json", content_type="application/json")

    response = catalogue_admin_client.post(reverse("admin:exercises_exercise_import"), {"file": upload})

    assert "This file is not valid JSON" in response.content.decode()
    assert not Exercise.objects.exists()


def test_clinician_cannot_reach_catalogue_admin(clinician_client):
    assert clinician_client.get(CHANGELIST).status_code == 302
    assert clinician_client.get(reverse("admin:exercises_exercise_export")).status_code == 302
