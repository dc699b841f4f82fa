"""A program itself: created for a patient (empty, from a template or as a copy), its details, archived."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import parse_id
from patients.models import Patient
from prescriptions import services
from prescriptions.forms import ProgramCreateForm, ProgramForm
from prescriptions.models import Program
from prescriptions.views.builder import stale
from prescriptions.views.lookups import get_program
from prescriptions.views.revision import posted_revision, revision_required


def _template_initial(request, templates) -> dict:
    """``?template=<id>`` opens the form with that template chosen and its values filled in.

    The dropdown asks for this as soon as a template is chosen, sending what is already typed:
    a title, weeks or instructions the clinician typed are kept, the empty (or default) ones
    take the template's. Every value is read by the form's own field.
    """
    pk = parse_id(request.GET.get("template"))
    template = templates.filter(pk=pk).first() if pk is not None else None
    if template is None:
        return {}
    fields = ProgramCreateForm.base_fields

    def typed(name):
        try:
            return fields[name].clean(request.GET.get(name, ""))
        except ValidationError:
            return None

    title = (typed("title") or "").strip()
    return {
        "start": ProgramCreateForm.TEMPLATE,
        "template": template,
        "start_date": typed("start_date"),
        "title": title if title and title != str(ProgramCreateForm.DEFAULT_TITLE) else template.title,
        "duration_weeks": typed("duration_weeks") or template.duration_weeks,
        "general_instructions": (typed("general_instructions") or "").strip() or template.general_instructions,
    }


@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.for_user(request.user).active(), pk=patient_pk)
    templates = Program.objects.for_user(request.user).filter(clinic=patient.clinic).templates().active()
    programs = Program.objects.for_user(request.user).filter(patient=patient)
    form = ProgramCreateForm(
        request.POST or None,
        templates=templates,
        programs=programs,
        initial=_template_initial(request, templates),
        fill_url=reverse("prescriptions:program-create", args=[patient.pk]),
    )
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"]
        program = services.program_create(
            clinic=patient.clinic,
            patient=patient,
            user=request.user,
            title=form.cleaned_data["title"],
            start_date=form.cleaned_data["start_date"],
            duration_weeks=form.cleaned_data["duration_weeks"],
            general_instructions=form.cleaned_data["general_instructions"],
            template=form.cleaned_data["template"] if start == form.TEMPLATE else None,
            copy_of=form.cleaned_data["copy_of"] if start == form.COPY else None,
            request=request,
        )
        return redirect(program)
    return render(
        request,
        "prescriptions/program_create.html",
        {"form": form, "patient": patient},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@revision_required
def program_update(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request, pk)
    if request.method == "GET":
        form = ProgramForm(instance=program, initial={"revision": program.revision})
        return render(request, "prescriptions/program_form.html", {"program": program, "form": form})
    form = ProgramForm(request.POST, instance=Program.objects.get(pk=program.pk))
    if form.is_valid():
        try:
            data = {field: form.cleaned_data[field] for field in ProgramForm.Meta.fields}
            services.program_update(
                program=program, user=request.user, revision=posted_revision(request), data=data, request=request
            )
        except services.StaleProgramError:
            return stale(request, program)
        messages.success(request, _("Program details saved."))
        return redirect(program)
    program.refresh_from_db()
    return render(request, "prescriptions/program_form.html", {"program": program, "form": form}, status=422)


@require_POST
def program_archive(request: HttpRequest, pk: int) -> HttpResponse:
    program = services.program_archive(program=get_program(request, pk), user=request.user, request=request)
    messages.success(request, _("Program archived."))
    return redirect(program.patient or reverse("prescriptions:template-list"))
