"""The program builder: programs, their items and doses, clearance notes, templates.

Every view answers a plain form POST with a redirect (works without JavaScript)
and an HTMX request with the partial template it re-renders. Every lookup goes
through ``Program.objects.for_user`` so another clinic's program is a 404.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.forms import parse_id
from core.htmx_events import announce
from core.storage import StorageUnavailable
from exercises.models import Exercise, ExercisePicture
from exercises.views import catalogue_page
from patients.models import Patient
from prescriptions import services
from prescriptions.audit_actions import ProgramAction
from prescriptions.clinic_exercises.forms import BuilderSearchForm
from prescriptions.forms import ClearanceNoteForm, ItemDoseForm, ProgramCreateForm, ProgramForm, TemplateForm
from prescriptions.models import ClearanceNote, ClinicExercise, Program, ProgramItem
from prescriptions.safety import restricted_movements

LETTER_NOT_STORED = gettext_lazy(
    "The letter could not be stored: the file storage is full or unavailable. Nothing was saved; try again in a minute."
)
# Programs longer than this lower adherence: the builder warns.
LONG_PROGRAM_ITEMS = 8
LONG_PROGRAM_MINUTES = 30
BUILDER_RESULTS_PER_PAGE = 10


def _programs(request):
    return Program.objects.for_user(request.user).select_related("clinic", "patient")


def _get_program(request, pk) -> Program:
    return get_object_or_404(_programs(request), pk=pk)


def _get_item(request, pk, item_pk) -> ProgramItem:
    return get_object_or_404(
        ProgramItem.objects.select_related("program__clinic", "program__patient", "exercise"),
        pk=item_pk,
        program__in=Program.objects.for_user(request.user).filter(pk=pk),
    )


def _items(program):
    return program.items.select_related("exercise").order_by("order", "pk")


def _first_pictures(items) -> dict[int, ExercisePicture]:
    """Each item's exercise's first picture, by exercise id, for the rows' thumbnails.

    One query, like ``prefetch_related``, without the queryset it builds for every exercise.
    """
    pictures = ExercisePicture.objects.for_listing().filter(exercise__in={item.exercise_id for item in items})
    first = {}
    for picture in pictures:
        first.setdefault(picture.exercise_id, picture)
    return first


def _posted_id(request, name) -> int:
    value = parse_id(request.POST.get(name))
    if value is None:
        raise SuspiciousOperation(f"{name} must be an id")  # answered with 400 Bad Request
    return value


class RevisionMissing(Exception):
    """A POST that changes the program without naming the revision its page was built from."""


def _revision(request) -> str:
    revision = request.POST.get("revision", "").strip()
    if not revision:
        raise RevisionMissing
    return revision


def _revision_required(view):
    """Answer a change without its revision with 400 and a message saying what to do."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RevisionMissing:
            return missing_revision(request)

    return wrapper


@dataclass(frozen=True)
class ItemRow:
    """One program item as its row in the builder shows it.

    The row's links, labels and dose line are made here, once per item: as template tags
    (``{% url %}``, ``{% blocktranslate %}``) they cost most of a long program's page.
    """

    item: ProgramItem
    form: ItemDoseForm | None
    dose_text: str
    picture: ExercisePicture | None
    picture_url: str
    move_url: str
    remove_url: str
    dose_url: str
    move_label: str
    move_up_label: str
    move_down_label: str
    remove_label: str
    dose_label: str


def _item_rows(program, items, forms, pictures) -> list[ItemRow]:
    # The same words as the template's {% blocktranslate %} would look up, translated once a page.
    move, move_up, move_down = _("Move %(name)s"), _("Move %(name)s up"), _("Move %(name)s down")
    remove, dose = _("Remove %(name)s"), _("Dose for %(name)s")
    rows = []
    for item in items:
        name = {"name": item.exercise.name}
        picture = pictures.get(item.exercise_id)
        rows.append(
            ItemRow(
                item=item,
                # Dose forms are rendered only where given (a refused dose); the others load when opened.
                form=forms.get(item.pk),
                dose_text=item.dose_text,
                picture=picture,
                picture_url=picture.url if picture else "",
                move_url=reverse("prescriptions:item-move", args=[program.pk, item.pk]),
                remove_url=reverse("prescriptions:item-remove", args=[program.pk, item.pk]),
                dose_url=reverse("prescriptions:item-update", args=[program.pk, item.pk]),
                move_label=move % name,
                move_up_label=move_up % name,
                move_down_label=move_down % name,
                remove_label=remove % name,
                dose_label=dose % name,
            )
        )
    return rows


