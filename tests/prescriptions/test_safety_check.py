"""The safety check: a program that contradicts its clearance is flagged, and issuing it needs a decision."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.formats import day_text
from core.models import AuditEntry
from prescriptions.handout.issue import ConflictsNeedDecision, handout_issue
from prescriptions.models import ClearanceNote, ConflictAcknowledgement, Handout, Program
from prescriptions.safety import EXPIRED, LOAD, MOVEMENT, find_conflicts, parse_load_kg
from tests.factories import (
    ClearanceNoteFactory,
    ExerciseFactory,
    ProgramFactory,
    ProgramItemFactory,
)
from tests.prescriptions.test_builder import dose_data
from tests.prescriptions.test_handout_pdf import pdf_text, stored_pdf

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate()


@pytest.fixture
def rotation(db):
    return ExerciseFactory(
        name="Lower trunk rotation", slug="lower-trunk-rotation", movements=["lying-supine", "spinal-rotation"]
    )


@pytest.fixture
def bridge():
    return ExerciseFactory(name="Bridge", slug="bridge", movements=["lying-supine"])


@pytest.fixture
def program(patient, clinician, rotation, bridge):
    program = ProgramFactory(patient=patient, clinic=patient.clinic, created_by=clinician)
    ProgramItemFactory(program=program, exercise=bridge, order=0)
    ProgramItemFactory(program=program, exercise=rotation, order=1)
    return program


@pytest.fixture
def no_twisting(program):
    return ClearanceNoteFactory(
        program=program,
        restrictions="No twisting or bending past 60 degrees until reviewed at 12 weeks.",
        restricted_movements=["spinal-rotation"],
        valid_until=TODAY + timedelta(days=60),
    )


def issue_url(program):
    return reverse("prescriptions:handout-issue", args=[program.pk])


def rotation_prefix(program, note):
    item = program.items.get(exercise__slug="lower-trunk-rotation")
    return f"c{item.pk}-{note.pk}-{MOVEMENT}"


# ----------------------------------------------------------------------------- the pure check


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("10 kg dumbbell", Decimal("10.0")),
        ("1.5kg ankle weight", Decimal("1.5")),
        ("2,5 kilos", Decimal("2.5")),
        ("8-12 kg kettlebell", Decimal("12.0")),
        ("10 lb dumbbell", Decimal("4.5")),
        ("5 to 8 pounds", Decimal("3.6")),
        ("red band", None),
        ("", None),
        ("3 sets of 10", None),
    ],
)
def test_load_text_is_read_in_kilograms(text, kg):
    assert parse_load_kg(text) == kg


def test_five_kg_lift_limit_flags_an_item_dosed_with_ten_kg(program, rotation):
    note = ClearanceNoteFactory.build(pk=7, program=program, max_lift_kg=Decimal("5"), valid_until=None)
    heavy = ProgramItemFactory.build(pk=1, exercise=rotation, load="10 kg dumbbell")
    light = ProgramItemFactory.build(pk=2, exercise=rotation, load="4 kg dumbbell")

    conflicts = find_conflicts([heavy, light], [note], today=TODAY)

    assert [(c.kind, c.item_id, c.code) for c in conflicts] == [(LOAD, 1, "5kg|10 kg dumbbell")]
    assert (
        "Load 10 kg is over the 5 kg limit set by Dr A. Smith, Orthopaedic surgeon, with no end date."
        in conflicts[0].message
    )


def test_a_weighted_exercise_with_no_kilograms_given_is_flagged_under_a_lift_limit(rotation):
    hip_thrust = ExerciseFactory.build(name="Hip thrust", movements=["dumbbell", "lifting"])
    note = ClearanceNoteFactory.build(pk=7, max_lift_kg=Decimal("5"), valid_until=None)
    unstated = ProgramItemFactory.build(pk=1, exercise=hip_thrust, load="light dumbbell")
    unloaded = ProgramItemFactory.build(pk=2, exercise=hip_thrust, load="")

    conflicts = find_conflicts([unstated, unloaded], [note], today=TODAY)

    assert [(c.kind, c.item_id, c.code) for c in conflicts] == [(LOAD, 1, "5kg|light dumbbell")]


def test_restrictions_past_their_until_date_no_longer_flag(rotation):
    item = ProgramItemFactory.build(pk=1, exercise=rotation)
    ended = ClearanceNoteFactory.build(
        pk=7,
        restricted_movements=["spinal-rotation"],
        restrictions_until=TODAY - timedelta(days=1),
        valid_until=TODAY + timedelta(days=90),
    )
    last_day = ClearanceNoteFactory.build(
        pk=8, restricted_movements=["spinal-rotation"], restrictions_until=TODAY, valid_until=None
    )
    by_valid_until = ClearanceNoteFactory.build(
        pk=9, restricted_movements=["spinal-rotation"], valid_until=TODAY + timedelta(days=3)
    )

    assert find_conflicts([item], [ended], today=TODAY) == []
    assert [c.note_id for c in find_conflicts([item], [last_day, by_valid_until], today=TODAY)] == [8, 9]
    assert find_conflicts([item], [by_valid_until], today=TODAY)[0].until == TODAY + timedelta(days=3)


def test_an_expired_clearance_is_a_conflict_of_the_whole_program(rotation):
    item = ProgramItemFactory.build(pk=1, exercise=rotation)
    expired = ClearanceNoteFactory.build(pk=7, valid_until=TODAY - timedelta(days=1))

    conflicts = find_conflicts([item], [expired], today=TODAY)

    assert [(c.kind, c.item_id) for c in conflicts] == [(EXPIRED, None)]


# ----------------------------------------------------------------------------- the builder


def test_builder_flags_the_conflicting_row_with_restriction_clearance_and_date(clinician_client, program, no_twisting):
    html = clinician_client.get(program.get_absolute_url()).content.decode()

    rows = {
        row.split("</h3>")[0].rsplit(">", 1)[-1].strip(): row
        for row in html.split('class="card mb-2 program-item"')[1:]
    }
    rotation_row = rows["Lower trunk rotation"]
    assert "Conflicts with the clearance" in rotation_row
    until = day_text(no_twisting.valid_until)
    assert f"Spinal rotation (twisting): avoid, says Dr A. Smith, Orthopaedic surgeon, until {until}." in rotation_row
    assert "Conflicts with the clearance" not in rows["Bridge"]


def test_adding_a_conflicting_exercise_is_flagged_in_the_htmx_answer(clinician_client, patient, no_twisting):
    program = no_twisting.program
    chair = ExerciseFactory(name="Chair rotation stretch", movements=["spinal-rotation"])

    response = clinician_client.post(
        reverse("prescriptions:item-add", args=[program.pk]),
        {"exercise": chair.pk, "revision": program.revision},
        **HTMX,
    )

    assert response.status_code == 200
    assert response.content.decode().count("Conflicts with the clearance") == 2  # the new item and the earlier one


def test_a_heavier_dose_is_flagged_as_soon_as_it_is_saved(clinician_client, program):
    ClearanceNoteFactory(program=program, max_lift_kg=Decimal("5"), valid_until=None)
    item = program.items.get(exercise__slug="bridge")
    program.refresh_from_db()

    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, load="10 kg dumbbell"),
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-conflicts-{item.pk}" hx-swap-oob="true"' in html
    assert "Load 10 kg is over the 5 kg limit" in html


def test_search_hides_conflicting_exercises_and_says_how_many(clinician_client, program, no_twisting):
    ExerciseFactory(name="Chair rotation stretch", movements=["spinal-rotation"])
    url = program.get_absolute_url()

    hidden = clinician_client.get(url, {"q": "rotation"}, HTTP_HX_TARGET="builder-results", **HTMX)
    shown = clinician_client.get(
        url, {"q": "rotation", "show_conflicting": "1"}, HTTP_HX_TARGET="builder-results", **HTMX
    )

    assert [e.name for e in hidden.context["exercises"]] == []
    assert "2 hidden: they conflict with the clearance" in hidden.content.decode()
    assert sorted(e.name for e in shown.context["exercises"]) == ["Chair rotation stretch", "Lower trunk rotation"]
    assert "conflict with the clearance" not in shown.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_builder_query_count_with_restrictions_does_not_grow(
    clinician_client, program, no_twisting, count, django_assert_num_queries
):
    for n in range(count):
        ProgramItemFactory(program=program, exercise=ExerciseFactory(movements=["spinal-rotation"]), order=10 + n)
        ExerciseFactory(movements=["spinal-rotation", "kneeling"])

    # The builder's 16 (see test_builder.BUILDER_QUERIES) and 1 more: the count of search results
    # hidden because they conflict with the clearance.
    with django_assert_num_queries(17):
        response = clinician_client.get(program.get_absolute_url())

    assert response.context["conflict_filter"]["hidden"] == 2 * count + 1
    assert response.content.decode().count("Conflicts with the clearance") == count + 1


# ----------------------------------------------------------------------------- issuing


def test_a_conflict_blocks_the_issue_until_decided(clinician_client, program, no_twisting):
    response = clinician_client.post(issue_url(program), {"revision": program.revision, "confirm": "yes"}, **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert "1 conflict with the clearance needs your decision" in html
    assert "Choose to remove the exercise or to keep it with a reason." in html
    assert not Handout.objects.exists()


def test_the_issue_service_itself_refuses_undecided_conflicts(program, no_twisting, clinician):
    with pytest.raises(ConflictsNeedDecision) as excinfo:
        handout_issue(program=program, user=clinician)

    assert isinstance(excinfo.value, ValidationError)
    assert [c.exercise_name for c in excinfo.value.conflicts] == ["Lower trunk rotation"]
    assert not Handout.objects.exists()


def test_keeping_without_a_reason_is_refused_at_the_field(clinician_client, program, no_twisting):
    prefix = rotation_prefix(program, no_twisting)

    response = clinician_client.post(
        issue_url(program),
        {"revision": program.revision, "confirm": "yes", f"{prefix}-decision": "keep", f"{prefix}-reason": " "},
        **HTMX,
    )

    assert response.status_code == 422
    assert "Give the reason for keeping it, or remove the exercise." in response.content.decode()
    assert not Handout.objects.exists() and not ConflictAcknowledgement.objects.exists()


def test_acknowledged_conflict_is_audited_kept_in_the_snapshot_and_printed(
    clinician_client, program, no_twisting, clinician
):
    prefix = rotation_prefix(program, no_twisting)
    reason = "Rotation within pain-free range agreed with surgeon by phone 28 Nov"
    note = "Turn only as far as it stays pain-free, as agreed with your surgeon."

    response = clinician_client.post(
        issue_url(program),
        {
            "revision": program.revision,
            "confirm": "yes",
            f"{prefix}-decision": "keep",
            f"{prefix}-reason": reason,
            f"{prefix}-note": note,
        },
        **HTMX,
    )

    assert response.status_code == 200
    handout = Handout.objects.get()
    item = program.items.get(exercise__slug="lower-trunk-rotation")
    acknowledgement = ConflictAcknowledgement.objects.get()
    assert (acknowledgement.item, acknowledgement.reason, acknowledgement.acknowledged_by) == (item, reason, clinician)
    entry = AuditEntry.objects.get(detail__change="conflict_acknowledged")
    assert entry.detail["reason"] == reason and entry.detail["exercise"] == "Lower trunk rotation"
    assert entry.patient_id == program.patient_id and entry.user == clinician
    [kept] = [i for i in handout.snapshot["items"] if i["name"] == "Lower trunk rotation"][0]["acknowledgements"]
    assert kept["reason"] == reason and kept["patient_note"] == note
    assert kept["restriction"].startswith("Spinal rotation (twisting): avoid")
    text = " ".join(pdf_text(stored_pdf(handout)).split())
    assert "About your clearance: Turn only as far as it stays pain-free" in text
    assert text.index("Lower trunk rotation") < text.index("About your clearance")
    assert reason not in text  # the reason is for the record, not the patient


def test_removing_the_item_resolves_the_conflict(clinician_client, program, no_twisting):
    prefix = rotation_prefix(program, no_twisting)

    response = clinician_client.post(
        issue_url(program), {"revision": program.revision, "confirm": "yes", f"{prefix}-decision": "remove"}, **HTMX
    )

    assert response.status_code == 200
    assert [i["name"] for i in Handout.objects.get().snapshot["items"]] == ["Bridge"]
    assert not ConflictAcknowledgement.objects.exists()


def test_an_expired_clearance_blocks_the_issue_until_acknowledged(clinician_client, program):
    expired = ClearanceNoteFactory(
        program=program, cleared_on=TODAY - timedelta(days=100), valid_until=TODAY - timedelta(days=1)
    )
    prefix = f"c0-{expired.pk}-{EXPIRED}"

    refused = clinician_client.post(issue_url(program), {"revision": program.revision, "confirm": "yes"}, **HTMX)
    assert refused.status_code == 422
    assert "Why issue under the expired clearance by Dr A. Smith, Orthopaedic surgeon?" in refused.content.decode()
    assert not Handout.objects.exists()

    issued = clinician_client.post(
        issue_url(program),
        {"revision": program.revision, "confirm": "yes", f"{prefix}-reason": "Surgeon renewed it by phone today"},
        **HTMX,
    )
    assert issued.status_code == 200
    assert Handout.objects.get().snapshot["acknowledgements"][0]["reason"] == "Surgeon renewed it by phone today"


def test_a_new_restriction_asks_again_after_an_acknowledgement(program, no_twisting, clinician):
    item = program.items.get(exercise__slug="lower-trunk-rotation")
    ConflictAcknowledgement.objects.create(
        program=program,
        item=item,
        clearance_note=no_twisting,
        key="movement:spinal-rotation",
        reason="Agreed by phone",
        acknowledged_by=clinician,
    )
    assert handout_issue(program=program, user=clinician).created

    no_twisting.restricted_movements = ["lying-supine", "spinal-rotation"]
    no_twisting.save()

    with pytest.raises(ConflictsNeedDecision):
        handout_issue(program=program, user=clinician)


def test_outsider_cannot_decide_about_another_clinics_program(outsider_client, program, no_twisting):
    prefix = rotation_prefix(program, no_twisting)

    response = outsider_client.post(
        issue_url(program), {"confirm": "yes", f"{prefix}-decision": "keep", f"{prefix}-reason": "x"}
    )

    assert response.status_code == 404
    assert not ConflictAcknowledgement.objects.exists()


# ----------------------------------------------------------------------------- clearance and templates


def test_clearance_form_records_structured_restrictions(clinician_client, program):
    response = clinician_client.post(
        reverse("prescriptions:clearance-create", args=[program.pk]),
        {
            "revision": program.revision,
            "cleared_by_name": "Dr B. Khan",
            "cleared_on": "2026-11-01",
            "scope": "Home exercise after discectomy",
            "restrictions": "No prone press-ups.",
            "restricted_movements": ["spinal-rotation", "lying-prone"],
            "max_lift_kg": "5",
            "valid_until": "2027-02-01",
        },
    )

    assert response.status_code == 302
    note = ClearanceNote.objects.get(program=program)
    assert note.restricted_movements == ["lying-prone", "spinal-rotation"]
    assert note.max_lift_kg == Decimal("5.0")
    assert note.restrictions_until is None and note.restrictions_end == note.valid_until


def test_clearance_form_names_a_bad_lift_limit(clinician_client, program):
    response = clinician_client.post(
        reverse("prescriptions:clearance-create", args=[program.pk]),
        {
            "revision": program.revision,
            "cleared_by_name": "Dr B. Khan",
            "cleared_on": "2026-11-01",
            "scope": "Home exercise",
            "max_lift_kg": "heavy",
            "restricted_movements": ["cartwheels"],
        },
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter the load in kilograms, like 5 or 2.5." in html
    assert "Select a valid choice. cartwheels is not one of the available choices." in html


def test_a_program_from_a_template_shows_the_patients_clearance_conflicts_at_once(
    clinician_client, clinic, patient, program, no_twisting, rotation
):
    template = ProgramFactory(patient=None, clinic=clinic, title="Back basics")
    ProgramItemFactory(program=template, exercise=rotation)
    assert not template.clearance_notes.exists()

    response = clinician_client.post(
        reverse("prescriptions:program-create", args=[patient.pk]),
        {"title": "Week 6 program", "start": "template", "template": template.pk},
    )

    new = Program.objects.get(title="Week 6 program")
    assert response.url == new.get_absolute_url()
    assert [n.restricted_movements for n in new.clearance_notes.all()] == [["spinal-rotation"]]
    assert "Conflicts with the clearance" in clinician_client.get(new.get_absolute_url()).content.decode()
    template_page = clinician_client.get(template.get_absolute_url()).content.decode()
    assert "Conflicts with the clearance" not in template_page


@pytest.mark.parametrize("count", [1, 20])
def test_issue_confirmation_query_count_does_not_grow_with_conflicts(
    clinician_client, program, no_twisting, count, django_assert_num_queries
):
    for n in range(count - 1):
        ProgramItemFactory(program=program, exercise=ExerciseFactory(movements=["spinal-rotation"]), order=10 + n)

    # 1 session, 2 user, 3 program (+clinic, patient), 4 clearance notes (warnings), 5 items
    # (+exercise), 6 clearance notes (conflicts), 7 acknowledgements, 8-10 session saved.
    with django_assert_num_queries(10):
        response = clinician_client.get(issue_url(program), **HTMX)

    assert len(response.context["decision_form"].rows) == count


@pytest.mark.clock(datetime.date(2026, 3, 2))
def test_an_expired_clearance_says_when_it_expired_in_the_conflict_and_the_warning(db):
    from prescriptions.handout.issue import issue_warnings
    from prescriptions.models import ClearanceNote
    from prescriptions.safety import EXPIRED, find_conflicts

    note = ClearanceNote(pk=1, cleared_by_name="Dr Old", cleared_by_role="GP", valid_until=datetime.date(2020, 1, 31))
    [conflict] = find_conflicts([], [note], today=datetime.date(2026, 3, 2))

    assert conflict.kind == EXPIRED
    assert conflict.message == "The clearance by Dr Old, GP expired on 31 Jan 2020."
    assert issue_warnings(program=None, clearance_notes=[note]) == [conflict.message]
