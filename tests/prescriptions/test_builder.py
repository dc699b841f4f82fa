import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import ClearanceNote, ClinicExercise, FavouriteExercise, Program, ProgramItem
from tests.factories import ExerciseFactory, ExercisePictureFactory, ProgramFactory, ProgramItemFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def program(patient):
    return ProgramFactory(patient=patient)


def dose_data(item, **changes):
    prefix = f"item-{item.pk}-"
    data = {
        "revision": item.revision,
        "sets": 3,
        "reps": 10,
        "duration_seconds": "",
        "hold_seconds": 5,
        "rest_seconds": 30,
        "side": "each",
        "times_per_day": 2,
        "days_per_week": 5,
        "load": "",
        "patient_note": "",
    }
    data.update(changes)
    return {prefix + key: value for key, value in data.items() if not isinstance(value, list)} | {
        prefix + key: value for key, value in data.items() if isinstance(value, list)
    }


def test_new_program_starts_blank(clinician_client, patient):
    response = clinician_client.post(
        reverse("prescriptions:program-create", args=[patient.pk]), {"title": "Knee rehab", "start": "blank"}
    )
    program = Program.objects.get(title="Knee rehab")
    assert response["Location"] == program.get_absolute_url()
    assert program.patient == patient and program.items.count() == 0
    assert AuditEntry.objects.filter(action=ProgramAction.PROGRAM_CREATED, patient_id=patient.pk).count() == 1


def test_new_program_from_template_copies_items_and_doses(clinician_client, patient, clinic):
    template = ProgramFactory(patient=None, clinic=clinic, title="Back basics")
    ProgramItemFactory(program=template, sets=4, reps=12)
    clinician_client.post(
        reverse("prescriptions:program-create", args=[patient.pk]),
        {"title": "From template", "start": "template", "template": template.pk},
    )
    program = Program.objects.get(title="From template")
    assert [(i.sets, i.reps) for i in program.items.all()] == [(4, 12)]


def test_template_of_another_clinic_cannot_be_used(clinician_client, patient, other_clinic):
    foreign = ProgramFactory(patient=None, clinic=other_clinic)
    response = clinician_client.post(
        reverse("prescriptions:program-create", args=[patient.pk]),
        {"title": "Sneaky", "start": "template", "template": foreign.pk},
    )
    assert response.status_code == 422
    assert "template" in response.context["form"].errors
    assert not Program.objects.filter(title="Sneaky").exists()


def test_copy_of_a_program_keeps_notes(clinician_client, program):
    ProgramItemFactory(program=program, patient_note="Slowly!")
    clinician_client.post(
        reverse("prescriptions:program-create", args=[program.patient.pk]),
        {"title": "Copy", "start": "copy", "copy_of": program.pk},
    )
    assert Program.objects.get(title="Copy").items.get().patient_note == "Slowly!"


def test_add_exercise_uses_its_default_dose_without_reload(clinician_client, program):
    exercise = ExerciseFactory(sets=2, reps=15, hold_seconds=3, side="each", days_per_week=3)
    response = clinician_client.post(
        reverse("prescriptions:item-add", args=[program.pk]),
        {"exercise": exercise.pk, "revision": program.revision},
        **HTMX,
    )
    assert response.status_code == 200
    item = program.items.get()
    assert (item.sets, item.reps, item.hold_seconds, item.days_per_week) == (2, 15, 3, 3)
    assert "2 sets of 15 each side · hold 3 seconds · once a day · 3 days a week" in response.content.decode()
    assert response["X-Program-Revision"] == str(program.revision + 1)


def test_draft_exercise_cannot_be_added(clinician_client, program):
    exercise = ExerciseFactory(status="draft")
    response = clinician_client.post(reverse("prescriptions:item-add", args=[program.pk]), {"exercise": exercise.pk})
    assert response.status_code == 404
    assert not program.items.exists()


