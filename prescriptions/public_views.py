"""The patient's private link: the newest issued handout as a phone page and as its PDF.

No account: the token is the key. It opens this page and the PDF, nothing else. An unknown,
expired or revoked token gets one friendly page (404), whichever it is; an address that keeps
trying bad tokens is throttled (429) through the shared cache. Nothing here writes the token
or patient data to the logs.
"""

from __future__ import annotations

import logging
import re

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.audit import audit_record_unattended
from core.cache_keys import content_key, template_version
from core.throttle import AddressThrottle
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout.context import handout_context
from prescriptions.models import Handout, ShareLink
from prescriptions.today import cached_today_section

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# Bad tokens allowed per address and window before the address is throttled.
BAD_TOKEN_LIMIT = 20
BAD_TOKEN_WINDOW = 15 * 60
PAGE_CACHE_SECONDS = 24 * 60 * 60
PAGE_TEMPLATE = "prescriptions/handout_public.html"
MAIN_TEMPLATE = "prescriptions/_handout_main.html"
# The PDF's URL relative to the patient page (see public_urls.py).
PDF_NAME = "handout.pdf"
# Relative, like the download link: the page holds nothing of the token (it is cached for every link).
PICTURES_URL = "pictures/"


def _private(response):
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


BAD_TOKENS = AddressThrottle("patient-link-bad-token", limit=BAD_TOKEN_LIMIT, window=BAD_TOKEN_WINDOW)


def _is_throttled(request) -> bool:
    return BAD_TOKENS.is_exceeded(request)


def _count_bad_token(request) -> None:
    BAD_TOKENS.count_failure(request)


def _inactive(request, *, status=404):
    response = render(request, "prescriptions/public_inactive.html", {"throttled": status == 429}, status=status)
    if status == 429:
        response["Retry-After"] = str(BAD_TOKEN_WINDOW)
    # Django logs the 4xx with its path; core.logging.RedactTokens takes the token out.
    logger.info("Patient link refused (%s)", status)
    return _private(response)


def _resolve(request, token):
    """The newest issued handout a usable link opens, or None (and count a bad try)."""
    handout = Handout.objects.newest_for_token(token) if TOKEN_RE.match(token) else None
    if handout is None:
        _count_bad_token(request)
    return handout


def _open(request, token):
    """The gate of every patient-link view: (handout, None), or (None, a refusal response)."""
    if _is_throttled(request):
        return None, _inactive(request, status=429)
    handout = _resolve(request, token)
    if handout is None:
        return None, _inactive(request)
    return handout, None


def _link_of(handout: Handout) -> ShareLink:
    """The link the handout was opened through, with its program: "Today" and the logs need them."""
    return ShareLink.objects.select_related("program__clinic", "program__patient").get(pk=handout.link_pk)


def _open_with_link(request, token):
    """``_open`` for the views that log: (link, handout, None), or (None, None, a refusal)."""
    handout, refusal = _open(request, token)
    if refusal:
        return None, None, refusal
    return _link_of(handout), handout, None


def _audit(action, handout):
    """Record one view or download: its audit entry is its only record (one INSERT, no UPDATE).

    Views are counted "when, not who": the patient has no account, and no address is kept.
    """
    audit_record_unattended(
        action=action,
        clinic_id=handout.clinic_pk,
        patient_id=handout.patient_pk,
        target=handout,
        detail={"link": handout.link_pk},
    )


@login_not_required
@require_GET
def handout_page(request, token):
    handout, refusal = _open(request, token)
    if refusal:
        return refusal
    _audit(ProgramAction.HANDOUT_VIEWED, handout)
    return _private(HttpResponse(patient_page(request, handout, load_link=lambda: _link_of(handout))))


def patient_page(request, handout, *, section: str | None = None, load_link=None) -> str:
    """The patient page of an issued handout: its "Today" section above the handout's main part.

    ``section`` when the caller rendered it (a refused save), else the cached data's
    (``load_link()`` gives the link on a miss).
    """
    if section is None:
        section = cached_today_section(request, handout, load_link)
    return render_to_string(PAGE_TEMPLATE, {**_handout_main(handout), "today_section": section})


def _handout_main(handout) -> dict:
    """The handout's main part as HTML, and whether it is in large print: rendered once per version.

    An issued handout never changes and its main part holds nothing of the request or the
    token (the download link is relative), so every link and view of that version shares it.
    """
    key = content_key("handout-main", handout.pk, get_language(), template_version(MAIN_TEMPLATE))
    main = cache.get(key)
    if main is None:
        context, _resources = handout_context(
            Handout.objects.values_list("snapshot", flat=True).get(pk=handout.pk),
            pdf=False,
            download_url=PDF_NAME,
            pictures_url=PICTURES_URL,
        )
        main = {
            "main": render_to_string(MAIN_TEMPLATE, context),
            "large_print": bool(context["s"]["patient"].get("large_print")),
        }
        cache.set(key, main, PAGE_CACHE_SECONDS)
    return main


@login_not_required
@require_GET
def handout_pdf(request, token):
    handout, refusal = _open(request, token)
    if refusal:
        return refusal
    _audit(ProgramAction.HANDOUT_DOWNLOADED, handout)
    response = FileResponse(
        handout.pdf.open("rb"), as_attachment=True, filename=handout.filename, content_type="application/pdf"
    )
    return _private(response)


@login_not_required
@require_GET
def handout_picture(request, token, name):
    """An uploaded picture of the patient's issued handout (a clinic's photo is private to it)."""
    handout, refusal = _open(request, token)
    if refusal:
        return refusal
    snapshot = Handout.objects.values_list("snapshot", flat=True).get(pk=handout.pk)
    names = {p["path"] for item in snapshot["items"] for p in item["pictures"] if p["kind"] == "image"}
    if name not in names or not default_storage.exists(name):
        raise Http404
    return _private(FileResponse(default_storage.open(name, "rb")))
