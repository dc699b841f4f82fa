import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from exercises.models import Exercise
from exercises.movements import Movement
from exercises.services import catalogue_export_json
from tests.exercises.test_admin import ADD, exercise_form, png_bytes


@pytest.fixture
def bundled_catalogue(db):
    call_command("import_catalogue", stdout=io.StringIO())


def test_every_catalogue_exercise_has_at_least_one_known_movement(bundled_catalogue):
    exercises = list(Exercise.objects.all())

    assert len(exercises) >= 55  # every file in exercises/catalogue/ (issue 27 adds region files)
    for exercise in exercises:
        assert exercise.movements, exercise.slug
        assert set(exercise.movements) <= set(Movement.values), exercise.slug
        assert exercise.movements == sorted(exercise.movements), exercise.slug


def test_the_tags_a_physiotherapist_expects_are_there(bundled_catalogue):
    tags = dict(Exercise.objects.values_list("slug", "movements"))

    assert "spinal-rotation" in tags["lower-trunk-rotation"]
    assert "spinal-extension" in tags["prone-press-up"] and "lying-prone" in tags["prone-press-up"]
    assert "kneeling" in tags["bird-dog"]
    assert "deep-hip-flexion" in tags["double-knee-to-chest"]
    assert "neck-movement" in tags["chin-tuck"]
    assert "single-leg-weight-bearing" in tags["single-leg-stance"]
    assert "spinal-rotation" not in tags["bridge"]


def test_export_import_export_is_byte_identical_with_movements(bundled_catalogue, tmp_path):
    first = catalogue_export_json()
    assert '"movements": [' in first
    exported = tmp_path / "catalogue.json"
    exported.write_text(first, encoding="utf-8")

    Exercise.objects.all().delete()
    call_command("import_catalogue", str(exported), stdout=io.StringIO())

    assert catalogue_export_json() == first


def test_import_refuses_an_unknown_movement_naming_the_record(bundled_catalogue, tmp_path):
    document = json.loads(catalogue_export_json())
    before = catalogue_export_json()
    document["exercises"][3]["movements"] = ["spinal-rotation", "cartwheels"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    slug = document["exercises"][3]["slug"]

    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalogue", str(broken), stdout=io.StringIO())

    assert f"record 4 ({slug}): field 'movements': Unknown movement(s): cartwheels." in str(excinfo.value)
    assert catalogue_export_json() == before


def test_exercise_page_lists_its_movements(bundled_catalogue, client, clinician):
    client.force_login(clinician)

    response = client.get(Exercise.objects.get(slug="lower-trunk-rotation").get_absolute_url())

    assert "Spinal rotation (twisting)" in response.content.decode()
    assert "Lying on the back (supine)" in response.content.decode()


def test_catalogue_admin_ticks_the_movements_of_an_exercise(catalogue_admin_client):
    page = catalogue_admin_client.get(ADD).content.decode()
    assert "Spinal rotation (twisting)" in page and "Hip flexion past 90°" in page
    upload = SimpleUploadedFile("clam.png", png_bytes(), content_type="image/png")

    response = catalogue_admin_client.post(
        ADD, exercise_form(**{"pictures-0-image": upload, "movements": ["lying-side", "balance"]})
    )

    assert response.status_code == 302
    exercise = Exercise.objects.get(slug="clam-shell")
    assert exercise.movements == ["balance", "lying-side"]
    change = catalogue_admin_client.get(reverse("admin:exercises_exercise_change", args=[exercise.pk]))
    ticked = re.findall(
        r'<input type="checkbox" name="movements" value="([a-z-]+)"[^>]*checked', change.content.decode()
    )
    assert ticked == ["lying-side", "balance"]  # in the vocabulary's order
