"""A clinic's own exercises and each clinician's favourites: the workflows that change them.

Every function is atomic and leaves one audit entry in the clinic's log (favourites are a
clinician's own preference and are not audited). An exercise a program uses is retired,
never deleted: issued handouts froze its words, and drafts still show it.
"""

import secrets

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.storage import discard, store_upload
from exercises.models import Exercise, ExercisePicture, ExerciseStep, Status
from exercises.services import catalogue_export_json, catalogue_import
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import ClinicExercise, FavouriteExercise


class StaleExerciseError(Exception):
    message = _(
        "Someone else saved this exercise (or you did in another tab) since you opened this form. "
        "Nothing was saved: reload the page to see the current version, then make your change again."
    )


class ExerciseInUse(Exception):
    message = _("This exercise is used by a program, so it cannot be deleted. Retire it instead.")


def new_slug(name: str) -> str:
    """Unique without a lookup: clinic exercises never compete for the catalogue's readable slugs."""
    return f"{slugify(name)[:100] or 'exercise'}-{secrets.token_hex(4)}"


def _copy_picture(picture: ExercisePicture, exercise: Exercise, order: int) -> ExercisePicture:
    copy = ExercisePicture(
        exercise=exercise,
        order=order,
        caption=picture.caption,
        alt_text=picture.alt_text,
        pose=picture.pose,
        mirror=picture.mirror,
        image=picture.image.name,
    )
    copy.save()
    return copy


def clinic_exercise_save(*, form, clinic, user, copied_from: Exercise | None = None, request=None) -> ClinicExercise:
    """Create the clinic's exercise from a valid ``ClinicExerciseForm``, or save the one it edits.

    A new copy takes the pictures of the exercise it copies; then the pictures ticked for
    removal go, and the chosen drawing and the uploaded photo are added at the end.

    The photo is written first (a full disk leaves no file and raises ``StorageUnavailable``),
    then the rows in one transaction; if that fails, the photo goes too.
    """
    photo = ExercisePicture(alt_text=form.cleaned_data.get("photo_alt", "").strip())
    if form.cleaned_data.get("photo"):
        store_upload(photo, "image", form.cleaned_data["photo"])
    try:
        return _clinic_exercise_save(
            form=form, clinic=clinic, user=user, copied_from=copied_from, photo=photo, request=request
        )
    except BaseException:
        discard(photo.image.storage, photo.image.name)
        raise


@transaction.atomic
def _clinic_exercise_save(*, form, clinic, user, copied_from, photo: ExercisePicture, request) -> ClinicExercise:
    exercise = form.save(commit=False)
    created = exercise.pk is None
    if not created:
        stored = Exercise.objects.select_for_update().only("updated_at").get(pk=exercise.pk)
        if form.cleaned_data.get("edited_from") != stored.updated_at.isoformat():
            raise StaleExerciseError
    if created:
        exercise.slug = new_slug(exercise.name)
        exercise.in_catalogue = False
        exercise.status = Status.PUBLISHED
    exercise.save()
    form.save_m2m()
    if created:
        ownership = ClinicExercise.objects.create(
            exercise=exercise, clinic=clinic, created_by=user, copied_from=copied_from
        )
    else:
        ownership = ClinicExercise.objects.get(exercise=exercise)
    if created or "steps" in form.changed_data:
        exercise.steps.all().delete()
        ExerciseStep.objects.bulk_create(
            [ExerciseStep(exercise=exercise, order=n, text=t) for n, t in enumerate(form.cleaned_data["steps"], 1)]
        )
    order = 0
    if created and copied_from is not None:
        for order, picture in enumerate(copied_from.pictures.order_by("order", "pk"), start=1):
            _copy_picture(picture, exercise, order)
    removed = form.cleaned_data.get("remove_pictures")
    if removed:
        # The files stay: issued handouts and patient pages still show them.
        ExercisePicture.objects.filter(exercise=exercise, pk__in=[p.pk for p in removed]).delete()
    order = max(order, *exercise.pictures.values_list("order", flat=True), 0)
    drawing = form.cleaned_data.get("drawing")
    if drawing is not None:
        order += 1
        _copy_picture(drawing, exercise, order)
    if photo.image:
        order += 1
        photo.exercise, photo.order = exercise, order
        photo.full_clean(exclude=["image"])  # the upload was checked by the form
        photo.save()
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.CLINIC_EXERCISE_CREATED if created else ProgramAction.CLINIC_EXERCISE_CHANGED,
        clinic=clinic,
        target=exercise,
        # Field names only: the log holds no clinical text.
        detail={"fields": sorted(form.changed_data), **({"copied_from": copied_from.pk} if copied_from else {})},
    )
    return ownership


