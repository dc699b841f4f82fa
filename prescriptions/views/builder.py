"""The builder page: the program's items beside the catalogue search, and the item list that
every change on the page answers with (``items_panel``, ``stale``, ``answer_with_items``)."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.htmx_events import announce
from exercises.models import Exercise, ExercisePicture
from exercises.views import catalogue_page
from prescriptions import services
from prescriptions.clinic_exercises.forms import BuilderSearchForm
from prescriptions.forms import ItemDoseForm, TemplateForm
from prescriptions.models import ProgramItem
from prescriptions.safety import restricted_movements
from prescriptions.views.lookups import get_program
from prescriptions.views.revision import with_revision

# Programs longer than this lower adherence: the builder warns.
LONG_PROGRAM_ITEMS = 8
LONG_PROGRAM_MINUTES = 30
BUILDER_RESULTS_PER_PAGE = 10


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


def items_context(request, program, items=None, forms=None, undo=None, notice=None, notes=None, focus_item=None):
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


def items_panel(request, program, *, status=200, **extra):
    context = items_context(request, program, **extra)
    response = render(request, "prescriptions/_program_items.html", context, status=status)
    return with_revision(response, program)


def stale(request, program):
    program.refresh_from_db()
    if request.htmx:
        response = items_panel(request, program, status=409, notice=services.StaleProgramError.message)
        response["HX-Retarget"] = "#program-items-panel"
        response["HX-Reswap"] = "innerHTML"
        return response
    messages.warning(request, services.StaleProgramError.message)
    return redirect(program)


def answer_with_items(request, program, message=None, focus_item=None):
    if request.htmx:
        return announce(items_panel(request, program, focus_item=focus_item), message)
    if message:
        messages.success(request, message)
    return redirect(program)


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


def builder_page(request, program, *, forms=None, status=200):
    notes = list(program.clearance_notes.all())
    context = {
        **items_context(request, program, forms=forms, notes=notes),
        **_search_context(request, program, notes=notes),
        "clearance_notes": notes,
        "template_form": TemplateForm(initial={"title": program.title}),
    }
    return with_revision(render(request, "prescriptions/builder.html", context, status=status), program)


@require_GET
def program_builder(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request, pk)
    if request.htmx and request.htmx.target == "builder-results":
        return render(request, "prescriptions/_builder_results.html", _search_context(request, program))
    if request.htmx and request.htmx.target == "program-items-panel":
        # The list again after a change made elsewhere on the page (decisions recorded at issue).
        return items_panel(request, program)
    return builder_page(request, program)
