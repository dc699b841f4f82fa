"""One way to cut a list into pages, as Django's ListView does (an invalid page is a 404)."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest


def page_of(request: HttpRequest, object_list, per_page: int) -> Page:
    try:
        return Paginator(object_list, per_page).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None
