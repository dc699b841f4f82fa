from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, OuterRef, Value, Window, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.cache_keys import template_version
from exercises.animations import animation_frames, animation_version, movement_of
from exercises.forms import CatalogueSearchForm
from exercises.models import Exercise, ExercisePicture, Status, card_pictures

RESULTS_PER_PAGE = 24
CARD_TEMPLATE = "exercises/_catalogue_card.html"
# A card's key names what it shows (templates/exercises/_catalogue_results.html): any lifetime is
# safe; this one bounds the cache's size.
CARD_CACHE_SECONDS = 24 * 60 * 60


def catalogue_page(request, per_page=RESULTS_PER_PAGE, hide_movements=frozenset(), form=None):
    """The search form and one page of result cards, for the catalogue and the builder.

    ``form``: a ``CatalogueSearchForm`` (sub)class bound to the request, when the caller widens
    the search. ``hide_movements`` (the builder's restricted movements) leaves out the exercises
    involving any of them, unless the request asks for them (``show_conflicting``); one more
    count query says how many were left out.
    """
    form = form or CatalogueSearchForm(request.GET or None)
    results = form.results()
    hiding = bool(hide_movements) and not request.GET.get("show_conflicting")
    shown = results.without_movements(hide_movements) if hiding else results
    searched = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if form.is_ranked():
        page = _ranked_page(shown, request.GET.get("page"), per_page, starred=form.starred_ids() is not None)
    elif form.starred_ids() is not None:
        page = _starred_first_page(shown, form, request.GET.get("page"), per_page)
    else:
        page = Paginator(shown.for_cards(), per_page).get_page(request.GET.get("page"))
    exercises = list(page.object_list)
    for exercise in exercises:
        # "Also called: Plank" on Forearm plank's card shows why it was found.
        exercise.also_called = exercise.other_names_matching(searched)
    query = request.GET.copy()
    query.pop("page", None)
    conflict_filter = {
        "available": bool(hide_movements),
        "hiding": hiding,
        "hidden": results.count() - page.paginator.count if hiding else 0,
    }
    return {
        "form": form,
        "page_obj": page,
        "exercises": exercises,
        "query_string": query.urlencode(),
        "conflict_filter": conflict_filter,
    }


class _CountedPaginator(Paginator):
    """A paginator told the number of items, so it never counts them itself."""

    def __init__(self, count: int, per_page: int):
        super().__init__((), per_page)
        self.count = count  # shadows the cached property


def _ranked_page(results, number, per_page, *, starred: bool) -> Page:
    """One page of a ranked search, in two queries whatever the number of matches.

    Ranking needs every match read and sorted: the first query does it on the narrow columns
    the ranking reads (an index covers them on SQLite), and returns the page's ids with the
    number of matches beside them, instead of a count and a ranked select scanning twice. The
    second fetches the page's rows by id, for the cards.
    """
    try:
        number = max(int(number or 1), 1)
    except ValueError:
        number = 1
    extra = ["starred"] if starred else []
    matches = results.annotate(matches=Window(Count("*"))).values_list("pk", "matches", *extra)
    rows = list(matches[(number - 1) * per_page : number * per_page])
    if rows or number == 1:
        count = rows[0][1] if rows else 0
    else:
        # Past the last page: the last page instead, as Paginator.get_page does.
        count = results.count()
        last = max((count + per_page - 1) // per_page, 1)
        if last < number:
            number = last
            rows = list(matches[(number - 1) * per_page : number * per_page])
    exercises = Exercise.objects.filter(pk__in=[row[0] for row in rows]).for_cards().in_bulk()
    page = []
    for pk, _matches, *starred in rows:
        exercise = exercises[pk]
        if starred:
            exercise.starred = starred[0]
        page.append(exercise)
    return Page(page, number, _CountedPaginator(count, per_page))


def _starred_first_page(results, form, number, per_page) -> Page:
    """One page of a browse listing the starred exercises first, then the others, each by name.

    Ordering every match by "starred, then name" reads and sorts them all. Favourites are few,
    and an index lists the others by name up to the page: the page is taken from the first rows
    of each list and fetched for the cards in one query, so a page costs a count and one
    select (and its pictures) however many exercises match.
    """
    paginator = _CountedPaginator(results.count(), per_page)
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    stop = number * per_page
    starred = form.starred_ids()
    # The starred matches, found from the favourites and each checked by its id: read by the
    # name index instead, they would be looked for through the whole catalogue.
    starred_matches = Exercise.objects.filter(Exists(results.filter(pk=OuterRef("pk"))), pk__in=starred)
    lists = [(starred_matches, True)]
    if not form.only_starred():
        # The others as the index lists them, up to the page's last row.
        lists.append((results.exclude(pk__in=starred), False))
    # One select per list joined by UNION ALL: an OR of the two would have PostgreSQL scan the table.
    first, *others = (
        Exercise.objects.filter(pk__in=rows.order_by("name", "pk").values("pk")[:stop])
        .annotate(starred=Value(is_starred))
        .order_by()
        for rows, is_starred in lists
    )
    page = first.union(*others, all=True).order_by("-starred", "name", "id")
    exercises = list(page[(number - 1) * per_page : stop])
    prefetch_related_objects(exercises, card_pictures())
    return Page(exercises, number, paginator)


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue: search and filter; HTMX swaps only the results."""
    partial = request.htmx and request.htmx.target == "catalogue-results"
    template = "exercises/_catalogue_results.html" if partial else "exercises/catalogue.html"
    context = catalogue_page(request)
    # The cards' cache keys name the card template's version: a deploy that changes it shows the new cards.
    context["card_version"] = template_version(CARD_TEMPLATE)
    context["card_seconds"] = CARD_CACHE_SECONDS
    return render(request, template, context)


@require_GET
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercises = Exercise.objects.published().prefetch_related(
        "steps", "pictures", "body_regions", "equipment", "progressions", "regressions"
    )
    exercise = get_object_or_404(exercises, slug=slug)
    return render(request, "exercises/exercise_detail.html", {"exercise": exercise, "object": exercise})


@login_not_required
@cache_control(public=True, max_age=31536000, immutable=True)
def picture_svg(request: HttpRequest, pk: int, version: str) -> HttpResponse:
    """A pose drawing. Public: patient pages show it, and it holds no patient data.

    The version in the URL is a hash of the drawing, so it can be cached forever.
    """
    picture = get_object_or_404(ExercisePicture.objects.select_related("exercise"), pk=pk)
    if picture.exercise.status == Status.DRAFT and not request.user.is_staff:
        raise Http404
    if not picture.svg:
        raise Http404
    response = HttpResponse(picture.svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_not_required
@require_GET
@cache_control(public=True, max_age=31536000, immutable=True)
def picture_frame(request: HttpRequest, pk: int, version: str, n: int) -> HttpResponse:
    """Frame ``n`` of the movement ending in picture ``pk`` (``exercises.animations``). Public, as
    the pictures are; the version names both drawings, so a frame is cached forever."""
    end = get_object_or_404(ExercisePicture.objects.select_related("exercise"), pk=pk)
    if end.exercise.status == Status.DRAFT and not request.user.is_staff:
        raise Http404
    movement = movement_of(list(end.exercise.pictures.order_by("order", "pk")))
    if movement is None or movement[1].pk != end.pk or animation_version(*movement) != version:
        raise Http404
    drawn = animation_frames(*movement)
    if n >= len(drawn):
        raise Http404
    response = HttpResponse(drawn[n], content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