@dataclass(frozen=True)
class Card:
    """One search result as its card in the builder shows it: its picture and links made here, once."""

    exercise: Exercise
    picture: ExercisePicture | None
    picture_url: str
    detail_url: str


def _cards(exercises) -> list[Card]:
    cards = []
    for exercise in exercises:
        pictures = exercise.pictures.all()  # prefetched with the page
        picture = pictures[0] if pictures else None
        if picture is None:
            picture_url = ""
        elif picture.image and not exercise.in_catalogue:  # a clinic's photo: served to its clinicians only
            picture_url = reverse("prescriptions:clinic-exercise-picture", args=[exercise.pk, picture.pk])
        else:
            picture_url = picture.url
        if exercise.in_catalogue:
            detail_url = exercise.get_absolute_url()
        else:
            detail_url = reverse("prescriptions:clinic-exercise-detail", args=[exercise.pk])
        cards.append(Card(exercise=exercise, picture=picture, picture_url=picture_url, detail_url=detail_url))
    return cards


def _items_context(request, program, items=None, forms=None, undo=None, notice=None, notes=None, focus_item=None):
    items = list(_items(program)) if items is None else items
    pictures = _first_pictures(items)
    services.attach_conflicts(items, services.program_conflicts(program, items=items, notes=notes))
    rows = _item_rows(program, items, forms or {}, pictures)
    minutes = program.estimated_minutes(items)
    return {
        "program": program,
        "rows": rows,
        "item_count": len(items),
        "minutes": minutes,
        "is_long": len(items) > LONG_PROGRAM_ITEMS or minutes > LONG_PROGRAM_MINUTES,
        "long_items": LONG_PROGRAM_ITEMS,
        "long_minutes": LONG_PROGRAM_MINUTES,
        "undo": undo,
        "notice": notice,
        # The row whose heading takes the focus (an exercise put back by Undo).
        "focus_item": focus_item,
    }


def _with_revision(response, program):
    # builder.js copies this into every form's hidden revision field after each HTMX swap.
    response["X-Program-Revision"] = str(program.revision)
    return response


def _items_panel(request, program, *, status=200, **extra):
    context = _items_context(request, program, **extra)
    response = render(request, "prescriptions/_program_items.html", context, status=status)
    return _with_revision(response, program)


def _stale(request, program):
    program.refresh_from_db()
    if request.htmx:
        response = _items_panel(request, program, status=409, notice=services.StaleProgramError.message)
        response["HX-Retarget"] = "#program-items-panel"
        response["HX-Reswap"] = "innerHTML"
        return response
    messages.warning(request, services.StaleProgramError.message)
    return redirect(program)


def _answer_with_items(request, program, message=None, focus_item=None):
    if request.htmx:
        return announce(_items_panel(request, program, focus_item=focus_item), message)
    if message:
        messages.success(request, message)
    return redirect(program)


def _template_initial(request, templates) -> dict:
    """``?template=<id>`` opens the form with that template chosen and its values filled in.

    The dropdown asks for this as soon as a template is chosen, sending what is already typed:
    a title, weeks or instructions the clinician typed are kept, the empty (or default) ones
    take the template's. Every value is read by the form's own field.
    """
    pk = parse_id(request.GET.get("template"))
    template = templates.filter(pk=pk).first() if pk is not None else None
    if template is None:
        return {}
    fields = ProgramCreateForm.base_fields

    def typed(name):
        try:
            return fields[name].clean(request.GET.get(name, ""))
        except ValidationError:
            return None

    title = (typed("title") or "").strip()
    return {
        "start": ProgramCreateForm.TEMPLATE,
        "template": template,
        "start_date": typed("start_date"),
        "title": title if title and title != str(ProgramCreateForm.DEFAULT_TITLE) else template.title,
        "duration_weeks": typed("duration_weeks") or template.duration_weeks,
        "general_instructions": (typed("general_instructions") or "").strip() or template.general_instructions,
    }


