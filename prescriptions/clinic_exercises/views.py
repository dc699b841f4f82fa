"""A clinic's own exercises (list, create or copy, edit, retire, restore, delete, photos,
export and import) and each clinician's favourites.

Every lookup goes through ``ClinicExercise.objects.for_user``: another clinic's exercise, its
photos and its edit page are a 404. Within the clinic, admins change any exercise and
clinicians their own (anything else is a 403: the exercise is theirs to see, not to change).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import parse_id
from core.htmx_events import announce
from core.storage import StorageUnavailable
from exercises.forms import CatalogueImportForm
from exercises.models import Exercise, ExercisePicture, Status
from exercises.services import CatalogueImportError
from prescriptions.clinic_exercises import services
from prescriptions.clinic_exercises.forms import ClinicExerciseForm, copy_initial
from prescriptions.models import ClinicExercise, FavouriteExercise

PHOTO_NOT_STORED = gettext_lazy(
    "The photo could not be stored: the file storage is full or unavailable. Nothing was saved; try again in a minute."
)


def _owned(request):
    return ClinicExercise.objects.for_user(request.user).select_related("exercise", "clinic", "created_by")


def _get_owned(request, pk) -> ClinicExercise:
    return get_object_or_404(_owned(request), pk=pk)


def _editable(request, ownership: ClinicExercise) -> ClinicExercise:
    if not ownership.editable_by(request.user, request.memberships):
        raise PermissionDenied(_("Only a clinic admin or the clinician who created this exercise can change it."))
    return ownership


def _current_admin(request):
    membership = request.membership
    if not membership or not membership.is_admin:
        raise Http404
    return membership


def picture_src(ownership: ClinicExercise, picture: ExercisePicture) -> str:
    """A clinic photo is shown through its clinic's view; a drawing by its public URL."""
    if picture.image:
        return reverse("prescriptions:clinic-exercise-picture", args=[ownership.pk, picture.pk])
    return picture.url


@require_GET
def clinic_exercise_list(request: HttpRequest) -> HttpResponse:
    if not request.membership:
        raise Http404
    owned = list(_owned(request).filter(clinic=request.clinic).order_by("exercise__name", "pk"))
    return render(
        request,
        "prescriptions/clinic_exercise_list.html",
        {
            "active": [o for o in owned if o.exercise.status != Status.RETIRED],
            "retired": [o for o in owned if o.exercise.status == Status.RETIRED],
            "is_admin": request.membership.is_admin,
        },
    )


def _copy_source(request) -> Exercise | None:
    """``?from=<id>``: the catalogue exercise (or one of the clinic's own) being copied."""
    value = request.GET.get("from", "")
    if not value:
        return None
    pk = parse_id(value)
    if pk is None:
        raise Http404
    also = ClinicExercise.objects.for_user(request.user).exercise_ids()
    return get_object_or_404(Exercise.objects.usable(also), pk=pk)


@require_http_methods(["GET", "POST"])
def clinic_exercise_create(request: HttpRequest) -> HttpResponse:
    if not request.membership:
        raise Http404
    source = _copy_source(request)
    initial = copy_initial(source) if source else {}
    form = ClinicExerciseForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ownership = services.clinic_exercise_save(
                form=form, clinic=request.clinic, user=request.user, copied_from=source, request=request
            )
        except StorageUnavailable:
            form.add_error("photo", PHOTO_NOT_STORED)
            status = 503
        else:
            messages.success(request, _("“%(name)s” saved for your clinic.") % {"name": ownership.exercise.name})
            return redirect(ownership)
    response = render(
        request,
        "prescriptions/clinic_exercise_form.html",
        {"form": form, "source": source, "ownership": None},
        status=status if status != 200 else (422 if form.errors else 200),
    )
    if status == 503:
        response["Retry-After"] = "60"
    return response