def test_dose_update_shows_the_plain_language_line(clinician_client, program):
    item = ProgramItemFactory(program=program)
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, sets=3, reps=10, hold_seconds=5, side="each", times_per_day=2, weekdays=["mon", "wed", "fri"]),
        **HTMX,
    )
    assert response.status_code == 200
    assert "3 sets of 10 each side · hold 5 seconds · rest 30 seconds between sets · twice a day · Mon, Wed, Fri" in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert (item.weekdays, item.days_per_week) == ("mon,wed,fri", 3)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sets": 0}, "sets", "Enter a whole number from 1 to 20."),
        ({"sets": 21}, "sets", "Enter a whole number from 1 to 20."),
        ({"reps": 101}, "reps", "Enter a whole number from 1 to 100."),
        ({"reps": "", "duration_seconds": 4}, "duration_seconds", "Enter a whole number from 5 to 3600."),
        ({"hold_seconds": 301}, "hold_seconds", "Enter a whole number from 0 to 300."),
        ({"rest_seconds": 601}, "rest_seconds", "Enter a whole number from 0 to 600."),
        ({"times_per_day": 7}, "times_per_day", "Enter a whole number from 1 to 6."),
        ({"days_per_week": 8}, "days_per_week", "Enter a whole number from 1 to 7."),
        ({"reps": "", "duration_seconds": ""}, "reps", "Enter reps or a duration."),
        ({"reps": 10, "duration_seconds": 30}, "duration_seconds", "Enter reps or a duration, not both."),
        ({"reps": "", "duration_seconds": 30, "hold_seconds": 30}, "hold_seconds", "The hold must be shorter"),
        ({"sets": "ten"}, "sets", "Enter a whole number from 1 to 20."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain-form"])
def test_bad_dose_is_refused_at_the_field_and_last_good_dose_kept(
    clinician_client, program, changes, field, message, htmx
):
    item = ProgramItemFactory(program=program)
    before = item.dose_text
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, **changes),
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert f'id="id_item-{item.pk}-{field}"' in html and 'aria-invalid="true"' in html
    item.refresh_from_db()
    assert item.dose_text == before
    if not htmx:  # the whole builder page, still showing the saved dose (HTMX swaps only the form)
        assert f'id="dose-line-{item.pk}" data-item-revision="{item.revision}">{before}</p>' in html


def test_stale_item_revision_is_refused_with_current_state_and_typed_values(clinician_client, program):
    item = ProgramItemFactory(program=program, sets=3, reps=10, patient_note="")
    stale = item.revision
    ProgramItem.objects.filter(pk=item.pk).update(sets=4, revision=stale + 1)  # a colleague saved meanwhile
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, sets=5, patient_note="Slow & steady", revision=stale),
        **HTMX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this exercise" in html
    assert response["X-Item-Revision"] == str(stale + 1)
    # The typed values stay in the form, the stored ones are shown beside them.
    assert f'name="item-{item.pk}-sets" value="5"' in html and "Slow &amp; steady" in html
    assert "4 sets of 10" in html
    assert f'name="item-{item.pk}-keep_mine" value="{stale + 1}"' in html
    item.refresh_from_db()
    assert item.sets == 4


def test_keep_my_values_after_a_conflict_saves_them(clinician_client, program):
    item = ProgramItemFactory(program=program, sets=3)
    ProgramItem.objects.filter(pk=item.pk).update(sets=4, revision=2)
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        {**dose_data(item, sets=5, revision=1), f"item-{item.pk}-keep_mine": 2},
        **HTMX,
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.sets, item.revision) == (5, 3)


def test_stale_dose_is_refused_without_javascript_and_keeps_typed_values(clinician_client, program):
    item = ProgramItemFactory(program=program, sets=3)
    ProgramItem.objects.filter(pk=item.pk).update(sets=4, revision=2)
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]), dose_data(item, sets=5, revision=1)
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert f'name="item-{item.pk}-sets" value="5"' in html and "Keep my values" in html