@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.for_user(request.user).active(), pk=patient_pk)
    templates = Program.objects.for_user(request.user).filter(clinic=patient.clinic).templates().active()
    programs = Program.objects.for_user(request.user).filter(patient=patient)
    form = ProgramCreateForm(
        request.POST or None,
        templates=templates,
        programs=programs,
        initial=_template_initial(request, templates),
        fill_url=reverse("prescriptions:program-create", args=[patient.pk]),
    )
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"]
        program = services.program_create(
            clinic=patient.clinic,
            patient=patient,
            user=request.user,
            title=form.cleaned_data["title"],
            start_date=form.cleaned_data["start_date"],
            duration_weeks=form.cleaned_data["duration_weeks"],
            general_instructions=form.cleaned_data["general_instructions"],
            template=form.cleaned_data["template"] if start == form.TEMPLATE else None,
            copy_of=form.cleaned_data["copy_of"] if start == form.COPY else None,
            request=request,
        )
        return redirect(program)
    return render(
        request,
        "prescriptions/program_create.html",
        {"form": form, "patient": patient},
        status=422 if form.errors else 200,
    )


def _usable_exercises(program):
    """What the program may use: the catalogue's published exercises and its clinic's own."""
    return Exercise.objects.usable(ClinicExercise.objects.filter(clinic=program.clinic_id).exercise_ids())


def _search_context(request, program, notes=None) -> dict:
    """The catalogue and the clinic's own exercises beside the program, with "Add to program" on each.

    Starred exercises come first when nothing is typed; "My favourites" shows only them.
    Exercises involving a movement the clearance restricts are hidden unless the clinician asks
    to see them (``show_conflicting``); the page says how many are hidden.
    """
    notes = list(program.clearance_notes.all()) if notes is None else notes
    restricted = restricted_movements(notes, today=timezone.localdate())
    form = BuilderSearchForm(request.GET or None, clinic=program.clinic, user=request.user)
    page = catalogue_page(request, per_page=BUILDER_RESULTS_PER_PAGE, hide_movements=restricted, form=form)
    return {
        **page,
        "cards": _cards(page["exercises"]),
        "program": program,
        "add_url": reverse("prescriptions:item-add", args=[program.pk]),
        "search_url": reverse("prescriptions:program-builder", args=[program.pk]),
    }


def _builder_page(request, program, *, forms=None, status=200):
    notes = list(program.clearance_notes.all())
    context = {
        **_items_context(request, program, forms=forms, notes=notes),
        **_search_context(request, program, notes=notes),
        "clearance_notes": notes,
        "template_form": TemplateForm(initial={"title": program.title}),
    }
    return _with_revision(render(request, "prescriptions/builder.html", context, status=status), program)


