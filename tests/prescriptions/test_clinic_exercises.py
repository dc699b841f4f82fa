"""A clinic's own exercises: made from scratch or copied, only ever seen by their clinic,
retired rather than deleted when used, frozen in issued handouts, exported and imported."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from exercises.models import Exercise, Status
from exercises.services import CatalogueImportError, catalogue_export, catalogue_import
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import ClinicExercise, ProgramItem
from tests.access_fixtures_prescriptions import png_bytes
from tests.factories import ExerciseFactory, ExercisePictureFactory, ProgramFactory, ProgramItemFactory
from tests.prescriptions.test_handout_pdf import issue, pdf_text, stored_pdf

HTMX = {"HTTP_HX_REQUEST": "true"}
CREATE = reverse("prescriptions:clinic-exercise-create")


def exercise_data(**changes) -> dict:
    data = {
        "name": "Bridge on a step (clinic)",
        "summary": "Lift your hips with your feet on a low step.",
        "kind": "strengthening",
        "position": "supine",
        "difficulty": "easy",
        "steps": "Lie on your back, heels on the step.\nPress through your heels and lift.\nLower slowly.",
        "sets": 2,
        "reps": 10,
        "hold_seconds": 0,
        "rest_seconds": 30,
        "side": "na",
        "times_per_day": 1,
        "days_per_week": 5,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(exercise, **changes) -> dict:
    """The edit form's fields, as sent from a form opened now."""
    exercise.refresh_from_db()
    return exercise_data(edited_from=exercise.updated_at.isoformat(), **changes)


def make_clinic_exercise(clinic, user, **fields) -> Exercise:
    exercise = ExerciseFactory(in_catalogue=False, **fields)
    ClinicExercise.objects.create(exercise=exercise, clinic=clinic, created_by=user)
    return exercise


@pytest.fixture
def bridge(db):
    exercise = ExerciseFactory(
        name="Bridge", slug="bridge", steps=["Lie on your back, knees bent.", "Lift your hips.", "Lower slowly."]
    )
    ExercisePictureFactory(exercise=exercise, caption="Start")
    return exercise


def test_copy_and_edit_makes_a_clinic_exercise_with_the_catalogue_pictures(clinician_client, clinician, clinic, bridge):
    page = clinician_client.get(CREATE, {"from": bridge.pk})
    assert page.status_code == 200
    assert page.context["form"].initial["name"] == "Bridge (clinic)"
    assert "Lift your hips." in page.context["form"].initial["steps"]

    response = clinician_client.post(
        f"{CREATE}?from={bridge.pk}",
        exercise_data(
            photo=SimpleUploadedFile("my step.png", png_bytes(), content_type="image/png"),
            photo_alt="On the clinic's step",
        ),
    )
    ownership = ClinicExercise.objects.get()
    assert response["Location"] == ownership.get_absolute_url()
    exercise = ownership.exercise
    assert (exercise.in_catalogue, exercise.status, ownership.clinic, ownership.copied_from) == (
        False,
        Status.PUBLISHED,
        clinic,
        bridge,
    )
    assert [s.text for s in exercise.steps.all()][1] == "Press through your heels and lift."
    pictures = list(exercise.pictures.order_by("order"))
    assert [bool(p.pose) for p in pictures] == [True, False]  # the copied drawing, then the photo
    assert pictures[1].image.name.startswith("exercise-pictures/") and "my" not in pictures[1].image.name
    # The catalogue's own Bridge is untouched.
    assert [s.text for s in bridge.steps.all()][1] == "Lift your hips."
    entry = AuditEntry.objects.get(action=ProgramAction.CLINIC_EXERCISE_CREATED)
    assert (entry.clinic_id, entry.user, entry.object_id) == (clinic.pk, clinician, str(exercise.pk))


def test_photo_that_is_not_an_image_is_refused_at_the_field(clinician_client):
    response = clinician_client.post(
        CREATE,
        exercise_data(photo=SimpleUploadedFile("x.png", b"<html>not a picture</html>"), photo_alt="x"),
    )
    assert response.status_code == 422
    assert "Upload a PNG, JPEG or WebP picture" in response.content.decode()
    assert not ClinicExercise.objects.exists()