@require_GET
def clinic_exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ownership = _get_owned(request, pk)
    exercise = (
        Exercise.objects.filter(pk=ownership.pk)
        .prefetch_related(
            "steps",
            Prefetch("pictures", queryset=ExercisePicture.objects.for_listing()),
            "body_regions",
            "equipment",
            "progressions",
            "regressions",
        )
        .get()
    )
    for picture in exercise.pictures.all():
        picture.src = picture_src(ownership, picture)
    return render(
        request,
        "prescriptions/clinic_exercise_detail.html",
        {
            "ownership": ownership,
            "exercise": exercise,
            "can_edit": ownership.editable_by(request.user, request.memberships),
            "in_use": exercise.program_items.exists(),
            "starred": FavouriteExercise.objects.filter(user=request.user, exercise=exercise).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def clinic_exercise_update(request: HttpRequest, pk: int) -> HttpResponse:
    ownership = _editable(request, _get_owned(request, pk))
    form = ClinicExerciseForm(request.POST or None, request.FILES or None, instance=ownership.exercise)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.clinic_exercise_save(form=form, clinic=ownership.clinic, user=request.user, request=request)
        except services.StaleExerciseError as exc:
            form.add_error(None, exc.message)
            status = 409
        except StorageUnavailable:
            form.add_error("photo", PHOTO_NOT_STORED)
            status = 503
        else:
            messages.success(request, _("Changes to “%(name)s” saved.") % {"name": ownership.exercise.name})
            return redirect(ownership)
    for picture in form.fields["remove_pictures"].queryset:
        picture.src = picture_src(ownership, picture)
    return render(
        request,
        "prescriptions/clinic_exercise_form.html",
        {"form": form, "source": None, "ownership": ownership},
        status=status if status != 200 else (422 if form.errors else 200),
    )


@require_POST
def clinic_exercise_retire(request: HttpRequest, pk: int) -> HttpResponse:
    ownership = _editable(request, _get_owned(request, pk))
    services.clinic_exercise_retire(ownership=ownership, user=request.user, request=request)
    messages.success(
        request,
        _("“%(name)s” is retired: it is no longer found in the search; programs that use it keep it.")
        % {"name": ownership.exercise.name},
    )
    return redirect(ownership)


@require_POST
def clinic_exercise_restore(request: HttpRequest, pk: int) -> HttpResponse:
    ownership = _editable(request, _get_owned(request, pk))
    services.clinic_exercise_restore(ownership=ownership, user=request.user, request=request)
    messages.success(request, _("“%(name)s” is back in the search.") % {"name": ownership.exercise.name})
    return redirect(ownership)


@require_POST
def clinic_exercise_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ownership = _editable(request, _get_owned(request, pk))
    name = ownership.exercise.name
    try:
        services.clinic_exercise_delete(ownership=ownership, user=request.user, request=request)
    except services.ExerciseInUse as exc:
        messages.error(request, exc.message)
        return redirect(ownership)
    messages.success(request, _("“%(name)s” deleted.") % {"name": name})
    return redirect("prescriptions:clinic-exercise-list")


@require_GET
def clinic_exercise_picture(request: HttpRequest, pk: int, picture_pk: int) -> HttpResponse:
    """An uploaded photo of a clinic exercise, for its clinic's members only."""
    ownership = _get_owned(request, pk)
    picture = get_object_or_404(ExercisePicture.objects.exclude(image=""), exercise_id=ownership.pk, pk=picture_pk)
    response = FileResponse(picture.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def favourite_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Star (``starred=1``) or unstar (``starred=0``) an exercise the clinician may prescribe."""
    mine = ClinicExercise.objects.for_user(request.user).exercise_ids()
    exercise = get_object_or_404(
        Exercise.objects.filter(Q(in_catalogue=True) | Q(pk__in=mine)).exclude(status=Status.DRAFT), pk=pk
    )
    starred = request.POST.get("starred") == "1"
    services.favourite_set(user=request.user, exercise=exercise, starred=starred)
    if request.htmx:
        response = render(request, "prescriptions/_favourite_button.html", {"exercise": exercise, "starred": starred})
        message = _("%(name)s starred.") if starred else _("%(name)s no longer starred.")
        return announce(response, message % {"name": exercise.name})
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()})
    if not safe:
        target = reverse("prescriptions:clinic-exercise-list")
    return redirect(target)


@require_GET
def clinic_exercise_export(request: HttpRequest) -> HttpResponse:
    _current_admin(request)
    text = services.clinic_exercises_export_json(clinic=request.clinic, user=request.user, request=request)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="homerx-clinic-exercises-{timezone.localdate():%Y-%m-%d}.json"'
    )
    return response


@require_http_methods(["GET", "POST"])
def clinic_exercise_import(request: HttpRequest) -> HttpResponse:
    _current_admin(request)
    errors: list[str] = []
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.clinic_exercises_import(
                document=form.cleaned_data["file"], clinic=request.clinic, user=request.user, request=request
            )
        except CatalogueImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Imported: %(created)d created, %(updated)d updated.") % result)
            return redirect("prescriptions:clinic-exercise-list")
    return render(
        request,
        "prescriptions/clinic_exercise_import.html",
        {"form": form, "errors": errors},
        status=400 if errors or form.errors else 200,
    )
