"""The patient's private link: the newest issued handout as a phone page and as its PDF.

Every view passes the gate (``prescriptions.public.gate``) first; ``patient_page`` renders the
page, with the sections apps above register (``prescriptions.extensions.register_link_section``)
above "Today".

No account: the token is the key. It opens this page and the PDF, nothing else. Nothing here
writes the token or patient data to the logs.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.audit import audit_record_unattended
from core.cache_keys import content_key, template_version
from prescriptions.audit_actions import ProgramAction
from prescriptions.extensions import link_sections, start_section, today_section
from prescriptions.handout.context import handout_context
from prescriptions.models import Handout
from prescriptions.public.gate import handout_language_of, link_of, open_handout, private

PAGE_CACHE_SECONDS = 24 * 60 * 60
PAGE_TEMPLATE = "prescriptions/handout_public.html"
MAIN_TEMPLATE = "prescriptions/_handout_main.html"
# The PDF's URL relative to the patient page (see urls.py).
PDF_NAME = "handout.pdf"
# Relative, like the download link: the page holds nothing of the token (it is cached for every link).
PICTURES_URL = "pictures/"


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
    handout, refusal = open_handout(request, token)
    if refusal:
        return refusal
    _audit(ProgramAction.HANDOUT_VIEWED, handout)
    return private(HttpResponse(patient_page(request, handout, load_link=lambda: link_of(handout))))


def patient_page(
    request, handout, *, section: str | None = None, load_link=None, section_context: dict | None = None
) -> str:
    """The patient page of an issued handout: the registered sections, then "Today", above the
    handout's main part.

    ``section`` when the caller rendered it (a refused save), else the cached data's
    (``load_link()`` gives the link on a miss, read once whoever asks). ``section_context`` is
    added to the registered sections' context (a refused form to show again).
    """
    # The page is in the handout's language, not the visitor's browser's: the patient reads the
    # language the clinician issued, whatever phone they open it on.
    with translation.override(handout_language_of(handout)):
        return _patient_page(request, handout, section=section, load_link=load_link, section_context=section_context)


def _patient_page(request, handout, *, section, load_link, section_context) -> str:
    load_link = functools.cache(load_link or (lambda: link_of(handout)))
    if section is None:
        section = today_section(request, handout, load_link)
    start = start_section(request, handout, load_link)
    context = {
        "program": SimpleLazyObject(lambda: load_link().program),
        "handout": handout,
        "token": request.resolver_match.kwargs["token"],
        **(section_context or {}),
    }
    sections = [render_to_string(name, context, request=request) for name in link_sections()]
    return render_to_string(
        PAGE_TEMPLATE,
        {**_handout_main(handout), "start_section": start, "link_sections": sections, "today_section": section},
    )


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
    handout, refusal = open_handout(request, token)
    if refusal:
        return refusal
    _audit(ProgramAction.HANDOUT_DOWNLOADED, handout)
    response = FileResponse(
        handout.pdf.open("rb"), as_attachment=True, filename=handout.filename, content_type="application/pdf"
    )
    return private(response)


@login_not_required
@require_GET
def handout_picture(request, token, name):
    """An uploaded picture of the patient's issued handout (a clinic's photo is private to it)."""
    handout, refusal = open_handout(request, token)
    if refusal:
        return refusal
    snapshot = Handout.objects.values_list("snapshot", flat=True).get(pk=handout.pk)
    names = {p["path"] for item in snapshot["items"] for p in item["pictures"] if p["kind"] == "image"}
    if name not in names or not default_storage.exists(name):
        raise Http404
    return private(FileResponse(default_storage.open(name, "rb")))


SERVICE_WORKER = "prescriptions/link_sw.js"


@login_not_required
@require_GET
def service_worker(request, token):
    """The link's service worker: served under the link so that its scope is the link alone.

    It holds nothing of the token or the patient (the version comes in its query string); the
    gate refuses it for a link that is gone, so a revoked link gets no new worker.
    """
    _handout, refusal = open_handout(request, token)
    if refusal:
        return refusal
    return private(HttpResponse(render_to_string(SERVICE_WORKER), content_type="text/javascript; charset=utf-8"))