def test_dose_post_without_revision_is_400_and_saves_nothing(clinician_client, program):
    item = ProgramItemFactory(program=program, sets=3)
    data = dose_data(item, sets=5)
    del data[f"item-{item.pk}-revision"]
    response = clinician_client.post(reverse("prescriptions:item-update", args=[program.pk, item.pk]), data, **HTMX)
    assert response.status_code == 400
    assert "did not say which version" in response.content.decode()
    item.refresh_from_db()
    assert item.sets == 3


@pytest.mark.parametrize(
    ("name", "args"),
    [("item-add", []), ("items-reorder", []), ("program-update", []), ("clearance-create", [])],
)
def test_program_wide_change_without_revision_is_400(clinician_client, program, name, args):
    exercise = ExerciseFactory()
    response = clinician_client.post(
        reverse(f"prescriptions:{name}", args=[program.pk, *args]),
        {"exercise": exercise.pk, "title": "X", "duration_weeks": 6, "cleared_by_name": "Dr B", "scope": "All"},
    )
    assert response.status_code == 400
    assert "did not say which version" in response.content.decode()
    assert not program.items.exists() and not ClearanceNote.objects.exists()


def test_item_remove_and_move_without_revision_are_400(clinician_client, program):
    item = ProgramItemFactory(program=program)
    for name in ("item-remove", "item-move"):
        response = clinician_client.post(reverse(f"prescriptions:{name}", args=[program.pk, item.pk]), **HTMX)
        assert response.status_code == 400
    assert program.items.count() == 1


def test_dose_posts_applied_out_of_order_never_leave_the_older_value(clinician_client, program):
    """Two saves built from one revision: whichever arrives second is refused, never stored."""
    item = ProgramItemFactory(program=program, reps=10)
    url = reverse("prescriptions:item-update", args=[program.pk, item.pk])
    newer = clinician_client.post(url, dose_data(item, reps=12, revision=1), **HTMX)
    older = clinician_client.post(url, dose_data(item, reps=11, revision=1), **HTMX)
    assert (newer.status_code, older.status_code) == (200, 409)
    item.refresh_from_db()
    assert (item.reps, item.revision) == (12, 2)
    # The browser sends the next save with the revision the last one produced.
    follow = clinician_client.post(url, dose_data(item, reps=15, revision=newer["X-Item-Revision"]), **HTMX)
    assert follow.status_code == 200
    item.refresh_from_db()
    assert item.reps == 15


def test_dose_saves_of_different_items_never_conflict(clinician_client, colleague, program):
    first, second = ProgramItemFactory(program=program, order=0), ProgramItemFactory(program=program, order=1)
    client = Client()
    client.force_login(colleague)
    a = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, first.pk]), dose_data(first, sets=4), **HTMX
    )
    b = client.post(
        reverse("prescriptions:item-update", args=[program.pk, second.pk]), dose_data(second, sets=6), **HTMX
    )
    assert (a.status_code, b.status_code) == (200, 200)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sets, second.sets) == (4, 6)
    # A dose save is not a program-wide change: a reorder from the same page still applies.
    response = clinician_client.post(
        reverse("prescriptions:items-reorder", args=[program.pk]),
        {"revision": program.revision, "item": [second.pk, first.pk]},
        **HTMX,
    )
    assert response.status_code == 200


def test_saved_dose_answers_the_stored_values(clinician_client, program):
    item = ProgramItemFactory(program=program)
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, days_per_week=5, weekdays=["mon", "fri"], hold_seconds=""),
        **HTMX,
    )
    html = response.content.decode()
    assert response["X-Item-Revision"] == "2"
    assert f'"item-{item.pk}-days_per_week": 2' in html and f'"item-{item.pk}-hold_seconds": 0' in html


