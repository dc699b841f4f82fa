"""A program's items: add, dose, remove and put back, move and reorder."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import parse_id
from core.htmx_events import announce
from exercises.models import Exercise
from prescriptions import services
from prescriptions.forms import ItemDoseForm
from prescriptions.models import ClinicExercise, ProgramItem
from prescriptions.views.builder import answer_with_items, builder_page, items_context, items_panel, stale
from prescriptions.views.lookups import get_item, get_program, posted_id
from prescriptions.views.revision import missing_revision, posted_revision, revision_required, with_revision


@require_POST
@revision_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request, pk)
    exercise = get_object_or_404(_usable_exercises(program), pk=posted_id(request, "exercise"))
    try:
        services.item_add(
            program=program, exercise=exercise, user=request.user, revision=posted_revision(request), request=request
        )
    except services.StaleProgramError:
        return stale(request, program)
    return answer_with_items(request, program, _("%(name)s added.") % {"name": exercise.name})


def _usable_exercises(program):
    """What the program may use: the catalogue's published exercises and its clinic's own."""
    return Exercise.objects.usable(ClinicExercise.objects.filter(clinic=program.clinic_id).exercise_ids())


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


@require_http_methods(["GET", "POST"])
def item_update(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """GET: the dose form (a partial for HTMX, a page without JavaScript). POST: save the dose.

    A POST must name the item revision its form was built from (``item-<pk>-revision``, or
    ``item-<pk>-keep_mine`` when the clinician chose their values over a colleague's).
    """
    item = get_item(request, pk, item_pk)
    program = item.program
    if request.method == "GET":
        form = _dose_form(item)
        template = "prescriptions/_dose_form.html" if request.htmx else "prescriptions/item_form.html"
        response = render(request, template, {"program": program, "item": item, "form": form})
        return _item_headers(with_revision(response, program), item)
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
            return stale(request, program)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                context = items_context(request, program)
                # The saved item as the list shows it: with its conflicts (a heavier load may add one).
                item = next((row.item for row in context["rows"] if row.item.pk == item.pk), item)
                context["item"] = item
                context["values"] = _stored_values(item)
                response = render(request, "prescriptions/_item_saved.html", context)
                response["HX-Reswap"] = "none"  # keep the form as the clinician is typing in it
                return _item_headers(with_revision(response, program), item)
            messages.success(request, _("Dose saved."))
            return redirect(program)
    # Refused: show the errors at the fields; the saved dose (and its plain-language line) is unchanged.
    item.refresh_from_db()
    if request.htmx:
        context = {"program": program, "item": item, "form": form}
        response = render(request, "prescriptions/_dose_form.html", context, status=422)
        return _item_headers(with_revision(response, program), item)
    return builder_page(request, program, forms={item.pk: form}, status=422)


def _item_conflict(request, program, form, current):
    """409: the typed values stay in the form, the stored ones are shown beside them."""
    form.conflict = current
    form.conflict_rows = _conflict_rows(form, current)
    if request.htmx:
        context = {"program": program, "item": current, "form": form}
        response = render(request, "prescriptions/_dose_form.html", context, status=409)
        return _item_headers(with_revision(response, program), current)
    return _item_headers(builder_page(request, program, forms={current.pk: form}, status=409), current)


@require_POST
@revision_required
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_item(request, pk, item_pk)
    program = item.program
    name = item.exercise.name
    try:
        undo = services.item_remove(item=item, user=request.user, revision=posted_revision(request), request=request)
    except services.StaleProgramError:
        return stale(request, program)
    if request.htmx:
        # Everything needed to put the item back, as form fields of the Undo button.
        fields = [(key, value) for key, value in undo.items() if key != "weekdays" and value is not None]
        fields += [("weekdays", code) for code in filter(None, (undo["weekdays"] or "").split(","))]
        response = items_panel(request, program, undo={"name": name, "fields": fields})
        return announce(response, _("%(name)s removed.") % {"name": name})
    messages.success(request, _("%(name)s removed.") % {"name": name})
    return redirect(program)


@require_POST
@revision_required
def item_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a removal: put the exercise back with the dose and place it had."""
    program = get_program(request, pk)
    # A retired exercise may be put back where it was; another clinic's never.
    mine = ClinicExercise.objects.filter(clinic=program.clinic_id).exercise_ids()
    exercise = get_object_or_404(
        Exercise.objects.filter(Q(in_catalogue=True) | Q(pk__in=mine)).exclude(status="draft"),
        pk=posted_id(request, "exercise"),
    )
    form = ItemDoseForm(request.POST, instance=ProgramItem(program=program, exercise=exercise))
    if not form.is_valid():
        return answer_with_items(request, program)
    try:
        restored = services.item_add(
            program=program,
            exercise=exercise,
            user=request.user,
            revision=posted_revision(request),
            dose={k: v for k, v in form.dose_changes().items() if k != "patient_note"},
            patient_note=form.cleaned_data["patient_note"],
            order=request.POST.get("order") or None,
            request=request,
        )
    except services.StaleProgramError:
        return stale(request, program)
    return answer_with_items(
        request, program, _("%(name)s put back.") % {"name": exercise.name}, focus_item=restored.pk
    )


@require_POST
@revision_required
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_item(request, pk, item_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.item_move(
            item=item, user=request.user, revision=posted_revision(request), offset=offset, request=request
        )
    except services.StaleProgramError:
        return stale(request, item.program)
    position = list(item.program.items.order_by("order", "pk").values_list("pk", flat=True))
    message = _("%(name)s moved to %(n)d of %(total)d.") % {
        "name": item.exercise.name,
        "n": position.index(item.pk) + 1,
        "total": len(position),
    }
    return answer_with_items(request, item.program, message)


@require_POST
@revision_required
def items_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request, pk)
    ordered = [parse_id(value) for value in request.POST.getlist("item")]
    if None in ordered:
        return stale(request, program)  # not the page's ids: show the program as it is
    try:
        services.items_reorder(
            program=program, user=request.user, revision=posted_revision(request), ordered_ids=ordered, request=request
        )
    except services.StaleProgramError:
        return stale(request, program)
    except (ValueError, ValidationError):
        return stale(request, program)
    return answer_with_items(request, program)
