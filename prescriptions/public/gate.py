"""The patient-link gate: every view that answers through a patient link passes it first.

What the gate guarantees to its callers:

- an unknown, expired or revoked token, or one whose program or patient is archived, gets one
  friendly page (404), whichever it is, and counts as a bad try for the address;
- an address that keeps trying bad tokens is throttled (429, ``Retry-After``) through the
  shared cache;
- a handout it hands out is the newest issued one the live link opens (``open_handout``), and
  ``open_with_link`` adds the link with its program, clinic and patient;
- nothing of the token is logged (``core.logging.RedactTokens``) or stored;
- ``private`` gives every patient-link response its headers (not stored by shared caches, no
  referrer, not indexed); refusals already carry them.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.shortcuts import render

from core.throttle import AddressThrottle
from prescriptions.models import Handout, ShareLink

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# Bad tokens allowed per address and window before the address is throttled.
BAD_TOKEN_LIMIT = 20
BAD_TOKEN_WINDOW = 15 * 60


def private(response):
    """The headers of every patient-link response: not stored by shared caches, no referrer, not indexed."""
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
    return private(response)


def _resolve(request, token):
    """The newest issued handout a usable link opens, or None (and count a bad try)."""
    handout = Handout.objects.newest_for_token(token) if TOKEN_RE.match(token) else None
    if handout is None:
        _count_bad_token(request)
    return handout


def open_handout(request, token):
    """The gate of every view that only reads through a patient link: (handout, None), or
    (None, a refusal response)."""
    if _is_throttled(request):
        return None, _inactive(request, status=429)
    handout = _resolve(request, token)
    if handout is None:
        return None, _inactive(request)
    return handout, None


def link_of(handout: Handout) -> ShareLink:
    """The link the handout was opened through, with its program: "Today" and the logs need them."""
    return ShareLink.objects.select_related("program__clinic", "program__patient").get(pk=handout.link_pk)


def open_with_link(request, token):
    """The gate of every view that writes through a patient link: (link, handout, None), or
    (None, None, a refusal response).

    The link is live (known, not expired or revoked, its program and patient not archived) and
    the address not throttled for bad tokens; the link comes with its program, clinic and
    patient. Nothing of the token is logged (``core.logging.RedactTokens``) or stored.
    """
    handout, refusal = open_handout(request, token)
    if refusal:
        return None, None, refusal
    return link_of(handout), handout, None


def handout_language_of(handout: Handout) -> str:
    """The issued version's language (its snapshot's), read without loading the rest of it."""
    if hasattr(handout, "snapshot_language"):  # annotated by newest_for_token
        return handout.snapshot_language or settings.LANGUAGE_CODE
    language = Handout.objects.filter(pk=handout.pk).values_list("snapshot__language", flat=True).first()
    return language or settings.LANGUAGE_CODE