def test_stale_program_details_are_refused_without_javascript(clinician_client, program):
    stale = program.revision
    program.bump_revision()
    response = clinician_client.post(
        reverse("prescriptions:program-update", args=[program.pk]),
        {"revision": stale, "title": "Overwritten", "duration_weeks": 6},
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.title != "Overwritten"


@pytest.mark.parametrize(
    "values",
    [
        {"sets": 0},
        {"sets": 21},
        {"reps": 0},
        {"hold_seconds": 301},
        {"rest_seconds": 601},
        {"times_per_day": 0},
        {"days_per_week": 8},
        {"reps": None, "duration_seconds": None},
        {"reps": 10, "duration_seconds": 30},
        {"reps": None, "duration_seconds": 4},
        {"reps": None, "duration_seconds": 20, "hold_seconds": 20},
    ],
)
def test_dose_bounds_hold_in_the_database_when_forms_are_bypassed(program, values):
    exercise = ExerciseFactory()
    base = {"sets": 2, "reps": 10, "duration_seconds": None, "hold_seconds": 0}
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramItem.objects.create(program=program, exercise=exercise, order=0, **{**base, **values})


def test_reorder_by_drag_and_by_keyboard(clinician_client, program):
    first, second, third = (ProgramItemFactory(program=program, order=i) for i in range(3))
    clinician_client.post(
        reverse("prescriptions:items-reorder", args=[program.pk]),
        {"revision": program.revision, "item": [third.pk, first.pk, second.pk]},
        **HTMX,
    )
    assert list(program.items.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    program.refresh_from_db()
    clinician_client.post(
        reverse("prescriptions:item-move", args=[program.pk, third.pk]),
        {"revision": program.revision, "direction": "down"},
    )
    assert list(program.items.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]


def test_reorder_with_foreign_item_ids_is_refused(clinician_client, program):
    first, second = (ProgramItemFactory(program=program, order=i) for i in range(2))
    foreign = ProgramItemFactory(order=7)
    url = reverse("prescriptions:items-reorder", args=[program.pk])

    response = clinician_client.post(
        url, {"revision": program.revision, "item": [foreign.pk, second.pk, first.pk]}, **HTMX
    )

    # Refused as a page out of date (its items are not this program's), and nothing moved.
    assert response.status_code == 409
    assert "Someone else changed this program" in response.content.decode()
    assert list(program.items.values_list("pk", flat=True)) == [first.pk, second.pk]
    assert ProgramItem.objects.values_list("program", "order").get(pk=foreign.pk) == (foreign.program_id, 7)
    # The same request with only this program's items goes through: it was the foreign id.
    clinician_client.post(url, {"revision": program.revision, "item": [second.pk, first.pk]}, **HTMX)
    assert list(program.items.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_remove_then_undo_restores_dose_and_place(clinician_client, program):
    first = ProgramItemFactory(program=program, order=0)
    second = ProgramItemFactory(
        program=program, order=1, sets=4, reps=8, weekdays="tue,thu", days_per_week=2, patient_note="Go gently"
    )
    ProgramItemFactory(program=program, order=2)
    response = clinician_client.post(
        reverse("prescriptions:item-remove", args=[program.pk, second.pk]), {"revision": program.revision}, **HTMX
    )
    html = response.content.decode()
    assert "removed." in html and "Undo" in html
    assert program.items.count() == 2
    import re

    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html.split("Undo")[0])
    data = {}
    for key, value in fields:
        data.setdefault(key, []).append(value)
    clinician_client.post(reverse("prescriptions:item-restore", args=[program.pk]), data, **HTMX)
    restored = program.items.order_by("order")[1]
    assert (restored.exercise_id, restored.sets, restored.reps, restored.weekdays, restored.patient_note) == (
        second.exercise_id,
        4,
        8,
        "tue,thu",
        "Go gently",
    )
    assert program.items.order_by("order")[0] == first


def test_clearance_note_with_letter_is_private(clinician_client, client, outsider, program):
    from django.core.files.uploadedfile import SimpleUploadedFile

    letter = SimpleUploadedFile("Maria Jensen letter.pdf", b"%PDF-1.4\n%fake\n", content_type="application/pdf")
    response = clinician_client.post(
        reverse("prescriptions:clearance-create", args=[program.pk]),
        {
            "revision": program.revision,
            "cleared_by_name": "Dr A. Smith",
            "cleared_by_role": "Orthopaedic surgeon",
            "cleared_on": "2026-10-01",
            "scope": "Return to exercise",
            "restrictions": "No running",
            "valid_until": "2026-11-01",
            "letter": letter,
        },
    )
    assert response.status_code == 302
    note = ClearanceNote.objects.get()
    assert "Jensen" not in note.letter.name
    assert note.is_expired
    page = clinician_client.get(program.get_absolute_url()).content.decode()
    assert "Expired" in page
    download = clinician_client.get(reverse("prescriptions:clearance-letter", args=[program.pk, note.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(outsider)
    assert client.get(reverse("prescriptions:clearance-letter", args=[program.pk, note.pk])).status_code == 404


def test_clearance_letter_must_be_a_real_document(clinician_client, program):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00\x03 this is an exe", content_type="application/pdf")
    response = clinician_client.post(
        reverse("prescriptions:clearance-create", args=[program.pk]),
        {
            "revision": program.revision,
            "cleared_by_name": "Dr B",
            "cleared_on": "2026-10-01",
            "scope": "All",
            "letter": fake,
        },
    )
    assert response.status_code == 422
    assert "Upload the letter as a PDF, PNG, JPEG or WebP file." in response.content.decode()
    assert not ClearanceNote.objects.exists()


def test_save_as_template_carries_no_patient_data(clinician_client, program):
    ProgramItemFactory(program=program, patient_note="Maria: careful with the left knee")
    program.goal = "Maria's disc herniation"
    program.save()
    clinician_client.post(reverse("prescriptions:program-save-template", args=[program.pk]), {"title": "Disc rehab"})
    template = Program.objects.templates().get(title="Disc rehab")
    assert template.patient is None and template.goal == ""
    assert [item.patient_note for item in template.items.all()] == [""]
    listed = clinician_client.get(reverse("prescriptions:template-list")).context["templates"]
    assert list(listed) == [template]


def test_rename_and_delete_template(clinician_client, clinic):
    template = ProgramFactory(patient=None, clinic=clinic, title="Old")
    clinician_client.post(reverse("prescriptions:template-rename", args=[template.pk]), {"title": "New"})
    template.refresh_from_db()
    assert template.title == "New"
    clinician_client.post(reverse("prescriptions:template-delete", args=[template.pk]))
    assert not Program.objects.filter(pk=template.pk).exists()


def test_every_change_is_audited(clinician_client, clinician, program):
    item = ProgramItemFactory(program=program)
    clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]), dose_data(item, sets=4), **HTMX
    )
    entry = AuditEntry.objects.get(action=ProgramAction.PROGRAM_CHANGED)
    assert (entry.user, entry.patient_id, entry.detail["change"]) == (clinician, program.patient_id, "item_dose")


def test_long_program_warns(clinician_client, program):
    for order in range(9):
        ProgramItemFactory(program=program, order=order)
    html = clinician_client.get(program.get_absolute_url()).content.decode()
    assert "Long programs lower adherence" in html


@pytest.mark.parametrize("count", [1, 15])
def test_program_create_page_query_count_does_not_grow(
    clinician_client, clinician, patient, other_clinic, count, django_assert_num_queries
):
    for n in range(count):
        ProgramFactory(patient=None, clinic=patient.clinic, created_by=clinician, title=f"Template {n:02d}")
        ProgramFactory(patient=patient, created_by=clinician, title=f"Earlier program {n:02d}")
    ProgramFactory(patient=None, clinic=other_clinic, title="Their template")

    # 1 session, 2 user, 3 the patient (scoped to the user's clinics, not archived), 4 the
    # patient's clinic (the templates are that clinic's), 5 the user's memberships (menu),
    # 6 the clinic's templates ("from a template" choices), 7 the patient's programs ("copy"
    # choices), 8-10 the session saved again in a savepoint.
    with django_assert_num_queries(10):
        response = clinician_client.get(reverse("prescriptions:program-create", args=[patient.pk]))

    form = response.context["form"]
    assert sorted(label for value, label in form.fields["template"].choices if value) == [
        f"Template {n:02d}" for n in range(count)
    ]
    assert len(form.fields["copy_of"].choices) == count + 1  # and the empty choice
    assert "Their template" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 15])
