"""What the clinician does with a program's outcome measures: schedule, type in, print, chart, report.

Every lookup goes through ``Program.objects.for_user`` (another clinic's program is a 404) and
every page leaves an audit entry. The audit actions are the existing ones, with the measure in
``detail``: the action list is a closed set whose new members need a migration in ``core``.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from outcomes.attention import open_due_date
from outcomes.audit_actions import OutcomeAction
from outcomes.definitions import text_in
from outcomes.forms import AnswersForm, MeasureForm
from outcomes.models import ProgramMeasure, Response
from outcomes.results import measure_result, program_results
from outcomes.services import measure_add, response_save
from prescriptions.models import Program

MAX_ANSWERS_BODY = 32 * 1024
# The shipped definitions are in English; a patient's preferred language is free text, not a code yet.
QUESTIONNAIRE_LANGUAGE = "en"


def _program(request: HttpRequest, pk: int) -> Program:
    programs = Program.objects.for_user(request.user).for_patients().select_related("clinic", "patient")
    return get_object_or_404(programs, pk=pk)


def _measure(request: HttpRequest, pk: int, measure_pk: int) -> ProgramMeasure:
    program = _program(request, pk)
    measure = get_object_or_404(ProgramMeasure.objects.select_related("instrument"), program=program, pk=measure_pk)
    measure.program = program
    return measure


def _viewed(request: HttpRequest, program: Program, page: str, **detail) -> None:
    audit_record(
        request=request,
        action=OutcomeAction.RESULTS_VIEWED,
        clinic=program.clinic,
        patient=program.patient,
        target=program,
        detail={"outcomes": page, **detail},
    )


@require_GET
def program_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """Each measure's schedule, scores over time against the MCID band, and the change in words."""
    program = _program(request, pk)
    _viewed(request, program, "results")
    context = {"program": program, "results": program_results(program), "form": MeasureForm()}
    return render(request, "outcomes/program_outcomes.html", context)


@require_POST
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        context = {"program": program, "results": program_results(program), "form": form}
        return render(request, "outcomes/program_outcomes.html", context, status=422)
    measure = measure_add(program=program, user=request.user, request=request, **form.cleaned_data)
    if not program.start_date:
        messages.warning(request, _("Set the program's start date: the questionnaires' dates count from it."))
    messages.success(request, _("%(name)s scheduled.") % {"name": measure.instrument.short_name})
    return redirect(reverse("outcomes:program-outcomes", args=[program.pk]))


def _due_on(request: HttpRequest, measure: ProgramMeasure) -> date | None:
    """The due date the answers belong to: the one asked for (parsed by a form field, and one of
    the measure's dates), else the earliest unfinished date up to today, else the next one."""
    from django import forms

    days = measure.due_dates()
    text = request.POST.get("due_on") or request.GET.get("due_on")
    if text:
        try:
            day = forms.DateField().clean(text)
        except forms.ValidationError:
            raise Http404 from None
        if day not in days:
            raise Http404
        return day
    finished = set(
        Response.objects.filter(measure=measure, completed_at__isnull=False).values_list("due_on", flat=True)
    )
    return open_due_date(days, finished, timezone.localdate())


@require_http_methods(["GET", "POST"])
def response_enter(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Type in a questionnaire answered on paper; save for later (resumable) or finish (scored)."""
    measure = _measure(request, pk, measure_pk)
    program = measure.program
    due_on = _due_on(request, measure)
    if due_on is None:
        messages.info(request, _("Nothing is due: set the program's start date, or every date is answered."))
        return redirect(reverse("outcomes:program-outcomes", args=[program.pk]))
    definition = measure.instrument.definition
    language = QUESTIONNAIRE_LANGUAGE
    response = Response.objects.filter(measure=measure, due_on=due_on).prefetch_related("answers").first()
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_ANSWERS_BODY:
            return HttpResponse(_("That form is too large."), status=413)
        form = AnswersForm(request.POST, definition=definition, language=language)
        if form.is_valid():
            finish = form.cleaned_data["finish"]
            saved = response_save(
                measure=measure,
                due_on=due_on,
                answers=form.answers(),
                finish=finish,
                user=request.user,
                request=request,
            )
            if saved.is_complete:
                messages.success(
                    request,
                    _("%(name)s saved: score %(score)s.")
                    % {"name": measure.instrument.short_name, "score": saved.score},
                )
            else:
                messages.success(request, _("Answers saved: finish the questionnaire later."))
            return redirect(reverse("outcomes:program-outcomes", args=[program.pk]))
        status = 422
    else:
        initial = AnswersForm.initial_from(response.answer_map()) if response else {}
        form = AnswersForm(initial=initial, definition=definition, language=language)
        _viewed(request, program, "enter", measure=measure.instrument.key)
        status = 200
    context = {
        "program": program,
        "measure": measure,
        "due_on": due_on,
        "form": form,
        "response": response,
        "instructions": text_in(definition["instructions"], language),
        "definition": definition,
    }
    return render(request, "outcomes/response_form.html", context, status=status)


def _paper_form_context(measure: ProgramMeasure) -> dict:
    program = measure.program
    definition = measure.instrument.definition
    language = QUESTIONNAIRE_LANGUAGE
    items = [
        {
            "item": item,
            "text": text_in(item["text"], language),
            "values": list(range(item["min"], item["max"] + 1)),
            "anchors": [
                (int(v), text_in(label, language))
                for v, label in sorted(item.get("anchors", {}).items(), key=lambda kv: int(kv[0]))
            ],
        }
        for item in definition["items"]
    ]
    result = measure_result(measure)
    activities = [a["name"] for a in result.activities]
    return {
        "program": program,
        "measure": measure,
        "definition": definition,
        "instructions": text_in(definition["instructions"], language),
        "items": items,
        "activities": activities,
        "due": [d["day"] for d in result.due],
    }


@require_GET
def measure_print(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """The questionnaire on paper: the patient fills it in, the clinician types it in later."""
    measure = _measure(request, pk, measure_pk)
    _viewed(request, measure.program, "print", measure=measure.instrument.key)
    return render(request, "outcomes/paper_form.html", _paper_form_context(measure))


@require_GET
def measure_print_pdf(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """The same paper questionnaire as a PDF, through the handout's renderer."""
    from outcomes.report import render_pdf

    measure = _measure(request, pk, measure_pk)
    content = render_pdf("outcomes/paper_form.html", _paper_form_context(measure))
    _viewed(request, measure.program, "print-pdf", measure=measure.instrument.key)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{measure.instrument.key}-questionnaire.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def progress_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-page progress report for the patient's doctor or insurer, as a PDF."""
    from outcomes.report import render_progress_report

    program = _program(request, pk)
    rendered = render_progress_report(program)
    _viewed(request, program, "report")
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