@require_GET
def program_builder(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    if request.htmx and request.htmx.target == "builder-results":
        return render(request, "prescriptions/_builder_results.html", _search_context(request, program))
    if request.htmx and request.htmx.target == "program-items-panel":
        # The list again after a change made elsewhere on the page (decisions recorded at issue).
        return _items_panel(request, program)
    return _builder_page(request, program)


@require_http_methods(["GET", "POST"])
@_revision_required
def program_update(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    if request.method == "GET":
        form = ProgramForm(instance=program, initial={"revision": program.revision})
        return render(request, "prescriptions/program_form.html", {"program": program, "form": form})
    form = ProgramForm(request.POST, instance=Program.objects.get(pk=program.pk))
    if form.is_valid():
        try:
            data = {field: form.cleaned_data[field] for field in ProgramForm.Meta.fields}
            services.program_update(
                program=program, user=request.user, revision=_revision(request), data=data, request=request
            )
        except services.StaleProgramError:
            return _stale(request, program)
        messages.success(request, _("Program details saved."))
        return redirect(program)
    program.refresh_from_db()
    return render(request, "prescriptions/program_form.html", {"program": program, "form": form}, status=422)


@require_POST
def program_archive(request: HttpRequest, pk: int) -> HttpResponse:
    program = services.program_archive(program=_get_program(request, pk), user=request.user, request=request)
    messages.success(request, _("Program archived."))
    return redirect(program.patient or reverse("prescriptions:template-list"))


@require_POST
@_revision_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    exercise = get_object_or_404(_usable_exercises(program), pk=_posted_id(request, "exercise"))
    try:
        services.item_add(
            program=program, exercise=exercise, user=request.user, revision=_revision(request), request=request
        )
    except services.StaleProgramError:
        return _stale(request, program)
    return _answer_with_items(request, program, _("%(name)s added.") % {"name": exercise.name})


def _dose_form(item, data=None) -> ItemDoseForm:
    form = ItemDoseForm(data, instance=item, prefix=f"item-{item.pk}", initial={"revision": item.revision})
    form.conflict = None  # the stored item, when a save was refused as stale
    return form


def _stored_values(item) -> dict:
    """The item's stored dose as the dose form's field values, for builder.js to show after a save."""
    form = _dose_form(item)
    values = {field.html_name: field.value() for field in form if field.name != "revision"}
    return {name: ("" if value is None else value) for name, value in values.items()}


def _conflict_rows(form, current) -> list[tuple[str, str]]:
    """The colleague's stored values, labelled as in the form, shown beside the typed ones."""
    stored = _dose_form(current)
    rows = []
    for field in stored:
        if field.name == "revision":
            continue
        value = field.value()
        if field.name == "side":
            value = current.get_side_display()
        elif field.name == "weekdays":
            labels = dict(field.field.choices)
            value = ", ".join(str(labels[code]) for code in value or [])
        rows.append((str(field.label), "—" if value in (None, "", []) else str(value)))
    return rows


def _item_headers(response, item):
    # builder.js keeps each item's revision from this header: the next save of the item names it.
    response["X-Item-Revision"] = str(item.revision)
    return response


def missing_revision(request: HttpRequest) -> HttpResponse:
    """A change that does not say which version it was made from cannot be checked: refuse it."""
    message = _(
        "This change was not saved: it did not say which version of the program or exercise it was "
        "made from. Reload the page and make the change again."
    )
    return HttpResponseBadRequest(
        format_html('<div class="alert alert-danger" role="alert">{}</div>', message), content_type="text/html"
    )


@require_http_methods(["GET", "POST"])
def item_update(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """GET: the dose form (a partial for HTMX, a page without JavaScript). POST: save the dose.

    A POST must name the item revision its form was built from (``item-<pk>-revision``, or
    ``item-<pk>-keep_mine`` when the clinician chose their values over a colleague's).
    """
    item = _get_item(request, pk, item_pk)
    program = item.program
    if request.method == "GET":
        form = _dose_form(item)
        template = "prescriptions/_dose_form.html" if request.htmx else "prescriptions/item_form.html"
        response = render(request, template, {"program": program, "item": item, "form": form})
        return _item_headers(_with_revision(response, program), item)
    prefix = f"item-{item.pk}-"
    revision = (request.POST.get(prefix + "keep_mine") or request.POST.get(prefix + "revision") or "").strip()
    if not revision:
        return missing_revision(request)
    form = _dose_form(item, request.POST)
    if form.is_valid():
        try:
            item = services.item_update(
                item=item, user=request.user, revision=revision, data=form.dose_changes(), request=request
            )
        except services.StaleItemError as exc:
            return _item_conflict(request, program, form, exc.current)
        except ProgramItem.DoesNotExist:  # removed meanwhile: the program's list is what changed
            return _stale(request, program)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                context = _items_context(request, program)
                # The saved item as the list shows it: with its conflicts (a heavier load may add one).
                item = next((row.item for row in context["rows"] if row.item.pk == item.pk), item)
                context["item"] = item
                context["values"] = _stored_values(item)
                response = render(request, "prescriptions/_item_saved.html", context)
                response["HX-Reswap"] = "none"  # keep the form as the clinician is typing in it
                return _item_headers(_with_revision(response, program), item)
            messages.success(request, _("Dose saved."))
            return redirect(program)
    # Refused: show the errors at the fields; the saved dose (and its plain-language line) is unchanged.
    item.refresh_from_db()
    if request.htmx:
        context = {"program": program, "item": item, "form": form}
        response = render(request, "prescriptions/_dose_form.html", context, status=422)
        return _item_headers(_with_revision(response, program), item)
    return _builder_page(request, program, forms={item.pk: form}, status=422)


def _item_conflict(request, program, form, current):
    """409: the typed values stay in the form, the stored ones are shown beside them."""
    form.conflict = current
    form.conflict_rows = _conflict_rows(form, current)
    if request.htmx:
        context = {"program": program, "item": current, "form": form}
        response = render(request, "prescriptions/_dose_form.html", context, status=409)
        return _item_headers(_with_revision(response, program), current)
    return _item_headers(_builder_page(request, program, forms={current.pk: form}, status=409), current)


@require_POST
@_revision_required
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _get_item(request, pk, item_pk)
    program = item.program
    name = item.exercise.name
    try:
        undo = services.item_remove(item=item, user=request.user, revision=_revision(request), request=request)
    except services.StaleProgramError:
        return _stale(request, program)
    if request.htmx:
        # Everything needed to put the item back, as form fields of the Undo button.
        fields = [(key, value) for key, value in undo.items() if key != "weekdays" and value is not None]
        fields += [("weekdays", code) for code in filter(None, (undo["weekdays"] or "").split(","))]
        response = _items_panel(request, program, undo={"name": name, "fields": fields})
        return announce(response, _("%(name)s removed.") % {"name": name})
    messages.success(request, _("%(name)s removed.") % {"name": name})
    return redirect(program)


@require_POST
@_revision_required
def item_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a removal: put the exercise back with the dose and place it had."""
    program = _get_program(request, pk)
    # A retired exercise may be put back where it was; another clinic's never.
    mine = ClinicExercise.objects.filter(clinic=program.clinic_id).exercise_ids()
    exercise = get_object_or_404(
        Exercise.objects.filter(Q(in_catalogue=True) | Q(pk__in=mine)).exclude(status="draft"),
        pk=_posted_id(request, "exercise"),
    )
    form = ItemDoseForm(request.POST, instance=ProgramItem(program=program, exercise=exercise))
    if not form.is_valid():
        return _answer_with_items(request, program)
    try:
        restored = services.item_add(
            program=program,
            exercise=exercise,
            user=request.user,
            revision=_revision(request),
            dose={k: v for k, v in form.dose_changes().items() if k != "patient_note"},
            patient_note=form.cleaned_data["patient_note"],
            order=request.POST.get("order") or None,
            request=request,
        )
    except services.StaleProgramError:
        return _stale(request, program)
    return _answer_with_items(
        request, program, _("%(name)s put back.") % {"name": exercise.name}, focus_item=restored.pk
    )


@require_POST
@_revision_required
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _get_item(request, pk, item_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.item_move(item=item, user=request.user, revision=_revision(request), offset=offset, request=request)
    except services.StaleProgramError:
        return _stale(request, item.program)
    position = list(item.program.items.order_by("order", "pk").values_list("pk", flat=True))
    message = _("%(name)s moved to %(n)d of %(total)d.") % {
        "name": item.exercise.name,
        "n": position.index(item.pk) + 1,
        "total": len(position),
    }
    return _answer_with_items(request, item.program, message)


@require_POST
@_revision_required
def items_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    ordered = [parse_id(value) for value in request.POST.getlist("item")]
    if None in ordered:
        return _stale(request, program)  # not the page's ids: show the program as it is
    try:
        services.items_reorder(
            program=program, user=request.user, revision=_revision(request), ordered_ids=ordered, request=request
        )
    except services.StaleProgramError:
        return _stale(request, program)
    except (ValueError, ValidationError):
        return _stale(request, program)
    return _answer_with_items(request, program)


@require_http_methods(["GET", "POST"])
@_revision_required
def clearance_edit(request: HttpRequest, pk: int, note_pk: int | None = None) -> HttpResponse:
    program = _get_program(request, pk)
    note = get_object_or_404(program.clearance_notes, pk=note_pk) if note_pk else ClearanceNote(program=program)
    form = ClearanceNoteForm(
        request.POST or None, request.FILES or None, instance=note, initial={"revision": program.revision}
    )
    if request.method == "POST":
        _revision(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.clearance_save(
                note=form.save(commit=False),
                user=request.user,
                revision=form.cleaned_data["revision"],
                new_letter=request.FILES.get("letter"),
                request=request,
            )
        except services.StaleProgramError:
            return _stale(request, program)
        except StorageUnavailable:
            form.add_error("letter", LETTER_NOT_STORED)
            context = {"program": program, "form": form, "note": note}
            response = render(request, "prescriptions/clearance_form.html", context, status=503)
            response["Retry-After"] = "60"
            return response
        messages.success(request, _("Clearance note saved."))
        return redirect(program)
    return render(
        request,
        "prescriptions/clearance_form.html",
        {"program": program, "form": form, "note": note},
        status=422 if form.errors else 200,
    )


@require_POST
@_revision_required
def clearance_delete(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    note = get_object_or_404(program.clearance_notes, pk=note_pk)
    try:
        services.clearance_remove(note=note, user=request.user, revision=_revision(request), request=request)
    except services.StaleProgramError:
        return _stale(request, program)
    messages.success(request, _("Clearance note removed."))
    return redirect(program)


@require_GET
def clearance_letter(request: HttpRequest, pk: int, note_pk: int) -> FileResponse:
    """The scanned letter, for the clinic's own clinicians only (never a public URL)."""
    program = _get_program(request, pk)
    note = get_object_or_404(program.clearance_notes.exclude(letter=""), pk=note_pk)
    audit_record(
        request=request,
        action=ProgramAction.CLEARANCE_LETTER_VIEWED,
        clinic=program.clinic,
        patient=program.patient,
        target=note,
    )
    response = FileResponse(
        note.letter.open("rb"), as_attachment=True, filename=f"clearance-letter-{note.pk}{note.letter.name[-4:]}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def program_save_template(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the template a name of at most 120 characters."))
        return redirect(program)
    template = services.program_save_as_template(
        program=program, user=request.user, title=form.cleaned_data["title"], request=request
    )
    messages.success(request, _("Saved as the clinic template “%(title)s”.") % {"title": template.title})
    return redirect(program)


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    if not request.membership:
        raise Http404
    templates = (
        Program.objects.for_user(request.user)
        .filter(clinic=request.clinic)
        .templates()
        .active()
        .select_related("created_by")
        .order_by("title", "pk")
    )
    return render(request, "prescriptions/template_list.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
def template_rename(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(_programs(request).templates(), pk=pk)
    form = TemplateForm(request.POST or None, initial={"title": template.title})
    if request.method == "POST" and form.is_valid():
        services.template_rename(
            template=template, user=request.user, title=form.cleaned_data["title"], request=request
        )
        messages.success(request, _("Template renamed."))
        return redirect("prescriptions:template-list")
    return render(
        request,
        "prescriptions/template_rename.html",
        {"template": template, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(_programs(request).templates(), pk=pk)
    services.template_delete(template=template, user=request.user, request=request)
    messages.success(request, _("Template “%(title)s” deleted.") % {"title": template.title})
    return redirect("prescriptions:template-list")
