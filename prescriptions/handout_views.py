"""The clinician's side of the handout: issue, preview, download, print, patient links, email.

Every lookup goes through ``Program.objects.for_user`` (another clinic's object is a 404).
POST actions answer HTMX with the re-rendered handout panel and a plain form post with a
redirect to the handout page, so nothing depends on JavaScript. The panel's content comes
from ``handout_panel_context`` in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.db.models.fields.json import KeyTextTransform
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.formats import day_text
from core.forms import parse_id
from core.htmx_events import add_trigger, announce
from core.models import AuditEntry
from core.storage import StorageUnavailable
from prescriptions import services
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout import delivery as handout_delivery
from prescriptions.handout import links as handout_links
from prescriptions.handout.issue import ConflictsNeedDecision, IssueInProgress, issue_warnings, unresolved_conflicts
from prescriptions.handout.issue import handout_issue as issue_service
from prescriptions.handout.pdf import draft_page_count, render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Delivery, DeliveryStatus, Handout, Program, ShareLink
from prescriptions.safety import PROGRESSION
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


class ConflictDecisionForm(forms.Form):
    """For each undecided conflict with the clearance: remove the item, or keep it with a reason.

    An expired clearance can only be acknowledged (to remove it, edit the clearance instead).
    """

    REMOVE, KEEP = "remove", "keep"

    def __init__(self, *args, conflicts, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = conflicts
        self.rows = []
        for conflict in conflicts:
            prefix = conflict.field_prefix
            name = conflict.exercise_name
            if conflict.item_id:
                if conflict.kind == PROGRESSION:
                    choices = [
                        (self.REMOVE, _("Leave “When it gets easy” off %(name)s") % {"name": name}),
                        (self.KEEP, _("Keep it: I have checked it stays within the restriction")),
                    ]
                else:
                    choices = [
                        (self.REMOVE, _("Remove %(name)s from the program") % {"name": name}),
                        (self.KEEP, _("Keep %(name)s: I have checked it is safe") % {"name": name}),
                    ]
                self.fields[f"{prefix}-decision"] = forms.ChoiceField(
                    label=_("What to do with %(name)s") % {"name": name},
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose to remove the exercise or to keep it with a reason.")},
                )
                reason_label = _("Why keep %(name)s?") % {"name": name}
                note_label = _("Note for the patient, printed under %(name)s (optional)") % {"name": name}
            else:
                reason_label = _("Why issue under the expired clearance by %(who)s?") % {"who": conflict.cleared_by}
                note_label = None
            self.fields[f"{prefix}-reason"] = forms.CharField(
                label=reason_label,
                max_length=300,
                required=False,
                help_text=_("Kept in the record, e.g. “Rotation within pain-free range agreed with surgeon by phone”."),
                error_messages={"max_length": _("Keep the reason to at most 300 characters.")},
            )
            if note_label:
                self.fields[f"{prefix}-note"] = forms.CharField(
                    label=note_label,
                    max_length=300,
                    required=False,
                    error_messages={"max_length": _("Keep the note to at most 300 characters.")},
                )
            for field in self.fields.values():
                if not isinstance(field.widget, forms.RadioSelect):
                    field.widget.attrs["class"] = "form-control form-control-sm"
            self.rows.append(
                {
                    "conflict": conflict,
                    "decision": self[f"{prefix}-decision"] if conflict.item_id else None,
                    "inputs": [self[f"{prefix}-reason"], *([self[f"{prefix}-note"]] if note_label else [])],
                }
            )

    def clean(self):
        data = super().clean()
        for conflict in self.conflicts:
            prefix = conflict.field_prefix
            keep = not conflict.item_id or data.get(f"{prefix}-decision") == self.KEEP
            if keep and not (data.get(f"{prefix}-reason") or "").strip() and f"{prefix}-reason" not in self.errors:
                self.add_error(f"{prefix}-reason", _("Give the reason for keeping it, or remove the exercise."))
        return data

    def decisions(self) -> tuple[list, list]:
        """(conflicts whose item is removed, [(conflict, reason, patient note) kept])."""
        remove, keep = [], []
        for conflict in self.conflicts:
            prefix = conflict.field_prefix
            if conflict.item_id and self.cleaned_data[f"{prefix}-decision"] == self.REMOVE:
                remove.append(conflict)
            else:
                note = self.cleaned_data.get(f"{prefix}-note", "").strip()
                keep.append((conflict, self.cleaned_data[f"{prefix}-reason"].strip(), note))
        return remove, keep


# ----------------------------------------------------------------------------- lookups


def _program(request, pk) -> Program:
    return get_object_or_404(Program.objects.for_user(request.user).select_related("clinic", "patient"), pk=pk)


def _scoped(queryset, request, program_pk, **lookup):
    return get_object_or_404(
        queryset, program__in=Program.objects.for_user(request.user).filter(pk=program_pk), **lookup
    )


def _handout(request, pk, handout_pk) -> Handout:
    """An issued version of one of the user's programs, with its patient, without its snapshot
    (tens of KB of JSON a download does not need)."""
    handouts = Handout.objects.for_user(request.user).defer("snapshot").select_related("program__patient")
    return get_object_or_404(handouts, pk=handout_pk, program_id=pk)


def _link(request, pk, link_pk) -> ShareLink:
    return _scoped(ShareLink.objects.select_related("program__patient"), request, pk, pk=link_pk)


def _delivery(request, pk, delivery_pk) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("handout__program__patient"),
        pk=delivery_pk,
        handout__program__in=Program.objects.for_user(request.user).filter(pk=pk),
    )


# ----------------------------------------------------------------------------- panel


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
    deliveries = list(  # 5
        Delivery.objects.filter(handout__program=program)
        .select_related("handout")
        .order_by("-created_at", "-pk")[:PANEL_LIST_LIMIT]
    )
    if new_link is None and request is not None and hasattr(request, "session"):
        stored = request.session.get(NEW_LINK_SESSION_KEY)  # 6 (the session, if not loaded yet)
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
def handout_panel(request: HttpRequest, pk: int) -> HttpResponse:
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
def handout_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """POST issues; with a clearance warning, it first asks to confirm (as GET does).

    Issuing is idempotent: when nothing changed since the newest version, that version is
    the answer ("already current"). ``reissue_of`` (a separate button) issues unchanged
    content again, for a fresh printed link.
    """
    program = _program(request, pk)
    warnings = issue_warnings(program)
    conflicts = unresolved_conflicts(program)
    # The version to issue again: a whole number, or nothing for an ordinary issue.
    reissue_of = parse_id(request.POST.get("reissue_of"))
    if reissue_of is None and request.POST.get("reissue_of"):
        return _answer_with_panel(
            request, program, level=messages.ERROR, text=_("Choose a version to re-issue."), status=400
        )
    if request.method == "POST" and (not (warnings or conflicts) or request.POST.get("confirm") == "yes"):
        revision = request.POST.get("revision")
        try:
            if conflicts:
                # Each conflict needs its decision (removed, or kept with a reason) before the issue.
                form = ConflictDecisionForm(request.POST, conflicts=conflicts)
                if not form.is_valid():
                    return _confirm(request, program, warnings, form, status=422)
                remove, keep = form.decisions()
                services.conflicts_decide(
                    program=program, user=request.user, revision=revision, remove=remove, keep=keep, request=request
                )
                revision = program.revision
            result = issue_service(
                program=program,
                user=request.user,
                revision=revision,
                reissue_of=reissue_of,
                request=request,
            )
        except ConflictsNeedDecision as exc:  # a conflict appeared meanwhile (a colleague's edit)
            program.refresh_from_db()
            return _confirm(request, program, warnings, ConflictDecisionForm(conflicts=exc.conflicts), status=409)
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
            response = _answer_with_panel(request, program, level=messages.INFO, text=text % {"version": version})
        else:
            response = _answer_with_panel(
                request,
                program,
                text=_("Version %(version)d issued. Download, print or email it below.") % {"version": version},
            )
        if request.htmx:
            announce(response, _("Version %(version)d issued.") % {"version": version} if result.created else "")
            if conflicts:
                # The decisions removed items or acknowledged flags: the builder's list shows them now.
                add_trigger(response, "program-items-changed")
        return response
    return _confirm(request, program, warnings, ConflictDecisionForm(conflicts=conflicts) if conflicts else None)


def _confirm(request, program, warnings, decision_form, *, status=200):
    """Ask before issuing: the clearance warnings and a decision on each conflict."""
    context = {"program": program, "warnings": warnings, "decision_form": decision_form}
    if request.htmx:
        return render(request, CONFIRM_TEMPLATE, context, status=status)
    return render(request, PAGE_TEMPLATE, {**context, "inner": CONFIRM_TEMPLATE}, status=status)


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
def handout_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The program as it would print now, marked DRAFT on every page."""
    program = _program(request, pk)
    if not program.items.exists():
        raise Http404
    rendered = render_handout_pdf(build_snapshot(program, issued_by=request.user), draft=True)
    audit_record(
        request=request,
        action=ProgramAction.HANDOUT_VIEWED,
        clinic=program.clinic,
        patient=program.patient,
        target=program,
        detail={"draft": True},
    )
    return _pdf_response(rendered.content, rendered.filename, attachment=False)