def test_template_list_query_count_does_not_grow(
    clinician_client, clinic, other_clinic, colleague, count, django_assert_num_queries
):
    for n in range(count):
        ProgramFactory(patient=None, clinic=clinic, created_by=colleague, title=f"Template {n:02d}")
    ProgramFactory(patient=None, clinic=other_clinic, title="Their template")

    # 1 session, 2 user, 3 the user's memberships with their clinics (current clinic, menu),
    # 4 the clinic's templates (joined with their authors, though the page does not show them),
    # 5 the shared starter templates (none here; their items are one query more: test_starter_templates),
    # 6-8 the session saved again in a savepoint.
    with django_assert_num_queries(8):
        response = clinician_client.get(reverse("prescriptions:template-list"))

    assert [t.title for t in response.context["templates"]] == [f"Template {n:02d}" for n in range(count)]
    assert "Their template" not in response.content.decode()


# 1 session, 2 user, 3 program (+clinic, patient), 4 count of catalogue results, 5 items (+exercise),
# 6 their pictures, 7 clearance notes, 8 conflict acknowledgements (the safety check), 9 memberships
# (+clinic) for the menu, 10-11 regions and equipment for the search filters, 12 the page of catalogue
# results, 13 their pictures, 14-16 session saved (savepoint, update, release: the first request
# after signing in renews its idle expiry; later ones within the minute do not write it).
BUILDER_QUERIES = 16


