"""The clinician's side of the handout: issue, preview, download, print, patient links, email.

Every lookup goes through ``Program.objects.for_user`` (another clinic's object is a 404).
POST actions answer HTMX with the re-rendered handout panel and a plain form post with a
redirect to the handout page, so nothing depends on JavaScript. The panel's content comes
from ``handout_panel_context`` in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.models import AuditAction
from core.storage import StorageUnavailable
from prescriptions.handout import delivery as handout_delivery
from prescriptions.handout import links as handout_links
from prescriptions.handout.issue import IssueInProgress, issue_warnings
from prescriptions.handout.issue import handout_issue as issue_service
from prescriptions.handout.pdf import draft_page_count, render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Delivery, DeliveryStatus, Handout, Program, ShareLink
from prescriptions.services import StaleProgramError

PANEL_TEMPLATE = "prescriptions/_handout_panel.html"
PAGES_TEMPLATE = "prescriptions/_handout_pages.html"
CONFIRM_TEMPLATE = "prescriptions/handout_confirm.html"
PAGE_TEMPLATE = "prescriptions/handout_page.html"
STORAGE_FAILED = gettext_lazy(
    "The handout could not be stored: the file storage is full or unavailable. "
    "Nothing was issued; try again in a minute."
)
ISSUE_IN_PROGRESS = gettext_lazy(
    "This program is still being issued from another window. Reload in a minute to see it."
)
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


# ----------------------------------------------------------------------------- lookups


def _program(request, pk) -> Program:
    return get_object_or_404(Program.objects.for_user(request.user).select_related("clinic", "patient"), pk=pk)


def _scoped(queryset, request, program_pk, **lookup):
    return get_object_or_404(
        queryset, program__in=Program.objects.for_user(request.user).filter(pk=program_pk), **lookup
    )


def _handout(request, pk, handout_pk) -> Handout:
    return _scoped(Handout.objects.select_related("program__patient__clinic"), request, pk, pk=handout_pk)


def _link(request, pk, link_pk) -> ShareLink:
    return _scoped(ShareLink.objects.select_related("program__patient"), request, pk, pk=link_pk)


def _delivery(request, pk, delivery_pk) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("handout__program__patient"),
        pk=delivery_pk,
        handout__program__in=Program.objects.for_user(request.user).filter(pk=pk),
    )


# ----------------------------------------------------------------------------- panel


def handout_panel_context(request, program: Program, *, new_link=None, notice=None, email_form=None) -> dict:
    """What ``_handout_panel.html`` shows, in a fixed number of queries whatever the history's
    length: five, and the draft's snapshot for its page count."""
    handout_list = list(program.handouts.defer("snapshot").select_related("issued_by").order_by("-version"))  # 1
    clearance_notes = list(program.clearance_notes.all())  # 2
    links = list(
        program.share_links.select_related("handout", "delivery").order_by("-created_at", "-pk")[:PANEL_LIST_LIMIT]
    )  # 3
    deliveries = list(  # 4
        Delivery.objects.filter(handout__program=program)
        .select_related("handout")
        .order_by("-created_at", "-pk")[:PANEL_LIST_LIMIT]
    )
    if new_link is None and request is not None and hasattr(request, "session"):
        stored = request.session.get(NEW_LINK_SESSION_KEY)  # 5 (the session, if not loaded yet)
        if stored and stored.get("program") == program.pk:
            new_link = request.session.pop(NEW_LINK_SESSION_KEY)
    now = timezone.now()
    for link in links:
        link.extend_form = LinkExtendForm(
            initial={"expires_on": timezone.localdate(max(link.expires_at, now)) + timedelta(days=90)},
            auto_id=f"id_link{link.pk}_%s",
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
        },
    }


def _panel(request, program, *, status=200, **extra):
    return render(request, PANEL_TEMPLATE, handout_panel_context(request, program, **extra), status=status)


def _answer_with_panel(request, program, *, level=messages.SUCCESS, text="", status=200, **extra):
    """HTMX: the re-rendered panel (with the notice). Plain POST: a message and the handout page."""
    if request.htmx:
        notice = {"level": "danger" if level == messages.ERROR else messages.DEFAULT_TAGS[level], "text": text}
        return _panel(request, program, notice=notice if text else None, status=status, **extra)
    if text:
        messages.add_message(request, level, text)
    return redirect("prescriptions:handout-panel", program.pk)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(message) for message in exc.messages)


