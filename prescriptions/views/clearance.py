"""A program's clearance notes (the surgeon's or doctor's restrictions) and their scanned letters."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.storage import StorageUnavailable
from prescriptions import services
from prescriptions.audit_actions import ProgramAction
from prescriptions.forms import ClearanceNoteForm
from prescriptions.models import ClearanceNote
from prescriptions.views.builder import stale
from prescriptions.views.lookups import get_program
from prescriptions.views.revision import posted_revision, revision_required

LETTER_NOT_STORED = gettext_lazy(
    "The letter could not be stored: the file storage is full or unavailable. Nothing was saved; try again in a minute."
)


@require_http_methods(["GET", "POST"])
@revision_required
def clearance_edit(request: HttpRequest, pk: int, note_pk: int | None = None) -> HttpResponse:
    program = get_program(request, pk)
    note = get_object_or_404(program.clearance_notes, pk=note_pk) if note_pk else ClearanceNote(program=program)
    form = ClearanceNoteForm(
        request.POST or None, request.FILES or None, instance=note, initial={"revision": program.revision}
    )
    if request.method == "POST":
        posted_revision(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.clearance_save(
                note=form.save(commit=False),
                user=request.user,
                revision=form.cleaned_data["revision"],
                new_letter=request.FILES.get("letter"),
                request=request,
            )
        except services.StaleProgramError:
            return stale(request, program)
        except StorageUnavailable:
            form.add_error("letter", LETTER_NOT_STORED)
            context = {"program": program, "form": form, "note": note}
            response = render(request, "prescriptions/clearance_form.html", context, status=503)
            response["Retry-After"] = "60"
            return response
        messages.success(request, _("Clearance note saved."))
        return redirect(program)
    return render(
        request,
        "prescriptions/clearance_form.html",
        {"program": program, "form": form, "note": note},
        status=422 if form.errors else 200,
    )


@require_POST
@revision_required
def clearance_delete(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    program = get_program(request, pk)
    note = get_object_or_404(program.clearance_notes, pk=note_pk)
    try:
        services.clearance_remove(note=note, user=request.user, revision=posted_revision(request), request=request)
    except services.StaleProgramError:
        return stale(request, program)
    messages.success(request, _("Clearance note removed."))
    return redirect(program)


@require_GET
def clearance_letter(request: HttpRequest, pk: int, note_pk: int) -> FileResponse:
    """The scanned letter, for the clinic's own clinicians only (never a public URL)."""
    program = get_program(request, pk)
    note = get_object_or_404(program.clearance_notes.exclude(letter=""), pk=note_pk)
    audit_record(
        request=request,
        action=ProgramAction.CLEARANCE_LETTER_VIEWED,
        clinic=program.clinic,
        patient=program.patient,
        target=note,
    )
    response = FileResponse(
        note.letter.open("rb"), as_attachment=True, filename=f"clearance-letter-{note.pk}{note.letter.name[-4:]}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
