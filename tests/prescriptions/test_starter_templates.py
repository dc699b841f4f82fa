"""Starter templates: shared programs every clinic sees and copies into its own templates.

The bundled files (prescriptions/starters/*.json) are tested as they are, each issuing a handout
that passes the handout's layout checks; ``SAMPLE`` is this module's own small file.
"""

import copy
import io
import json
import math
from pathlib import Path

import pdfplumber
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import AuditEntry
from exercises.services import bundled_catalogue, catalogue_import
from prescriptions import services
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import Program, StarterTemplate
from prescriptions.starter_templates import StarterLoadError, bundled_starter_files, starters_load
from tests.prescriptions.test_handout_layout import PAIN, page_texts, picture_frames, sections
from tests.prescriptions.test_handout_pdf import issue, stored_pdf

# Issuing dates the program from today: .ci/run runs this module again with the clock shifted.
pytestmark = pytest.mark.clock

SAMPLE = Path(__file__).parent / "starters" / "sample-low-back.json"


def load_exercises(*paths: Path) -> None:
    """Import just the catalogue exercises the files name: the whole catalogue would cost far more."""
    slugs = {item["slug"] for path in paths for item in json.loads(path.read_text(encoding="utf-8"))["items"]}
    document = copy.deepcopy(bundled_catalogue())
    document["exercises"] = [record for record in document["exercises"] if record["slug"] in slugs]
    for record in document["exercises"]:
        record["progressions"] = []  # links to exercises not imported here
    catalogue_import(document)