@pytest.mark.parametrize("count", [1, 30])
def test_builder_query_count_does_not_grow_with_items(clinician_client, program, count, django_assert_num_queries):
    for order in range(count):
        item = ProgramItemFactory(program=program, order=order)
        ExercisePictureFactory(exercise=item.exercise)
    ExercisePictureFactory.create_batch(3)
    with django_assert_num_queries(BUILDER_QUERIES):
        response = clinician_client.get(program.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


def test_review_date_before_start_is_refused(clinician_client, program):
    response = clinician_client.post(
        reverse("prescriptions:program-update", args=[program.pk]),
        {
            "revision": program.revision,
            "title": "X",
            "duration_weeks": 6,
            "start_date": "2026-11-10",
            "review_date": "2026-11-01",
        },
    )
    assert response.status_code == 422
    assert "The review date must be on or after the start date." in response.content.decode()
    program.refresh_from_db()
    assert program.title != "X"


def test_new_program_asks_start_duration_and_instructions(clinician_client, patient):
    response = clinician_client.post(
        reverse("prescriptions:program-create", args=[patient.pk]),
        {
            "title": "Knee rehab",
            "start": "blank",
            "start_date": "2026-12-07",
            "duration_weeks": 8,
            "general_instructions": "Stop if the pain is sharp.",
        },
    )
    program = Program.objects.get(title="Knee rehab")
    assert response["Location"] == program.get_absolute_url()
    assert (str(program.start_date), program.duration_weeks, program.general_instructions) == (
        "2026-12-07",
        8,
        "Stop if the pain is sharp.",
    )


def test_new_program_from_template_takes_its_values_unless_given(clinician_client, patient, clinic):
    template = ProgramFactory(patient=None, clinic=clinic, title="Back basics", duration_weeks=4)
    url = reverse("prescriptions:program-create", args=[patient.pk])
    page = clinician_client.get(url, {"template": template.pk}).content.decode()
    assert 'name="duration_weeks" value="4"' in page and "Warm up with a 5-minute walk." in page
    clinician_client.post(url, {"title": "A", "start": "template", "template": template.pk})
    clinician_client.post(url, {"title": "B", "start": "template", "template": template.pk, "duration_weeks": 10})
    a, b = Program.objects.get(title="A"), Program.objects.get(title="B")
    assert (a.duration_weeks, a.general_instructions) == (4, "Warm up with a 5-minute walk.")
    assert b.duration_weeks == 10


@pytest.mark.parametrize("weeks", ["0", "53", "six"])
def test_new_program_duration_out_of_range_is_refused_at_the_field(clinician_client, patient, weeks):
    response = clinician_client.post(
        reverse("prescriptions:program-create", args=[patient.pk]),
        {"title": "X", "start": "blank", "duration_weeks": weeks},
    )
    assert response.status_code == 422
    assert "Enter a number of weeks from 1 to 52." in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Cleared for: a gentle spine conditioning program", "a gentle spine conditioning program"),
        ("cleared for gentle walking", "gentle walking"),
        ("Graded home exercise", "Graded home exercise"),
    ],
)
def test_clearance_scope_reads_naturally_and_date_cleared_is_optional(clinician_client, program, typed, stored):
    form_page = clinician_client.get(reverse("prescriptions:clearance-create", args=[program.pk])).content.decode()
    assert "Cleared for" in form_page and "Continues “Cleared for: …”" in form_page
    response = clinician_client.post(
        reverse("prescriptions:clearance-create", args=[program.pk]),
        {"revision": program.revision, "cleared_by_name": "Dr B", "cleared_on": "", "scope": typed},
    )
    assert response.status_code == 302
    note = ClearanceNote.objects.get()
    assert (note.scope, note.cleared_on) == (stored, None)
    page = clinician_client.get(program.get_absolute_url()).content.decode()
    assert f"Cleared for: {stored}" in page and "Cleared for: Cleared for" not in page