def test_clinic_exercise_is_404_for_another_clinic_everywhere(client, clinician, outsider, clinic):
    exercise = make_clinic_exercise(clinic, clinician, name="Secret step bridge")
    picture = ExercisePictureFactory(exercise=exercise, pose=None, image=SimpleUploadedFile("p.png", png_bytes()))
    client.force_login(outsider)
    for name, args in [
        ("prescriptions:clinic-exercise-detail", [exercise.pk]),
        ("prescriptions:clinic-exercise-update", [exercise.pk]),
        ("prescriptions:clinic-exercise-picture", [exercise.pk, picture.pk]),
        ("exercises:exercise-detail", [exercise.slug]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.get(CREATE, {"from": exercise.pk}).status_code == 404
    own_program = ProgramFactory(patient__clinic=outsider.memberships.get().clinic)
    response = client.post(
        reverse("prescriptions:item-add", args=[own_program.pk]), {"exercise": exercise.pk, "revision": 1}
    )
    assert response.status_code == 404 and not own_program.items.exists()
    search = client.get(reverse("prescriptions:program-builder", args=[own_program.pk]), {"q": "secret"})
    assert search.context["page_obj"].paginator.count == 0
    assert client.get(reverse("exercises:catalogue"), {"q": "secret"}).context["page_obj"].paginator.count == 0


def test_clinic_exercise_never_appears_in_the_shared_catalogue(clinician_client, clinician, clinic, bridge):
    exercise = make_clinic_exercise(clinic, clinician, name="Bridge on a step (clinic)")
    page = clinician_client.get(reverse("exercises:catalogue"), {"q": "bridge"})
    assert [e.pk for e in page.context["exercises"]] == [bridge.pk]
    assert clinician_client.get(reverse("exercises:exercise-detail", args=[exercise.slug])).status_code == 404
    assert [record["slug"] for record in catalogue_export()["exercises"]] == ["bridge"]


def test_builder_search_finds_the_clinics_exercise_marked_clinic_and_adds_it(
    clinician_client, clinician, clinic, patient, bridge
):
    exercise = make_clinic_exercise(clinic, clinician, name="Bridge on a step (clinic)")
    program = ProgramFactory(patient=patient)
    response = clinician_client.get(
        reverse("prescriptions:program-builder", args=[program.pk]),
        {"q": "bridge step"},
        HTTP_HX_TARGET="builder-results",
        **HTMX,
    )
    assert [e.pk for e in response.context["exercises"]] == [exercise.pk]
    html = response.content.decode()
    assert 'Bridge on a step (clinic)</a> <span class="badge text-bg-info">Clinic</span>' in html
    assert reverse("prescriptions:clinic-exercise-detail", args=[exercise.pk]) in html
    response = clinician_client.post(
        reverse("prescriptions:item-add", args=[program.pk]), {"exercise": exercise.pk, "revision": program.revision}
    )
    assert response.status_code == 302
    assert program.items.get().exercise == exercise


def test_builder_cards_show_a_clinic_photo_through_the_clinic_and_catalogue_drawings_as_public(
    clinician_client, clinician, clinic, patient, bridge
):
    exercise = make_clinic_exercise(clinic, clinician, name="Bridge on a box (clinic)")
    photo = ExercisePictureFactory(exercise=exercise, pose=None, image=SimpleUploadedFile("p.png", png_bytes()))
    program = ProgramFactory(patient=patient)
    html = clinician_client.get(program.get_absolute_url(), {"q": "bridge"}).content.decode()
    assert f'src="{reverse("prescriptions:clinic-exercise-picture", args=[exercise.pk, photo.pk])}"' in html
    assert f'<a href="{reverse("prescriptions:clinic-exercise-detail", args=[exercise.pk])}">Bridge on a box' in html
    assert f'src="{bridge.pictures.get().url}"' in html
    assert f'<a href="{bridge.get_absolute_url()}">Bridge</a></h2>' in html


def test_exercise_in_use_is_retired_not_deleted(clinician_client, clinician, clinic, patient):
    exercise = make_clinic_exercise(clinic, clinician, name="Step bridge")
    item = ProgramItemFactory(program=ProgramFactory(patient=patient), exercise=exercise)

    response = clinician_client.post(reverse("prescriptions:clinic-exercise-delete", args=[exercise.pk]), follow=True)
    assert "cannot be deleted. Retire it instead." in response.content.decode()
    assert Exercise.objects.filter(pk=exercise.pk).exists()
    assert not AuditEntry.objects.filter(action=ProgramAction.CLINIC_EXERCISE_DELETED).exists()

    for _click in range(2):  # a double click retires once
        clinician_client.post(reverse("prescriptions:clinic-exercise-retire", args=[exercise.pk]))
    exercise.refresh_from_db()
    assert exercise.status == Status.RETIRED
    assert AuditEntry.objects.filter(action=ProgramAction.CLINIC_EXERCISE_RETIRED).count() == 1
    assert ProgramItem.objects.get(pk=item.pk).exercise == exercise  # the program keeps it
    builder = clinician_client.get(item.program.get_absolute_url(), {"q": "step bridge"})
    assert builder.context["page_obj"].paginator.count == 0  # no longer found

    clinician_client.post(reverse("prescriptions:clinic-exercise-restore", args=[exercise.pk]))
    exercise.refresh_from_db()
    assert exercise.status == Status.PUBLISHED
    assert AuditEntry.objects.filter(action=ProgramAction.CLINIC_EXERCISE_RESTORED, clinic_id=clinic.pk).count() == 1


def test_unused_exercise_is_deleted(clinician_client, clinician, clinic):
    exercise = make_clinic_exercise(clinic, clinician)
    response = clinician_client.post(reverse("prescriptions:clinic-exercise-delete", args=[exercise.pk]))
    assert response["Location"] == reverse("prescriptions:clinic-exercise-list")
    assert not Exercise.objects.filter(pk=exercise.pk).exists()
    assert AuditEntry.objects.filter(action=ProgramAction.CLINIC_EXERCISE_DELETED, clinic_id=clinic.pk).count() == 1


def test_clinicians_change_their_own_and_clinic_admins_any(client, clinician, colleague, clinic_admin, clinic):
    exercise = make_clinic_exercise(clinic, clinician, name="Alice's bridge")
    edit = reverse("prescriptions:clinic-exercise-update", args=[exercise.pk])
    retire = reverse("prescriptions:clinic-exercise-retire", args=[exercise.pk])
    client.force_login(colleague)
    assert client.get(reverse("prescriptions:clinic-exercise-detail", args=[exercise.pk])).status_code == 200
    assert client.get(edit).status_code == 403
    assert client.post(edit, edit_data(exercise, name="Bob's now")).status_code == 403
    assert client.post(retire).status_code == 403
    exercise.refresh_from_db()
    assert (exercise.name, exercise.status) == ("Alice's bridge", Status.PUBLISHED)

    client.force_login(clinic_admin)
    assert client.post(edit, edit_data(exercise, name="Renamed by the admin")).status_code == 302
    exercise.refresh_from_db()
    assert exercise.name == "Renamed by the admin"
    entry = AuditEntry.objects.get(action=ProgramAction.CLINIC_EXERCISE_CHANGED)
    assert entry.user == clinic_admin and "name" in entry.detail["fields"]


def test_issued_handout_keeps_the_wording_when_the_clinic_exercise_is_edited(
    clinician_client, clinician, clinic, patient
):
    exercise = make_clinic_exercise(
        clinic, clinician, name="Step bridge", steps=["Heels on the clinic's blue step.", "Lift.", "Lower."]
    )
    program = ProgramFactory(patient=patient, created_by=clinician)
    ProgramItemFactory(program=program, exercise=exercise)
    handout = issue(program, clinician)
    frozen = handout.snapshot
    assert frozen["items"][0]["steps"][0] == "Heels on the clinic's blue step."
    assert "Heels on the clinic's blue step." in pdf_text(stored_pdf(handout))

    response = clinician_client.post(
        reverse("prescriptions:clinic-exercise-update", args=[exercise.pk]),
        edit_data(exercise, name="Step bridge", steps="Heels on a stair at home.\nLift.\nLower."),
    )
    assert response.status_code == 302
    handout.refresh_from_db()
    assert handout.snapshot == frozen
    reissued = issue(program, clinician)
    assert reissued.version == 2
    assert reissued.snapshot["items"][0]["steps"][0] == "Heels on a stair at home."


def test_export_and_import_round_trip(clinic_admin_client, clinic_admin, clinic):
    first = make_clinic_exercise(clinic, clinic_admin, name="Step bridge", slug="step-bridge-1a2b")
    ExercisePictureFactory(exercise=first, caption="Start")
    make_clinic_exercise(clinic, clinic_admin, name="Wall squat", slug="wall-squat-3c4d", status=Status.RETIRED)
    response = clinic_admin_client.get(reverse("prescriptions:clinic-exercise-export"))
    assert response["Content-Disposition"].startswith('attachment; filename="homerx-clinic-exercises-')
    document = json.loads(response.content)
    assert [r["slug"] for r in document["exercises"]] == ["step-bridge-1a2b", "wall-squat-3c4d"]
    assert AuditEntry.objects.filter(action=ProgramAction.CLINIC_EXERCISES_EXPORTED, clinic_id=clinic.pk).count() == 1

    # Into a HomeRx that has none of them: the same exercises come back, the clinic's own.
    Exercise.objects.filter(clinic_ownership__clinic=clinic).delete()
    upload = SimpleUploadedFile("export.json", response.content, content_type="application/json")
    result = clinic_admin_client.post(reverse("prescriptions:clinic-exercise-import"), {"file": upload})
    assert result["Location"] == reverse("prescriptions:clinic-exercise-list")
    again = json.loads(clinic_admin_client.get(reverse("prescriptions:clinic-exercise-export")).content)
    assert again == document
    assert set(ClinicExercise.objects.values_list("clinic", flat=True)) == {clinic.pk}
    assert not Exercise.objects.filter(slug="step-bridge-1a2b").get().in_catalogue

    # A second import updates by slug instead of duplicating.
    document["exercises"][0]["summary"] = "Updated by import."
    upload = SimpleUploadedFile("export.json", json.dumps(document).encode())
    clinic_admin_client.post(reverse("prescriptions:clinic-exercise-import"), {"file": upload})
    assert Exercise.objects.get(slug="step-bridge-1a2b").summary == "Updated by import."
    assert ClinicExercise.objects.count() == 2


def test_import_is_all_or_nothing_with_numbered_errors(clinic_admin_client, clinic_admin, clinic, bridge):
    document = {
        "format": "homerx-catalogue",
        "version": 1,
        "exercises": [
            {
                "slug": "fine-one",
                "name": "Fine",
                "summary": "s",
                "kind": "balance",
                "position": "standing",
                "status": "published",
                "steps": ["Stand."],
                "dose": {"sets": 1, "reps": 5},
            },
            {
                "slug": "bridge",
                "name": "Takes the catalogue's slug",
                "summary": "s",
                "kind": "balance",
                "position": "standing",
                "steps": ["Stand."],
                "dose": {"sets": 1, "reps": 5},
            },
            {
                "slug": "no-steps",
                "name": "No steps",
                "summary": "s",
                "kind": "balance",
                "position": "standing",
                "steps": [],
                "dose": {"sets": 1, "reps": 5},
            },
        ],
    }
    upload = SimpleUploadedFile("bad.json", json.dumps(document).encode())
    response = clinic_admin_client.post(reverse("prescriptions:clinic-exercise-import"), {"file": upload})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert any(e.startswith("record 2 (bridge): field 'slug'") for e in errors)
    assert any(e.startswith("record 3 (no-steps): field 'steps'") for e in errors)
    assert not ClinicExercise.objects.exists() and not Exercise.objects.filter(slug="fine-one").exists()
    assert Exercise.objects.get(slug="bridge").name == "Bridge"


def test_only_clinic_admins_export_and_import(clinician_client):
    assert clinician_client.get(reverse("prescriptions:clinic-exercise-export")).status_code == 404
    assert clinician_client.get(reverse("prescriptions:clinic-exercise-import")).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_clinic_exercise_pages_query_counts_do_not_grow(
    clinician_client, clinician, clinic, other_clinic, count, django_assert_num_queries
):
    for n in range(count):
        exercise = make_clinic_exercise(
            clinic, clinician, name=f"Own {n:02d}", status=[Status.PUBLISHED, Status.RETIRED][n % 2]
        )
        ExercisePictureFactory(exercise=exercise)
        make_clinic_exercise(other_clinic, None, name=f"Theirs {n:02d}")
    # 1 session, 2 user, 3 memberships (+clinic): current clinic and menu, 4 the clinic's exercises
    # (+exercise, author), 5-7 session saved (its idle expiry renewed: the first request after signing in).
    with django_assert_num_queries(7):
        response = clinician_client.get(reverse("prescriptions:clinic-exercise-list"))
    names = [o.exercise.name for o in response.context["active"] + response.context["retired"]]
    assert sorted(names) == [f"Own {n:02d}" for n in range(count)]

    # 1 session, 2 user, 3 the ownership (+exercise, clinic, author), 4 the exercise, 5-10 its steps,
    # pictures, regions, equipment, progressions, regressions, 11 memberships (may the user edit
    # it; the menu reuses them), 12 in use?, 13 starred?
    with django_assert_num_queries(13):
        response = clinician_client.get(reverse("prescriptions:clinic-exercise-detail", args=[exercise.pk]))
    assert response.context["exercise"] == exercise and response.context["can_edit"]


def test_catalogue_admin_never_lists_opens_or_edits_a_clinic_exercise(
    client, catalogue_admin, clinician, clinic, bridge
):
    own = make_clinic_exercise(clinic, clinician, name="Bridge on a step (clinic)")
    client.force_login(catalogue_admin)
    changelist = reverse("admin:exercises_exercise_changelist")
    for query in ({"belongs": "own"}, {"belongs": "all"}, {"q": "clinic"}):
        response = client.get(changelist, query)  # an unknown filter is the admin's "?e=1" redirect
        assert "Bridge on a step (clinic)" not in response.content.decode()
    assert [e.pk for e in client.get(changelist).context["cl"].result_list] == [bridge.pk]
    for name in ("change", "delete", "preview"):
        response = client.get(reverse(f"admin:exercises_exercise_{name}", args=[own.pk]))
        assert response.status_code in (302, 404), name  # the admin's "does not exist" redirect
        assert "Bridge on a step (clinic)" not in response.content.decode()
    response = client.post(reverse("admin:exercises_exercise_change", args=[own.pk]), {"name": "Taken over"})
    own.refresh_from_db()
    assert own.name == "Bridge on a step (clinic)"
    assert own.name not in client.get(reverse("admin:exercises_exercise_export")).content.decode()


def test_catalogue_import_never_takes_over_a_clinic_exercise(clinician, clinic):
    own = make_clinic_exercise(clinic, clinician, slug="clinic-bridge", name="Clinic bridge")
    record = {
        "slug": "clinic-bridge",
        "name": "Hijacked",
        "summary": "s",
        "kind": "balance",
        "position": "standing",
        "steps": ["Stand."],
        "dose": {"sets": 1, "reps": 5},
    }
    with pytest.raises(CatalogueImportError) as refused:
        catalogue_import({"format": "homerx-catalogue", "exercises": [record]})
    assert refused.value.errors[0].startswith("record 1 (clinic-bridge): field 'slug'")
    own.refresh_from_db()
    assert (own.name, own.in_catalogue) == ("Clinic bridge", False)


def test_edit_removes_a_picture_and_adds_a_catalogue_drawing(clinician_client, clinician, clinic, bridge):
    own = make_clinic_exercise(clinic, clinician, name="Step bridge")
    old = ExercisePictureFactory(exercise=own, caption="Old")
    drawing = bridge.pictures.get()
    page = clinician_client.get(reverse("prescriptions:clinic-exercise-update", args=[own.pk]))
    assert "Bridge — Start" in page.content.decode()  # the catalogue's drawings are offered by name
    response = clinician_client.post(
        reverse("prescriptions:clinic-exercise-update", args=[own.pk]),
        edit_data(own, name="Step bridge", remove_pictures=[old.pk], drawing=drawing.pk),
    )
    assert response.status_code == 302
    pictures = list(own.pictures.all())
    assert [(p.caption, p.pose) for p in pictures] == [("Start", drawing.pose)]
    assert pictures[0].pk != drawing.pk and bridge.pictures.count() == 1  # a copy; the catalogue's stays


def test_an_edit_from_an_older_form_is_refused_and_the_newer_kept(client, clinician, clinic_admin, clinic):
    exercise = make_clinic_exercise(clinic, clinician, name="Step bridge")
    edit = reverse("prescriptions:clinic-exercise-update", args=[exercise.pk])
    opened = edit_data(exercise, name="The admin's name")  # the admin opens the form...
    client.force_login(clinician)
    assert client.post(edit, edit_data(exercise, name="Alice's name")).status_code == 302  # ...Alice saves first
    client.force_login(clinic_admin)
    response = client.post(edit, opened)
    assert response.status_code == 409
    assert "Someone else saved this exercise" in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.name == "Alice's name"
    assert AuditEntry.objects.filter(action=ProgramAction.CLINIC_EXERCISE_CHANGED).count() == 1