def write(folder: Path, name: str, document: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def sample(db):
    load_exercises(SAMPLE)
    starters_load([SAMPLE])
    return StarterTemplate.objects.get(slug="sample-low-back")


def test_a_file_loads_with_the_exercises_default_doses_changed_where_it_says(sample):
    items = list(sample.items.select_related("exercise"))

    assert [item.exercise.slug for item in items] == ["pelvic-tilt", "knee-to-chest", "bridge", "bird-dog"]
    bridge = items[2]
    assert (bridge.sets, bridge.reps) == (2, 12)
    assert bridge.hold_seconds == bridge.exercise.hold_seconds  # not given: the exercise's default
    assert sample.source.startswith("Spine Conditioning Program")


def test_loading_again_changes_nothing(sample):
    before = list(sample.items.values_list("exercise__slug", "sets", "reps"))

    counts = starters_load([SAMPLE])

    assert counts == {"created": 0, "updated": 1, "removed": 0}
    assert StarterTemplate.objects.count() == 1
    assert list(sample.items.values_list("exercise__slug", "sets", "reps")) == before


def test_loading_the_folder_removes_a_starter_whose_file_is_gone(sample, monkeypatch, tmp_path):
    monkeypatch.setattr("prescriptions.starter_templates.STARTERS_DIR", tmp_path)  # an empty folder

    assert starters_load() == {"created": 0, "updated": 0, "removed": 1}
    assert not StarterTemplate.objects.exists()


def test_an_unknown_slug_or_dose_field_is_named_and_nothing_changes(sample, tmp_path):
    document = json.loads(SAMPLE.read_text())
    document["items"][1] = {"slug": "moonwalk"}
    document["items"][2]["dose"]["speed"] = "fast"
    broken = write(tmp_path, "sample-low-back.json", {**document, "name": "Renamed"})

    with pytest.raises(StarterLoadError) as raised:
        starters_load([broken])

    assert raised.value.errors == [
        "sample-low-back.json: item 2: unknown exercise 'moonwalk': use the slug of a published catalogue exercise.",
        "sample-low-back.json: item 3 (bridge): unknown dose field(s): speed.",
    ]
    sample.refresh_from_db()
    assert sample.name == "Low back starter (test sample)" and sample.items.count() == 4


def test_the_command_loads_the_files_given_and_refuses_a_bad_one_clearly(sample, tmp_path):
    bad = write(tmp_path, "bad.json", {"name": "Bad", "source": "Nowhere", "items": [{"slug": "moonwalk"}]})
    out = io.StringIO()

    call_command("load_starters", str(SAMPLE), stdout=out)
    with pytest.raises(CommandError) as raised:
        call_command("load_starters", str(SAMPLE), str(bad), stdout=io.StringIO())

    assert "0 created, 1 updated, 0 removed" in out.getvalue()
    assert "No starter template was loaded" in str(raised.value) and "bad.json: item 1" in str(raised.value)
    assert not StarterTemplate.objects.filter(slug="bad").exists()


def test_every_clinic_sees_the_starters_and_copies_one_into_its_templates_once(clinician_client, clinic, sample):
    page = clinician_client.get(reverse("prescriptions:template-list")).content.decode()
    assert "Low back starter (test sample)" in page and "Spine Conditioning Program" in page
    assert "Pelvic tilt" in page

    url = reverse("prescriptions:starter-copy")
    first = clinician_client.post(url, {"starter": sample.slug})
    again = clinician_client.post(url, {"starter": sample.slug})  # a double click

    template = Program.objects.templates().get(clinic=clinic)
    assert first.status_code == again.status_code == 302 and first.url == again.url == template.get_absolute_url()
    assert template.title == sample.name
    assert list(template.items.values_list("exercise__slug", "sets", "reps")) == list(
        sample.items.values_list("exercise__slug", "sets", "reps")
    )
    assert AuditEntry.objects.filter(action=ProgramAction.STARTER_COPIED).count() == 1


@pytest.mark.parametrize("count", [1, 4])
def test_template_list_query_count_does_not_grow_with_starters(
    clinician_client, sample, count, django_assert_num_queries
):
    for n in range(1, count):
        starter = StarterTemplate.objects.create(slug=f"starter-{n}", name=f"Starter {n}", source="A program")
        for item in sample.items.all():
            item.pk, item.starter = None, starter
            item.save()

    # 1 session, 2 user, 3 memberships (+clinic), 4 the clinic's templates, 5 the starters,
    # 6 their items with their exercises' names, 7-9 the session saved again in a savepoint.
    with django_assert_num_queries(9):
        response = clinician_client.get(reverse("prescriptions:template-list"))

    assert response.content.decode().count("Bird dog") == count


def test_a_member_of_no_clinic_cannot_copy(client, django_user_model, sample):
    client.force_login(django_user_model.objects.create_user("nobody"))

    assert client.post(reverse("prescriptions:starter-copy"), {"starter": sample.slug}).status_code == 404
    assert not Program.objects.exists()


def test_an_unknown_starter_is_refused_with_a_message(clinician_client, sample):
    response = clinician_client.post(reverse("prescriptions:starter-copy"), {"starter": "moonwalk"}, follow=True)

    assert "That starter program is no longer offered: choose another." in response.content.decode()
    assert not Program.objects.exists()


@pytest.mark.parametrize("path", [*bundled_starter_files(), SAMPLE], ids=lambda path: path.stem)
def test_each_starter_issues_a_handout_that_passes_the_handout_checks(db, clinic, patient, clinician, path):
    load_exercises(path)
    starters_load([path])
    starter = StarterTemplate.objects.get(slug=path.stem)
    template = services.starter_copy(starter=starter, clinic=clinic, user=clinician)
    program = services.program_create(
        clinic=clinic, patient=patient, user=clinician, title=starter.name, template=template
    )

    handout = issue(program, clinician)

    snapshot, content = handout.snapshot, stored_pdf(handout)
    texts = page_texts(content)
    exercise_pages, tracker_pages = sections(snapshot, texts)
    items = len(snapshot["items"])
    assert items == starter.items.count()
    # The ten-exercise layout test's budget (ten on four pages), and a page more for the first,
    # which holds the heading, the safety box and the link. A tracker page holds three weeks of up
    # to seven rows (about 21 rows in all): a longer program (Otago's levels have 13 to 16
    # exercises) gets fewer weeks to a page, never less than one.
    exercise_budget = math.ceil(items * 4 / 10) + 1
    weeks_per_tracker_page = max(1, min(3, 21 // items))
    tracker_budget = math.ceil(program.duration_weeks / weeks_per_tracker_page)
    assert exercise_pages and exercise_pages[-1] - exercise_pages[0] + 1 <= exercise_budget, exercise_pages
    assert len(tracker_pages) <= tracker_budget, tracker_pages
    assert len(texts) <= exercise_budget + tracker_budget, f"{len(texts)} pages"
    assert " ".join(texts).count(PAIN) == program.duration_weeks  # a tracker grid per week
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        widths = [width for page in pdf.pages for width in picture_frames(page)]
    assert len(widths) == sum(len(item["pictures"]) for item in snapshot["items"])
    assert min(widths) >= 60 - 0.01, widths
