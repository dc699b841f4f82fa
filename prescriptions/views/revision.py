"""The revision every change names: a POST that changes a program says which version of it (or of
the item) its page was built from, and each answer says the version it leaves."""

from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _


class RevisionMissing(Exception):
    """A POST that changes the program without naming the revision its page was built from."""


def posted_revision(request) -> str:
    revision = request.POST.get("revision", "").strip()
    if not revision:
        raise RevisionMissing
    return revision


def revision_required(view):
    """Answer a change without its revision with 400 and a message saying what to do."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RevisionMissing:
            return missing_revision(request)

    return wrapper


def missing_revision(request: HttpRequest) -> HttpResponse:
    """A change that does not say which version it was made from cannot be checked: refuse it."""
    message = _(
        "This change was not saved: it did not say which version of the program or exercise it was "
        "made from. Reload the page and make the change again."
    )
    return HttpResponseBadRequest(
        format_html('<div class="alert alert-danger" role="alert">{}</div>', message), content_type="text/html"
    )


def with_revision(response, program):
    # builder.js copies this into every form's hidden revision field after each HTMX swap.
    response["X-Program-Revision"] = str(program.revision)
    return response
