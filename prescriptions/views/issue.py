"""Issuing a handout: the next version, once the clearance warnings are confirmed and each
conflict with the clearance is decided; then the builder follows its PDF, which the task worker
makes ("Preparing version N…", ``handout_issue_status``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from core.forms import parse_id
from core.htmx_events import add_trigger, announce
from core.storage import StorageUnavailable
from prescriptions import services
from prescriptions.handout.issue import (
    ConflictsNeedDecision,
    RenderFailed,
    issue_warnings,
    pending_claim,
    unresolved_conflicts,
)
from prescriptions.handout.issue import handout_issue as issue_service
from prescriptions.safety import PROGRESSION
from prescriptions.services import StaleProgramError
from prescriptions.views.lookups import get_program
from prescriptions.views.panel import PAGE_TEMPLATE, answer_with_panel, error_text, panel_response

CONFIRM_TEMPLATE = "prescriptions/handout_confirm.html"
STATUS_TEMPLATE = "prescriptions/_issue_status.html"
STORAGE_FAILED = gettext_lazy(
    "The handout could not be stored: the file storage is full or unavailable. "
    "Nothing was issued; try again in a minute."
)
RENDER_FAILED = gettext_lazy("The PDF could not be made. Nothing was issued; try again.")


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


@require_http_methods(["GET", "POST"])
def handout_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """POST issues; with a clearance warning, it first asks to confirm (as GET does).

    Issuing is idempotent: when nothing changed since the newest version, that version is
    the answer ("already current"). ``reissue_of`` (a separate button) issues unchanged
    content again, for a fresh printed link.
    """
    program = get_program(request, pk)
    warnings = issue_warnings(program)
    conflicts = unresolved_conflicts(program)
    # The version to issue again: a whole number, or nothing for an ordinary issue.
    reissue_of = parse_id(request.POST.get("reissue_of"))
    if reissue_of is None and request.POST.get("reissue_of"):
        return answer_with_panel(
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
            return answer_with_panel(
                request, program, level=messages.WARNING, text=str(StaleProgramError.message), status=409
            )
        except ValidationError as exc:
            return answer_with_panel(request, program, level=messages.ERROR, text=error_text(exc), status=400)
        except (StorageUnavailable, RenderFailed) as exc:
            # The storage does not answer (nothing was claimed), or a render run right here failed.
            text = STORAGE_FAILED if isinstance(exc, StorageUnavailable) else RENDER_FAILED
            response = answer_with_panel(request, program, level=messages.ERROR, text=text, status=503)
            response["Retry-After"] = "60"
            return response
        version = result.version
        if result.pending:
            # Claimed and queued: the panel shows "Preparing version N…" and follows it.
            response = answer_with_panel(request, program, level=messages.INFO)
            if request.htmx:
                announce(response, _("Preparing version %(version)d…") % {"version": version})
                if conflicts:
                    add_trigger(response, "program-items-changed")
            return response
        if not result.created:
            text = _("Version %(version)d is already current: nothing changed since it was issued.")
            response = answer_with_panel(request, program, level=messages.INFO, text=text % {"version": version})
        else:
            response = answer_with_panel(
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


@require_GET
def handout_issue_status(request: HttpRequest, pk: int) -> HttpResponse:
    """What the builder's "Preparing version N…" block asks every two seconds (HTMX).

    While the PDF is on its way: the same block. Once it is stored, or its render failed: the
    whole panel in place of the panel (the new version, its links; or the failure and a retry).
    Without HTMX: the handout page. ``version`` (the one being prepared) picks the notice.
    """
    program = get_program(request, pk)
    if not request.htmx:
        return redirect("prescriptions:handout-panel", program.pk)
    claim = pending_claim(program)
    if claim is not None and not claim.has_failed:
        return render(request, STATUS_TEMPLATE, {"program": program, "claim": claim})
    version = parse_id(request.GET.get("version"))
    notice = None
    if claim is None and version is not None and program.handouts.filter(version=version).exists():
        text = _("Version %(version)d issued. Download, print or email it below.") % {"version": version}
        notice = {"level": messages.DEFAULT_TAGS[messages.SUCCESS], "text": text}
    response = panel_response(request, program, notice=notice)
    if notice:
        announce(response, _("Version %(version)d issued.") % {"version": version})
    return reswap(retarget(response, "#handout-panel"), "outerHTML")
