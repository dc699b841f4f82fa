"""The patient's private link: the newest issued handout as a phone page and as its PDF.

No account: the token is the key. It opens this page and the PDF, nothing else. An unknown,
expired or revoked token gets one friendly page (404), whichever it is; an address that keeps
trying bad tokens is throttled (429) through the shared cache. Nothing here writes the token
or patient data to the logs.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.audit import audit_record
from core.client import client_ip
from core.models import AuditAction
from prescriptions.handout.context import TEMPLATE, handout_context
from prescriptions.models import Handout, ShareLink
from prescriptions.today import page_with_today

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# Bad tokens allowed per address and window before the address is throttled.
BAD_TOKEN_LIMIT = 20
BAD_TOKEN_WINDOW = 15 * 60
PAGE_CACHE_SECONDS = 24 * 60 * 60
# The PDF's URL relative to the patient page (see public_urls.py).
PDF_NAME = "handout.pdf"


def _private(response):
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _throttle_key(request) -> str:
    ip = client_ip(request) or "unknown"
    return "public-link-bad:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def _is_throttled(request) -> bool:
    return cache.get(_throttle_key(request), 0) >= BAD_TOKEN_LIMIT


def _count_bad_token(request) -> None:
    key = _throttle_key(request)
    cache.add(key, 0, BAD_TOKEN_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # Expired between add and incr.
        cache.set(key, 1, BAD_TOKEN_WINDOW)


def _inactive(request, *, status=404):
    response = render(request, "prescriptions/public_inactive.html", {"throttled": status == 429}, status=status)
    if status == 429:
        response["Retry-After"] = str(BAD_TOKEN_WINDOW)
    # Django logs the 4xx with its path; core.logging.RedactTokens takes the token out.
    logger.info("Patient link refused (%s)", status)
    return _private(response)


def _resolve(request, token):
    """The usable link and the newest issued handout it opens, or None (and count a bad try)."""
    link = None
    if TOKEN_RE.match(token):
        link = (
            ShareLink.objects.usable()
            .by_token(token)
            .filter(program__archived_at__isnull=True, program__patient__archived_at__isnull=True)
            .select_related("program__patient", "program__clinic")
            .first()
        )
    handout = None
    if link is not None:
        # The snapshot (every word of the handout) is only needed to render the page the first time.
        handout = Handout.objects.filter(program_id=link.program_id).defer("snapshot").newest()
    if handout is None:
        _count_bad_token(request)
        return None, None
    return link, handout


def _open(request, token):
    """The gate of every patient-link view: (link, handout, None), or a refusal response."""
    if _is_throttled(request):
        return None, None, _inactive(request, status=429)
    link, handout = _resolve(request, token)
    if link is None:
        return None, None, _inactive(request)
    return link, handout, None


def _audit(action, link, handout):
    # The patient has no account, and views are counted "when, not who": no user, no address.
    audit_record(
        action=action,
        clinic=link.program.clinic,
        patient=link.program.patient,
        target=handout,
        detail={"link": link.pk},
    )


@login_not_required
@require_GET
def handout_page(request, token):
    link, handout, refusal = _open(request, token)
    if refusal:
        return refusal
    with transaction.atomic():  # one commit for the count and the audit entry
        link.record_view()
        _audit(AuditAction.HANDOUT_VIEWED, link, handout)
    return _private(HttpResponse(page_with_today(request, link, handout, _handout_page_html(handout))))


@functools.cache
def _template_version() -> str:
    """Changes when the page's template does, so a deploy never serves a page cached from the old one."""
    source = get_template(TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def _handout_page_html(handout) -> str:
    """The patient page of an issued handout, rendered once and cached.

    An issued handout never changes and the page holds nothing of the request or the token
    (the download link is relative), so every link and view of that version shares it.
    """
    key = f"handout-page:{handout.pk}:{get_language()}:{_template_version()}"
    html = cache.get(key)
    if html is None:
        context, _resources = handout_context(
            Handout.objects.values_list("snapshot", flat=True).get(pk=handout.pk),
            pdf=False,
            download_url=PDF_NAME,
        )
        html = render_to_string(TEMPLATE, context)
        cache.set(key, html, PAGE_CACHE_SECONDS)
    return html


@login_not_required
@require_GET
def handout_pdf(request, token):
    link, handout, refusal = _open(request, token)
    if refusal:
        return refusal
    _audit(AuditAction.HANDOUT_DOWNLOADED, link, handout)
    response = FileResponse(
        handout.pdf.open("rb"), as_attachment=True, filename=handout.filename, content_type="application/pdf"
    )
    return _private(response)
