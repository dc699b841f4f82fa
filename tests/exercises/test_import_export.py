import io
import json

import pytest
from django.core.management import CommandError, call_command

from exercises.models import Exercise, ExerciseStep, Status
from exercises.services import catalogue_export_json


def export_text() -> str:
    out = io.StringIO()
    call_command("export_catalogue", stdout=out)
    return out.getvalue()


@pytest.fixture
def bundled_catalogue(db):
    call_command("import_catalogue", stdout=io.StringIO())


def test_fresh_install_exports_at_least_40_complete_published_exercises(bundled_catalogue):
    exported = json.loads(export_text())["exercises"]
    published = [record for record in exported if record["status"] == Status.PUBLISHED]

    assert len(published) >= 40
    for record in published:
        assert record["summary"].strip(), record["slug"]
        assert len(record["steps"]) >= 3, record["slug"]
        dose = record["dose"]
        assert dose["sets"] >= 1, record["slug"]
        assert dose["reps"] or dose["duration_seconds"], record["slug"]


def test_bundled_catalogue_links_the_lumbar_extension_stages(bundled_catalogue):
    stages = {record["slug"]: record for record in json.loads(export_text())["exercises"]}

    assert stages["prone-lying"]["progressions"] == ["prone-on-elbows"]
    assert "prone-press-up" in stages["prone-on-elbows"]["progressions"]


def test_import_is_idempotent(bundled_catalogue):
    before = export_text()
    out = io.StringIO()

    call_command("import_catalogue", stdout=out)

    assert "0 created" in out.getvalue()
    assert export_text() == before
    assert Exercise.objects.count() == len(json.loads(before)["exercises"])


def test_round_trip_into_an_empty_database_is_exact(bundled_catalogue, tmp_path):
    exported = tmp_path / "catalogue.json"
    call_command("export_catalogue", "-o", str(exported), stderr=io.StringIO())
    first = exported.read_text(encoding="utf-8")

    Exercise.objects.all().delete()
    assert not ExerciseStep.objects.exists()
    call_command("import_catalogue", str(exported), stdout=io.StringIO())

    assert export_text() == first
    assert catalogue_export_json() == first


def test_one_broken_record_names_it_and_changes_nothing(bundled_catalogue, tmp_path):
    document = json.loads(export_text())
    before = export_text()
    document["exercises"][0]["summary"] = "Rewritten summary that must not be saved."
    document["exercises"].append({**document["exercises"][1], "slug": "brand-new-exercise"})
    document["exercises"][4]["dose"]["sets"] = 0
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    slug = document["exercises"][4]["slug"]

    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalogue", str(broken), stdout=io.StringIO())

    message = str(excinfo.value)
    assert f"record 5 ({slug}): field 'sets'" in message
    assert "Enter a whole number from 1 to 20." in message
    assert "Nothing was imported" in message
    assert export_text() == before
    assert not Exercise.objects.filter(slug="brand-new-exercise").exists()


def test_unknown_region_and_missing_steps_are_reported_per_record(bundled_catalogue, tmp_path):
    document = json.loads(export_text())
    document["exercises"][1]["body_regions"] = ["elbow"]
    document["exercises"][2]["steps"] = []
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalogue", str(broken), stdout=io.StringIO())

    assert "record 2 (" in str(excinfo.value) and "field 'body_regions': Unknown value(s): elbow." in str(excinfo.value)
    assert "record 3 (" in str(excinfo.value) and "field 'steps'" in str(excinfo.value)


def test_a_file_that_is_not_json_is_refused(db, tmp_path):
    broken = tmp_path / "notes.json"
    broken.write_text("this is not JSON", encoding="utf-8")

    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("import_catalogue", str(broken), stdout=io.StringIO())
    assert not Exercise.objects.exists()
