"""Patient pages: list and search, create, edit, view, archive; the clinic switcher.

Views are functions (the project's one convention, see README "Layout"): each looks its
objects up through ``Patient.objects.for_user`` so another clinic's patient is a 404.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.pagination import page_of
from patients.audit_actions import PatientAction
from patients.extensions import list_badges, patient_sections
from patients.forms import PatientForm
from patients.middleware import LANGUAGE_SESSION_KEY, SESSION_KEY
from patients.models import Membership, Patient, UserPreference

PATIENTS_PER_PAGE = 25
QUERY_MAX_LENGTH = 100


def clinic_member_required(view):
    """Views for members of a clinic; anyone else gets a 404, never a hint."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.membership:
            raise Http404(_("You are not a member of any clinic."))
        return view(request, *args, **kwargs)

    return wrapper


def _patient(request: HttpRequest, pk: int) -> Patient:
    return get_object_or_404(Patient.objects.for_user(request.user).select_related("clinic"), pk=pk)


@require_GET
@clinic_member_required
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    show = request.GET.get("show", "")
    patients = Patient.objects.for_user(request.user).filter(clinic=request.clinic)
    patients = patients.archived() if show == "archived" else patients.active()
    if query:
        patients = patients.search(query)
    page = page_of(request, patients, PATIENTS_PER_PAGE)
    shown = list(page.object_list)
    badges = list_badges(request, shown) if shown else {}
    filters = {"q": query, "show": show}
    context = {
        "patients": shown,
        "rows": [(patient, badges.get(patient.pk, [])) for patient in shown],
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "query": query,
        "show": show,
        "query_string": urlencode({key: value for key, value in filters.items() if value}),
    }
    partial = request.htmx and request.htmx.target == "patient-results"
    return render(request, "patients/_patient_results.html" if partial else "patients/patient_list.html", context)


@require_http_methods(["GET", "POST"])
@clinic_member_required
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.clinic = request.clinic
        patient = form.save()
        audit_record(request=request, action=PatientAction.PATIENT_CREATED, patient=patient, target=patient)
        messages.success(request, _("Patient added."))
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@clinic_member_required
def patient_update(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _patient(request, pk)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            request=request,
            action=PatientAction.PATIENT_CHANGED,
            patient=patient,
            target=patient,
            detail={"fields": sorted(form.changed_data)},
        )
        messages.success(request, _("Patient saved."))
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "object": patient, "patient": patient})


@require_GET
@clinic_member_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _patient(request, pk)
    audit_record(request=request, action=PatientAction.PATIENT_VIEWED, patient=patient, target=patient)
    context = {"patient": patient, "object": patient, "sections": patient_sections()}
    return render(request, "patients/patient_detail.html", context)


@require_POST
def patient_archive(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.for_user(request.user), pk=pk)
    if request.POST.get("restore"):
        patient.restore()
        audit_record(request=request, action=PatientAction.PATIENT_RESTORED, patient=patient, target=patient)
        messages.success(request, _("Patient restored."))
    else:
        patient.archive()
        audit_record(request=request, action=PatientAction.PATIENT_ARCHIVED, patient=patient, target=patient)
        messages.success(request, _("Patient archived. You can restore them from the archived list."))
    return redirect(patient)


@require_POST
def clinic_switch(request: HttpRequest) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.active().filter(user=request.user), clinic_id=request.POST.get("clinic")
    )
    request.session[SESSION_KEY] = membership.clinic_id
    messages.success(request, _("You are now working in %(clinic)s.") % {"clinic": membership.clinic.name})
    return HttpResponseRedirect("/")


@require_POST
def interface_language(request: HttpRequest) -> HttpResponse:
    """The signed-in user's interface language: kept on their preference and in the session."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponse(status=400)
    UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
    request.session[LANGUAGE_SESSION_KEY] = language
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()})
    return HttpResponseRedirect(target if safe else "/")
