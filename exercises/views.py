from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, TemplateView

from exercises.forms import CatalogueSearchForm
from exercises.models import Exercise, ExercisePicture, Status

RESULTS_PER_PAGE = 24


def catalogue_page(request, per_page=RESULTS_PER_PAGE, form=None):
    """The search form and one page of result cards, for the catalogue and the builder.

    ``form``: a ``CatalogueSearchForm`` (sub)class bound to the request, when the caller widens the search.
    """
    form = form or CatalogueSearchForm(request.GET or None)
    paginator = Paginator(form.results().for_cards(), per_page)
    page = paginator.get_page(request.GET.get("page"))
    exercises = list(page.object_list)
    searched = form.cleaned_data.get("q", "") if form.is_valid() else ""
    for exercise in exercises:
        # "Also called: Plank" on Forearm plank's card shows why it was found.
        exercise.also_called = exercise.other_names_matching(searched)
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": form, "page_obj": page, "exercises": exercises, "query_string": query.urlencode()}


class CatalogueView(TemplateView):
    template_name = "exercises/catalogue.html"

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "catalogue-results":
            return ["exercises/_catalogue_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **catalogue_page(self.request)}


class ExerciseDetailView(DetailView):
    template_name = "exercises/exercise_detail.html"
    context_object_name = "exercise"

    def get_queryset(self):
        return Exercise.objects.published().prefetch_related(
            "steps", "pictures", "body_regions", "equipment", "progressions", "regressions"
        )


@login_not_required
@cache_control(public=True, max_age=31536000, immutable=True)
def picture_svg(request, pk, version):
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
