from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from core.audit import audit_record
from core.models import AuditAction
from patients.forms import PatientForm
from patients.middleware import SESSION_KEY
from patients.models import Membership, Patient


class ClinicMemberMixin:
    """Views for members of a clinic; anyone else gets a 404, never a hint."""

    def dispatch(self, request, *args, **kwargs):
        if not request.membership:
            raise Http404(_("You are not a member of any clinic."))
        return super().dispatch(request, *args, **kwargs)


class PatientQuerysetMixin(ClinicMemberMixin):
    def get_queryset(self):
        return Patient.objects.for_user(self.request.user)


class PatientListView(ClinicMemberMixin, ListView):
    template_name = "patients/patient_list.html"
    context_object_name = "patients"
    paginate_by = 25

    def get_queryset(self):
        qs = Patient.objects.for_user(self.request.user).filter(clinic=self.request.clinic)
        qs = qs.archived() if self.request.GET.get("show") == "archived" else qs.active()
        query = self.request.GET.get("q", "").strip()[:100]
        if query:
            qs = qs.search(query)
        return qs

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "patient-results":
            return ["patients/_patient_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["query"] = self.request.GET.get("q", "").strip()[:100]
        ctx["show"] = self.request.GET.get("show", "")
        filters = {"q": ctx["query"], "show": ctx["show"]}
        ctx["query_string"] = urlencode({key: value for key, value in filters.items() if value})
        return ctx


class PatientCreateView(ClinicMemberMixin, CreateView):
    model = Patient
    form_class = PatientForm
    template_name = "patients/patient_form.html"

    def form_valid(self, form):
        form.instance.clinic = self.request.clinic
        response = super().form_valid(form)
        audit_record(request=self.request, action=AuditAction.PATIENT_CREATED, patient=self.object, target=self.object)
        messages.success(self.request, _("Patient added."))
        return response


class PatientUpdateView(PatientQuerysetMixin, UpdateView):
    form_class = PatientForm
    template_name = "patients/patient_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            request=self.request,
            action=AuditAction.PATIENT_CHANGED,
            patient=self.object,
            target=self.object,
            detail={"fields": sorted(form.changed_data)},
        )
        messages.success(self.request, _("Patient saved."))
        return response


class PatientDetailView(PatientQuerysetMixin, DetailView):
    template_name = "patients/patient_detail.html"
    context_object_name = "patient"

    def get_queryset(self):
        return super().get_queryset().select_related("clinic")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        from prescriptions.models import Program

        ctx["programs"] = (
            Program.objects.for_user(self.request.user)
            .filter(patient=self.object)
            .with_latest_handout()
            .order_by("archived_at", "-updated_at")
        )
        audit_record(request=self.request, action=AuditAction.PATIENT_VIEWED, patient=self.object, target=self.object)
        return ctx


@require_POST
def patient_archive(request, pk):
    patient = get_object_or_404(Patient.objects.for_user(request.user), pk=pk)
    if request.POST.get("restore"):
        patient.restore()
        audit_record(request=request, action=AuditAction.PATIENT_RESTORED, patient=patient, target=patient)
        messages.success(request, _("Patient restored."))
    else:
        patient.archive()
        audit_record(request=request, action=AuditAction.PATIENT_ARCHIVED, patient=patient, target=patient)
        messages.success(request, _("Patient archived. You can restore them from the archived list."))
    return redirect(patient)


@require_POST
def clinic_switch(request):
    membership = get_object_or_404(
        Membership.objects.active().filter(user=request.user), clinic_id=request.POST.get("clinic")
    )
    request.session[SESSION_KEY] = membership.clinic_id
    messages.success(request, _("You are now working in %(clinic)s.") % {"clinic": membership.clinic.name})
    return HttpResponseRedirect("/")
