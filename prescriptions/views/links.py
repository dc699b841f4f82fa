"""The patient's private links to a program: create (the token shown once), extend, revoke, replace."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.formats import day_text
from prescriptions.handout import links as handout_links
from prescriptions.views.lookups import get_link, get_program
from prescriptions.views.panel import NEW_LINK_SESSION_KEY, LinkExtendForm, answer_with_panel, error_text


def _link_created(request, program, link, token, text):
    new_link = {"program": program.pk, "id": link.pk, "url": handout_links.public_link_url(token)}
    if request.htmx:
        return answer_with_panel(request, program, text=text, new_link=new_link)
    # Shown once on the next page, then gone: only its hash is kept.
    request.session[NEW_LINK_SESSION_KEY] = new_link
    return answer_with_panel(request, program, text=text)


@require_POST
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request, pk)
    try:
        link, token = handout_links.share_link_create(program=program, user=request.user, request=request)
    except ValidationError as exc:
        return answer_with_panel(request, program, level=messages.ERROR, text=error_text(exc), status=400)
    return _link_created(request, program, link, token, _("New patient link created. Copy it now: it is shown once."))


@require_POST
def link_extend(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    link = get_link(request, pk, link_pk)
    program = get_program(request, pk)
    form = LinkExtendForm(request.POST)
    if not form.is_valid():
        return answer_with_panel(
            request,
            program,
            level=messages.ERROR,
            text=error_text(ValidationError(form.errors["expires_on"])),
            status=400,
        )
    try:
        handout_links.share_link_extend(link=link, user=request.user, expires_at=form.expires_at(), request=request)
    except ValidationError as exc:
        return answer_with_panel(request, program, level=messages.ERROR, text=error_text(exc), status=400)
    day = form.cleaned_data["expires_on"]
    return answer_with_panel(request, program, text=_("The link now works until %(date)s.") % {"date": day_text(day)})


@require_POST
def link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    link = get_link(request, pk, link_pk)
    handout_links.share_link_revoke(link=link, user=request.user, request=request)
    return answer_with_panel(
        request, link.program, text=_("The link was revoked. Whoever opens it now is told to contact the clinic.")
    )


@require_POST
def link_replace(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    link = get_link(request, pk, link_pk)
    new, token = handout_links.share_link_replace(link=link, user=request.user, request=request)
    return _link_created(
        request,
        link.program,
        new,
        token,
        _("The old link was revoked and a new one created. Copy it now: it is shown once."),
    )