@require_GET
def handout_panel(request, pk):
    """The handout panel: a partial for HTMX (the builder loads it), a full page otherwise."""
    program = _program(request, pk)
    context = handout_panel_context(request, program)
    if request.htmx:
        return render(request, PANEL_TEMPLATE, context)
    return render(request, PAGE_TEMPLATE, {**context, "inner": PANEL_TEMPLATE})


@require_GET
def handout_pages(request, pk):
    """How many pages the draft prints: the panel loads it after itself when not counted yet."""
    program = _program(request, pk)
    snapshot = build_snapshot(program)
    pages = draft_page_count(snapshot) if snapshot["items"] else None
    if not request.htmx:  # without JavaScript: back to the panel, which now shows the count
        return redirect("prescriptions:handout-panel", program.pk)
    return render(request, PAGES_TEMPLATE, {"program": program, "pages": pages})


# ----------------------------------------------------------------------------- issuing


@require_http_methods(["GET", "POST"])
def handout_issue(request, pk):
    """POST issues; with a clearance warning, it first asks to confirm (as GET does).

    Issuing is idempotent: when nothing changed since the newest version, that version is
    the answer ("already current"). ``reissue_of`` (a separate button) issues unchanged
    content again, for a fresh printed link.
    """
    program = _program(request, pk)
    warnings = issue_warnings(program)
    reissue_of = request.POST.get("reissue_of") or None
    if reissue_of is not None and not reissue_of.isdigit():
        return _answer_with_panel(
            request, program, level=messages.ERROR, text=_("Choose a version to re-issue."), status=400
        )
    if request.method == "POST" and (not warnings or request.POST.get("confirm") == "yes"):
        try:
            result = issue_service(
                program=program,
                user=request.user,
                revision=request.POST.get("revision"),
                reissue_of=reissue_of,
                request=request,
            )
        except StaleProgramError:
            program.refresh_from_db()
            return _answer_with_panel(
                request, program, level=messages.WARNING, text=str(StaleProgramError.message), status=409
            )
        except ValidationError as exc:
            return _answer_with_panel(request, program, level=messages.ERROR, text=_error_text(exc), status=400)
        except (StorageUnavailable, IssueInProgress) as exc:
            text = STORAGE_FAILED if isinstance(exc, StorageUnavailable) else ISSUE_IN_PROGRESS
            response = _answer_with_panel(request, program, level=messages.ERROR, text=text, status=503)
            response["Retry-After"] = "60"
            return response
        version = result.handout.version
        if not result.created:
            text = _("Version %(version)d is already current: nothing changed since it was issued.")
            return _answer_with_panel(request, program, level=messages.INFO, text=text % {"version": version})
        return _answer_with_panel(
            request,
            program,
            text=_("Version %(version)d issued. Download, print or email it below.") % {"version": version},
        )
    context = {"program": program, "warnings": warnings}
    if request.htmx:
        return render(request, CONFIRM_TEMPLATE, context)
    return render(request, PAGE_TEMPLATE, {**context, "inner": CONFIRM_TEMPLATE})