def test_clearance_scope_that_is_only_the_label_is_refused(clinician_client, program):
    response = clinician_client.post(
        reverse("prescriptions:clearance-create", args=[program.pk]),
        {"revision": program.revision, "cleared_by_name": "Dr B", "scope": "Cleared for:"},
    )
    assert response.status_code == 422
    assert "Say what the patient is cleared for" in response.content.decode()


def test_one_set_dose_never_mentions_rest_between_sets(clinician_client, program):
    item = ProgramItemFactory(program=program)
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, sets=1, reps=12, rest_seconds=60, side="na", times_per_day=1, days_per_week=7, hold_seconds=0),
        **HTMX,
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.dose_text == "12 repetitions · once a day · every day"
    item.sets = 2
    assert item.dose_text == "2 sets of 12 · rest 1 minute between sets · once a day · every day"


# The builder's search results alone (HTMX): 1 session, 2 user, 3 program (+clinic, patient),
# 4 its clearance notes (restricted movements are hidden), 5 count of results, 6 the page of
# results (the clinic's own exercises and the user's favourites are subqueries of both), 7 their
# pictures.
SEARCH_QUERIES = 7


@pytest.mark.parametrize("count", [1, 30])
def test_builder_search_query_count_is_pinned_with_clinic_exercises_and_favourites(
    clinician_client, clinician, clinic, other_clinic, program, count, django_assert_num_queries
):
    for n in range(count):
        own = ExerciseFactory(name=f"Clinic bridge {n:02d}", in_catalogue=False)
        ClinicExercise.objects.create(exercise=own, clinic=clinic, created_by=clinician)
        ExercisePictureFactory(exercise=own)
        FavouriteExercise.objects.create(user=clinician, exercise=own)
        ExercisePictureFactory(exercise=ExerciseFactory(name=f"Catalogue bridge {n:02d}"))
        foreign = ExerciseFactory(name=f"Their bridge {n:02d}", in_catalogue=False)
        ClinicExercise.objects.create(exercise=foreign, clinic=other_clinic)
    ProgramItemFactory(program=program, exercise=own)  # so the items' pictures are read, as in BUILDER_QUERIES
    with django_assert_num_queries(BUILDER_QUERIES):
        response = clinician_client.get(program.get_absolute_url())
    # Starred first (the clinic's own here), the other clinic's never.
    assert response.context["exercises"][0].name == "Clinic bridge 00"
    assert response.context["page_obj"].paginator.count == 2 * count

    # The search alone (SEARCH_QUERIES), whatever the filter or query.
    for params in ({}, {"q": "bridge"}, {"favourites": "on"}, {"favourites": "on", "q": "clinic bridge"}):
        with django_assert_num_queries(SEARCH_QUERIES):
            response = clinician_client.get(
                program.get_absolute_url(), params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="builder-results"
            )
        assert response.status_code == 200
        names = [exercise.name for exercise in response.context["exercises"]]
        assert names and not any(name.startswith("Their") for name in names)
        if params.get("favourites"):
            assert all(name.startswith("Clinic") for name in names)