@require_GET
def handout_download(request: HttpRequest, pk: int, handout_pk: int) -> HttpResponse:
    handout = _handout(request, pk, handout_pk)
    audit_record(
        request=request, action=ProgramAction.HANDOUT_DOWNLOADED, patient=handout.program.patient, target=handout
    )
    return _file_response(handout, attachment=True)


@require_GET
def handout_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The current version, opened in the browser's PDF viewer to print."""
    program = _program(request, pk)
    handout = program.handouts.newest()
    if handout is None:
        raise Http404
    audit_record(
        request=request,
        action=ProgramAction.HANDOUT_VIEWED,
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
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    try:
        link, token = handout_links.share_link_create(program=program, user=request.user, request=request)
    except ValidationError as exc:
        return _answer_with_panel(request, program, level=messages.ERROR, text=_error_text(exc), status=400)
    return _link_created(request, program, link, token, _("New patient link created. Copy it now: it is shown once."))


@require_POST
def link_extend(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
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
    return _answer_with_panel(request, program, text=_("The link now works until %(date)s.") % {"date": day_text(day)})


@require_POST
def link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    link = _link(request, pk, link_pk)
    handout_links.share_link_revoke(link=link, user=request.user, request=request)
    return _answer_with_panel(
        request, link.program, text=_("The link was revoked. Whoever opens it now is told to contact the clinic.")
    )


@require_POST
def link_replace(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
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
def delivery_create(request: HttpRequest, pk: int) -> HttpResponse:
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
def delivery_retry(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
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
