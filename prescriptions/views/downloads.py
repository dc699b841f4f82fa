"""The handout as PDF for the clinician: the draft's preview, an issued version's download, the
current version to print."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core.audit import audit_record
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout.pdf import render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.views.lookups import get_handout, get_program


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
    program = get_program(request, pk)
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
    handout = get_handout(request, pk, handout_pk)
    audit_record(
        request=request, action=ProgramAction.HANDOUT_DOWNLOADED, patient=handout.program.patient, target=handout
    )
    return _file_response(handout, attachment=True)


@require_GET
def handout_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The current version, opened in the browser's PDF viewer to print."""
    program = get_program(request, pk)
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