def test_choosing_a_template_fills_title_weeks_and_instructions(clinician_client, patient, clinic):
    template = ProgramFactory(
        patient=None, clinic=clinic, title="Back basics", duration_weeks=8, general_instructions="Warm up first."
    )
    url = reverse("prescriptions:program-create", args=[patient.pk])
    page = clinician_client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="change"' in page  # the dropdown asks for the page again

    filled = clinician_client.get(url, {"template": template.pk, "start_date": "2026-12-28"}, **HTMX)
    form = filled.context["form"]
    assert (form["title"].value(), form["duration_weeks"].value(), form["general_instructions"].value()) == (
        "Back basics",
        8,
        "Warm up first.",
    )
    assert str(form["start_date"].value()) == "2026-12-28" and form["start"].value() == "template"
    # What the clinician typed before choosing is kept.
    typed = clinician_client.get(url, {"template": template.pk, "title": "Maria's back", "duration_weeks": "4"}, **HTMX)
    form = typed.context["form"]
    assert (form["title"].value(), form["duration_weeks"].value(), form["general_instructions"].value()) == (
        "Maria's back",
        4,
        "Warm up first.",
    )


def test_a_program_from_a_template_takes_its_title_unless_one_was_typed(clinician_client, patient, clinic):
    template = ProgramFactory(patient=None, clinic=clinic, title="Back basics")
    url = reverse("prescriptions:program-create", args=[patient.pk])
    clinician_client.post(url, {"title": "Home exercise program", "start": "template", "template": template.pk})
    clinician_client.post(url, {"title": "", "start": "template", "template": template.pk})
    clinician_client.post(url, {"title": "Maria's back", "start": "template", "template": template.pk})
    titles = list(Program.objects.filter(patient=patient).order_by("pk").values_list("title", flat=True))
    assert titles == ["Back basics", "Back basics", "Maria's back"]


def test_a_progression_that_repeats_the_dose_is_flagged_and_left_out_of_the_handout(clinician_client, program):
    from prescriptions.handout.snapshot import build_snapshot

    item = ProgramItemFactory(program=program)
    progression = "Build up to 2 sets, then to holds of 10 seconds."
    response = clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, sets=2, progression_note=progression),
        **HTMX,
    )
    assert "Progression not printed" in response.content.decode()
    assert "Progression not printed" in clinician_client.get(program.get_absolute_url()).content.decode()
    assert build_snapshot(program)["items"][0]["progression_note"] == ""

    clinician_client.post(
        reverse("prescriptions:item-update", args=[program.pk, item.pk]),
        dose_data(item, sets=1, progression_note=progression, revision=item.revision + 1),
        **HTMX,
    )
    assert build_snapshot(program)["items"][0]["progression_note"] == progression
