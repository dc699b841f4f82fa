"""The handout panel: versions, patient links and emails of a program, and what every handout
action answers with (``answer_with_panel``).

POST actions answer HTMX with the re-rendered panel and a plain form post with a redirect to
the handout page, so nothing depends on JavaScript. The panel's content comes from
``handout_panel_context`` in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.db.models.fields.json import KeyTextTransform
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.models import AuditEntry
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout import links as handout_links
from prescriptions.handout.issue import issue_warnings, pending_claim
from prescriptions.handout.pdf import draft_page_count
from prescriptions.handout.snapshot import build_snapshot, snapshot_language, untranslated
from prescriptions.models import Delivery, DeliveryStatus, Program
from prescriptions.views.lookups import get_program

PANEL_TEMPLATE = "prescriptions/_handout_panel.html"
PAGES_TEMPLATE = "prescriptions/_handout_pages.html"
PAGE_TEMPLATE = "prescriptions/handout_page.html"
# The panel lists this many links and deliveries, newest first.
PANEL_LIST_LIMIT = 20
# The raw token of a link made without HTMX waits here for the next page, which shows it once.
NEW_LINK_SESSION_KEY = "handout_new_link"


class DeliveryForm(forms.Form):
    to_email = forms.EmailField(
        label=gettext_lazy("Patient's email"),
        max_length=254,
        error_messages={"invalid": gettext_lazy("Enter a valid email address, like name@example.org.")},
    )


class LinkExtendForm(forms.Form):
    expires_on = forms.DateField(
        label=gettext_lazy("Works until"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
        error_messages={"invalid": gettext_lazy("Enter a date.")},
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise ValidationError(_("Choose a date after today."))
        return day

    def expires_at(self) -> datetime:
        return handout_links.end_of_day(self.cleaned_data["expires_on"])


def _count_views(links, program) -> None:
    """Set ``view_count`` and ``last_viewed_at`` on each link from its views' audit entries.

    A view's audit entry is its only record (the patient page writes nothing else), so the
    counts are one grouped query over the patient's view entries.
    """
    if not links:
        return
    views = {
        str(row["link"]): row  # text on PostgreSQL, a number on SQLite
        for row in AuditEntry.objects.filter(
            action=ProgramAction.HANDOUT_VIEWED, patient_id=program.patient_id, detail__link__in=[ln.pk for ln in links]
        )
        .order_by()
        .values(link=KeyTextTransform("link", "detail"))
        .annotate(count=Count("pk"), last=Max("created_at"))
    }
    for link in links:
        row = views.get(str(link.pk), {})
        link.view_count, link.last_viewed_at = row.get("count", 0), row.get("last")


def handout_panel_context(request, program: Program, *, new_link=None, notice=None, email_form=None) -> dict:
    """What ``_handout_panel.html`` shows, in a fixed number of queries whatever the history's
    length (the draft's snapshot, for its page count, among them)."""
    handout_list = list(program.handouts.defer("snapshot").select_related("issued_by").order_by("-version"))  # 1
    clearance_notes = list(program.clearance_notes.all())  # 2
    links = list(
        program.share_links.select_related("handout", "delivery").order_by("-created_at", "-pk")[:PANEL_LIST_LIMIT]
    )  # 3
    _count_views(links, program)  # 4 (when there are links)
    claim = pending_claim(program)  # 5: the version on its way, or whose render failed
    deliveries = list(  # 6
        Delivery.objects.filter(handout__program=program)
        .select_related("handout")
        .order_by("-created_at", "-pk")[:PANEL_LIST_LIMIT]
    )
    if new_link is None and request is not None and hasattr(request, "session"):
        stored = request.session.get(NEW_LINK_SESSION_KEY)  # 7 (the session, if not loaded yet)
        if stored and stored.get("program") == program.pk:
            new_link = request.session.pop(NEW_LINK_SESSION_KEY)
    for link in links:
        # The field holds the date the card says the link works until: changing it is the extension.
        link.extend_form = LinkExtendForm(
            initial={"expires_on": timezone.localdate(link.expires_at)}, auto_id=f"id_link{link.pk}_%s"
        )
    patient_email = program.patient.email if program.patient_id else ""
    # The draft's length before it is issued, if already counted for this content (a render
    # costs up to a second: an uncounted draft is counted by handout_pages, loaded after).
    snapshot = build_snapshot(program)
    draft_pages = draft_page_count(snapshot, render=False) if snapshot["items"] else None
    return {
        "program": program,
        "handout_panel": {
            "handouts": handout_list,
            "latest": handout_list[0] if handout_list else None,
            "warnings": issue_warnings(program, clearance_notes),
            "links": links,
            "active_links": [link for link in links if link.is_usable],
            "deliveries": deliveries,
            "failed_statuses": {DeliveryStatus.FAILED},
            "email_form": email_form or DeliveryForm(initial={"to_email": patient_email}),
            "new_link": new_link,
            "notice": notice,
            "draft_pages": draft_pages,
            "has_items": bool(snapshot["items"]),
            "claim": claim,
            # Which language the patient will read, and whether some texts will print in another.
            "language_name": get_language_info(snapshot_language(snapshot))["name_translated"],
            "text_language_name": get_language_info(snapshot["text_language"])["name_translated"],
            "untranslated": untranslated(snapshot),
        },
    }


def panel_response(request, program, *, status=200, **extra):
    return render(request, PANEL_TEMPLATE, handout_panel_context(request, program, **extra), status=status)


def answer_with_panel(request, program, *, level=messages.SUCCESS, text="", status=200, **extra):
    """HTMX: the re-rendered panel (with the notice). Plain POST: a message and the handout page."""
    if request.htmx:
        notice = {"level": "danger" if level == messages.ERROR else messages.DEFAULT_TAGS[level], "text": text}
        return panel_response(request, program, notice=notice if text else None, status=status, **extra)
    if text:
        messages.add_message(request, level, text)
    return redirect("prescriptions:handout-panel", program.pk)


def error_text(exc: ValidationError) -> str:
    return " ".join(str(message) for message in exc.messages)


@require_GET
def handout_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The handout panel: a partial for HTMX (the builder loads it), a full page otherwise."""
    program = get_program(request, pk)
    context = handout_panel_context(request, program)
    if request.htmx:
        return render(request, PANEL_TEMPLATE, context)
    return render(request, PAGE_TEMPLATE, {**context, "inner": PANEL_TEMPLATE})


@require_GET
def handout_pages(request: HttpRequest, pk: int) -> HttpResponse:
    """How many pages the draft prints: the panel loads it after itself when not counted yet."""
    program = get_program(request, pk)
    snapshot = build_snapshot(program)
    pages = draft_page_count(snapshot) if snapshot["items"] else None
    if not request.htmx:  # without JavaScript: back to the panel, which now shows the count
        return redirect("prescriptions:handout-panel", program.pk)
    return render(request, PAGES_TEMPLATE, {"program": program, "pages": pages})
