"""Weight-bearing clearances: "non weight bearing" and "partial weight bearing" flag what they rule out."""

from datetime import date

import pytest
from django.urls import reverse

from exercises.movements import MOVEMENT_GROUPS, Movement, movements_avoided
from prescriptions.safety import MOVEMENT, find_conflicts, restricted_movements
from tests.factories import ClearanceNoteFactory, ExerciseFactory, ProgramFactory, ProgramItemFactory

TODAY = date(2026, 12, 1)  # find_conflicts takes the day; the clock is fixed to it for the pages
pytestmark = pytest.mark.clock(TODAY)


def items():
    """A supine heel slide, a bridge (pushing through the feet), a squat and a one-leg stand."""
    exercises = [
        ExerciseFactory.build(name="Heel slides", movements=["deep-knee-flexion", "lying-supine"]),
        ExerciseFactory.build(name="Bridge", movements=["lying-supine", "partial-weight-bearing"]),
        ExerciseFactory.build(name="Mini squat", movements=["weight-bearing"]),
        ExerciseFactory.build(
            name="One-leg stand", movements=["balance", "single-leg-weight-bearing", "weight-bearing"]
        ),
    ]
    return [ProgramItemFactory.build(pk=number, exercise=exercise) for number, exercise in enumerate(exercises, 1)]


def flagged(restricted):
    note = ClearanceNoteFactory.build(pk=7, restricted_movements=restricted, valid_until=None)
    return [c.exercise_name for c in find_conflicts(items(), [note], today=TODAY) if c.kind == MOVEMENT]


def test_non_weight_bearing_flags_every_exercise_that_loads_the_legs():
    assert flagged(["partial-weight-bearing"]) == ["Bridge", "Mini squat", "One-leg stand"]


def test_partial_weight_bearing_flags_standing_but_not_a_bridge():
    assert flagged(["weight-bearing"]) == ["Mini squat", "One-leg stand"]


def test_avoiding_one_leg_flags_only_the_one_leg_stand():
    assert flagged(["single-leg-weight-bearing"]) == ["One-leg stand"]


def test_the_conflict_names_the_movement_the_exercise_involves():
    note = ClearanceNoteFactory.build(pk=7, restricted_movements=["partial-weight-bearing"], valid_until=None)
    squat = [c for c in find_conflicts(items(), [note], today=TODAY) if c.exercise_name == "Mini squat"]

    assert [c.code for c in squat] == ["weight-bearing"]
    assert squat[0].message.startswith("Standing weight bearing: avoid")


def test_the_builder_hides_what_a_non_weight_bearing_note_rules_out():
    note = ClearanceNoteFactory.build(pk=7, restricted_movements=["partial-weight-bearing"], valid_until=None)

    assert restricted_movements([note], today=TODAY) == {
        "partial-weight-bearing",
        "weight-bearing",
        "single-leg-weight-bearing",
    }


def test_other_movements_rule_out_only_themselves():
    assert movements_avoided(["gripping", "eyes-closed"]) == {"gripping", "eyes-closed"}


def test_every_movement_is_offered_in_exactly_one_group():
    offered = [code for _, codes in MOVEMENT_GROUPS for code in codes]

    assert sorted(offered) == sorted(Movement)


@pytest.mark.django_db
def test_clearance_form_offers_the_new_movements_in_groups_and_records_them(clinician_client, patient, clinician):
    program = ProgramFactory(patient=patient, clinic=patient.clinic, created_by=clinician)
    url = reverse("prescriptions:clearance-create", args=[program.pk])

    html = clinician_client.get(url).content.decode()

    for heading in ("Spine and neck", "Shoulder, arm and hand", "Hip and knee", "Weight bearing and balance"):
        assert f"<strong>{heading}</strong>" in html
    assert "Hand behind the back" in html and "Partial weight bearing through the legs" in html
    assert html.index("Shoulder, arm and hand") < html.index("Hand behind the back") < html.index("Hip and knee")

    response = clinician_client.post(
        url,
        {
            "revision": program.revision,
            "cleared_by_name": "Dr B. Khan",
            "scope": "Home exercise after a posterior hip replacement",
            "restricted_movements": ["hip-internal-rotation", "hip-adduction-past-midline", "deep-hip-flexion"],
        },
    )

    assert response.status_code == 302
    note = program.clearance_notes.get()
    assert note.restricted_movements == ["deep-hip-flexion", "hip-adduction-past-midline", "hip-internal-rotation"]