def _set_status(ownership: ClinicExercise, *, user, status, action, request=None) -> bool:
    exercise = Exercise.objects.select_for_update().get(pk=ownership.exercise_id)
    if exercise.status == status:
        return False  # a repeated click changes nothing and logs nothing
    exercise.status = status
    exercise.save(update_fields=["status", "updated_at"])
    ownership.exercise.status = status
    audit_record(request=request, user=user, action=action, clinic=ownership.clinic, target=exercise)
    return True


@transaction.atomic
def clinic_exercise_retire(*, ownership: ClinicExercise, user, request=None) -> bool:
    """Out of the builder's search; programs and handouts that use it keep it."""
    return _set_status(
        ownership, user=user, status=Status.RETIRED, action=ProgramAction.CLINIC_EXERCISE_RETIRED, request=request
    )


@transaction.atomic
def clinic_exercise_restore(*, ownership: ClinicExercise, user, request=None) -> bool:
    return _set_status(
        ownership, user=user, status=Status.PUBLISHED, action=ProgramAction.CLINIC_EXERCISE_RESTORED, request=request
    )


@transaction.atomic
def clinic_exercise_delete(*, ownership: ClinicExercise, user, request=None) -> None:
    """Delete an exercise no program uses; raise ``ExerciseInUse`` for one that a program uses."""
    exercise = Exercise.objects.select_for_update().get(pk=ownership.exercise_id)
    if exercise.program_items.exists():
        raise ExerciseInUse
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.CLINIC_EXERCISE_DELETED,
        clinic=ownership.clinic,
        target=exercise,
    )
    try:
        with transaction.atomic():
            exercise.delete()
    except ProtectedError:  # added to a program since the check
        raise ExerciseInUse from None


def favourite_set(*, user, exercise: Exercise, starred: bool) -> None:
    """Star or unstar: the wanted state is sent, so a double click or a retry has one effect."""
    if starred:
        FavouriteExercise.objects.get_or_create(user=user, exercise=exercise)
    else:
        FavouriteExercise.objects.filter(user=user, exercise=exercise).delete()


def _clinic_exercises(clinic):
    return Exercise.objects.filter(clinic_ownership__clinic=clinic)


def clinic_exercises_export_json(*, clinic, user, request=None) -> str:
    """The clinic's exercises (retired ones too) in the catalogue's JSON format."""
    text = catalogue_export_json(_clinic_exercises(clinic))
    audit_record(request=request, user=user, action=ProgramAction.CLINIC_EXERCISES_EXPORTED, clinic=clinic)
    return text


@transaction.atomic
def clinic_exercises_import(*, document: dict, clinic, user, request=None) -> dict:
    """Create or update the clinic's exercises from an export; all or nothing (``CatalogueImportError``).

    Records update the clinic's exercises of the same slug and create the others; a slug
    another clinic or the catalogue uses is refused. A record may name only photos already
    stored for this clinic's exercises (a file from another HomeRx carries no photos).
    """
    scope = _clinic_exercises(clinic)
    images = set(ExercisePicture.objects.filter(exercise__in=scope).exclude(image="").values_list("image", flat=True))
    result = catalogue_import(document, scope=scope, images=images)
    ClinicExercise.objects.bulk_create(
        [ClinicExercise(exercise=exercise, clinic=clinic, created_by=user) for exercise in result["new"]]
    )
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.CLINIC_EXERCISES_IMPORTED,
        clinic=clinic,
        detail={"created": result["created"], "updated": result["updated"]},
    )
    return result
