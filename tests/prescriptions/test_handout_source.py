"""An exercise's source is for clinicians: the catalogue shows it, the patient's handout never does."""

import json

import pytest
from django.urls import reverse

from prescriptions.handout.snapshot import build_snapshot
from tests.factories import ExerciseFactory, ProgramFactory, ProgramItemFactory
from tests.prescriptions.test_handout_pdf import flat, issue, pdf_text, stored_pdf

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

SOURCE = "Spine Conditioning Program, American Academy of Orthopaedic Surgeons (OrthoInfo)"


@pytest.fixture
def sourced(db):
    return ExerciseFactory(
        name="Bridge", slug="bridge", source=SOURCE, conditions="low back pain\nhip pain", status="published"
    )


def test_catalogue_page_and_card_show_the_source_and_conditions_to_clinicians(clinician_client, sourced):
    page = clinician_client.get(reverse("exercises:exercise-detail", args=[sourced.slug])).content.decode()
    listing = clinician_client.get(reverse("exercises:catalogue"), {"q": "bridge"}).content.decode()

    assert SOURCE in page and "low back pain, hip pain" in page
    assert f"Source: {SOURCE}" in listing


def test_the_handout_never_prints_the_source(clinic, patient, clinician, sourced):
    program = ProgramFactory(clinic=clinic, patient=patient, created_by=clinician, title="Back to walking")
    ProgramItemFactory(program=program, exercise=sourced, order=0)

    assert SOURCE not in json.dumps(build_snapshot(program), ensure_ascii=False)
    text = flat(pdf_text(stored_pdf(issue(program, clinician))))
    assert "Bridge" in text
    assert "Orthopaedic Surgeons" not in text and "OrthoInfo" not in text