def _pdf_response(content, filename, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _file_response(handout, *, attachment: bool) -> FileResponse:
    response = FileResponse(
        handout.pdf.open("rb"), as_attachment=attachment, filename=handout.filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def handout_preview(request, pk):
    """The program as it would print now, marked DRAFT on every page."""
    program = _program(request, pk)
    if not program.items.exists():
        raise Http404
    rendered = render_handout_pdf(build_snapshot(program, issued_by=request.user), draft=True)
    audit_record(
        request=request,
        action=AuditAction.HANDOUT_VIEWED,
        clinic=program.clinic,
        patient=program.patient,
        target=program,
        detail={"draft": True},
    )
    return _pdf_response(rendered.content, rendered.filename, attachment=False)


@require_GET
def handout_download(request, pk, handout_pk):
    handout = _handout(request, pk, handout_pk)
    audit_record(
        request=request, action=AuditAction.HANDOUT_DOWNLOADED, patient=handout.program.patient, target=handout
    )
    return _file_response(handout, attachment=True)


@require_GET
def handout_print(request, pk):
    """The current version, opened in the browser's PDF viewer to print."""
    program = _program(request, pk)
    handout = program.handouts.newest()
    if handout is None:
        raise Http404
    audit_record(
        request=request,
        action=AuditAction.HANDOUT_VIEWED,
        patient=program.patient,
        clinic=program.clinic,
        target=handout,
        detail={"print": True},
    )
    return _file_response(handout, attachment=False)


# ----------------------------------------------------------------------------- patient links


def _link_created(request, program, link, token, text):
    new_link = {"program": program.pk, "id": link.pk, "url": handout_links.public_link_url(token)}
    if request.htmx:
        return _answer_with_panel(request, program, text=text, new_link=new_link)
    # Shown once on the next page, then gone: only its hash is kept.
    request.session[NEW_LINK_SESSION_KEY] = new_link
    return _answer_with_panel(request, program, text=text)


@require_POST
def link_create(request, pk):
    program = _program(request, pk)
    try:
        link, token = handout_links.share_link_create(program=program, user=request.user, request=request)
    except ValidationError as exc:
        return _answer_with_panel(request, program, level=messages.ERROR, text=_error_text(exc), status=400)
    return _link_created(request, program, link, token, _("New patient link created. Copy it now: it is shown once."))


@require_POST
def link_extend(request, pk, link_pk):
    link = _link(request, pk, link_pk)
    program = _program(request, pk)
    form = LinkExtendForm(request.POST)
    if not form.is_valid():
        return _answer_with_panel(
            request,
            program,
            level=messages.ERROR,
            text=_error_text(ValidationError(form.errors["expires_on"])),
            status=400,
        )
    try:
        handout_links.share_link_extend(link=link, user=request.user, expires_at=form.expires_at(), request=request)
    except ValidationError as exc:
        return _answer_with_panel(request, program, level=messages.ERROR, text=_error_text(exc), status=400)
    day = form.cleaned_data["expires_on"]
    return _answer_with_panel(
        request, program, text=_("The link now works until %(date)s.") % {"date": f"{day:%-d %b %Y}"}
    )


@require_POST
def link_revoke(request, pk, link_pk):
    link = _link(request, pk, link_pk)
    handout_links.share_link_revoke(link=link, user=request.user, request=request)
    return _answer_with_panel(
        request, link.program, text=_("The link was revoked. Whoever opens it now is told to contact the clinic.")
    )


@require_POST
def link_replace(request, pk, link_pk):
    link = _link(request, pk, link_pk)
    new, token = handout_links.share_link_replace(link=link, user=request.user, request=request)
    return _link_created(
        request,
        link.program,
        new,
        token,
        _("The old link was revoked and a new one created. Copy it now: it is shown once."),
    )


# ----------------------------------------------------------------------------- email


@require_POST
def delivery_create(request, pk):
    program = _program(request, pk)
    handout = program.handouts.newest()
    if handout is None:
        return _answer_with_panel(
            request, program, level=messages.ERROR, text=_("Issue the handout before emailing it."), status=400
        )
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        return _answer_with_panel(
            request,
            program,
            level=messages.ERROR,
            text=_error_text(ValidationError(form.errors["to_email"])),
            status=400,
            email_form=form,
        )
    try:
        delivery = handout_delivery.delivery_request(
            handout=handout, to_email=form.cleaned_data["to_email"], user=request.user, request=request
        )
    except handout_delivery.DuplicateDeliveryError as exc:
        return _answer_with_panel(
            request,
            program,
            level=messages.INFO,
            text=_("Version %(version)d was already sent to %(email)s a moment ago.")
            % {"version": handout.version, "email": exc.delivery.to_email},
        )
    except ValidationError as exc:
        return _answer_with_panel(
            request, program, level=messages.ERROR, text=_error_text(exc), status=400, email_form=form
        )
    return _answer_with_panel(request, program, **_delivery_outcome(delivery))


@require_POST
def delivery_retry(request, pk, delivery_pk):
    delivery = _delivery(request, pk, delivery_pk)
    program = _program(request, pk)
    try:
        delivery = handout_delivery.delivery_retry(delivery=delivery, user=request.user, request=request)
    except handout_delivery.DuplicateDeliveryError:
        return _answer_with_panel(
            request, program, level=messages.INFO, text=_("This email is already being sent again.")
        )
    return _answer_with_panel(request, program, **_delivery_outcome(delivery))


def _delivery_outcome(delivery) -> dict:
    if delivery.status == DeliveryStatus.SENT:
        return {"text": _("Emailed to %(email)s.") % {"email": delivery.to_email}}
    if delivery.status == DeliveryStatus.FAILED:
        return {
            "level": messages.ERROR,
            "text": _("The email to %(email)s could not be sent. Check the address, then retry.")
            % {"email": delivery.to_email},
        }
    return {"text": _("Sending to %(email)s…") % {"email": delivery.to_email}}
