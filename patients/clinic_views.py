"""Clinic administration in the app: members, invitations, clinic settings and the audit log.

Only an admin of the clinic the user works in now reaches these pages; everyone else gets a
404, like any object outside their clinic.
"""

import csv
import datetime
import json
from urllib.parse import urlencode

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.forms import parse_id
from core.models import AuditEntry
from core.pagination import page_of
from core.storage import StorageUnavailable
from patients import services
from patients.audit_actions import PatientAction
from patients.forms import AuditFilterForm, ClinicForm, InvitationAcceptForm, InvitationForm, MembershipForm
from patients.middleware import SESSION_KEY
from patients.models import Clinic, Invitation, Membership, Patient

AUDIT_ENTRIES_PER_PAGE = 50

LOGO_NOT_STORED = gettext_lazy(
    "The logo could not be stored: the file storage is full or unavailable. Nothing was saved; try again in a minute."
)


def _admin_membership(request: HttpRequest) -> Membership:
    membership = request.membership
    if not membership or not membership.is_admin:
        raise Http404(_("Only clinic admins can open this page."))
    return membership


def _clinic_members(clinic):
    return Membership.objects.filter(clinic=clinic)


def locked_out_usernames(request, clinic) -> set[str]:
    """Usernames of the clinic's members whom django-axes currently locks out (one query)."""
    attempts = AccessAttempt.objects.filter(username__in=_clinic_members(clinic).values("user__username"))
    cool_off = get_cool_off(request)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = attempts.values("username").annotate(failures=Sum("failures_since_start"))
    limit = get_failure_limit(request, None)
    return {row["username"] for row in rows if row["failures"] >= limit}


# --- Clinic settings -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def clinic_settings(request: HttpRequest) -> HttpResponse:
    _admin_membership(request)
    clinic = Clinic.objects.get(pk=request.clinic.pk)
    form = ClinicForm(request.POST or None, request.FILES or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.info(request, _("Nothing changed."))
            return redirect("patients:clinic-settings")
        try:
            services.clinic_settings_save(form=form, request=request)
        except StorageUnavailable:
            form.add_error("logo", LOGO_NOT_STORED)
            clinic.refresh_from_db()  # the page shows the logo still stored
            response = render(
                request, "patients/clinic_settings.html", {"form": form, "object": clinic, "clinic": clinic}, status=503
            )
            response["Retry-After"] = "60"
            return response
        messages.success(request, _("Clinic settings saved."))
        return redirect("patients:clinic-settings")
    return render(request, "patients/clinic_settings.html", {"form": form, "object": clinic, "clinic": clinic})


# --- Members and invitations -----------------------------------------------------------------


@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    _admin_membership(request)
    clinic = request.clinic
    memberships = (
        _clinic_members(clinic)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name", "user__username")
    )
    context = {
        "memberships": memberships,
        "invite_form": InvitationForm(clinic=clinic),
        "invitations": Invitation.objects.pending().filter(clinic=clinic).select_related("invited_by"),
        "locked": locked_out_usernames(request, clinic),
    }
    return render(request, "patients/clinic_members.html", context)


@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest) -> HttpResponse:
    _admin_membership(request)
    form = InvitationForm(request.POST or None, clinic=request.clinic)
    if request.method == "POST" and form.is_valid():
        invitation, _token = services.invitation_create(
            clinic=request.clinic,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
            request=request,
        )
        messages.success(
            request,
            _("Invitation sent to %(email)s. The link works once and expires in %(days)s days.")
            % {"email": invitation.email, "days": Invitation.VALID_FOR.days},
        )
        return redirect("patients:clinic-members")
    return render(request, "patients/clinic_invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
def member_update(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_membership(request)
    membership = get_object_or_404(_clinic_members(request.clinic).select_related("user", "clinic"), pk=pk)
    form = MembershipForm(request.POST or None, initial={"role": membership.role, "is_active": membership.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.membership_update(
                membership=membership,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            name = membership.user.get_full_name() or membership.user.get_username()
            if not changed:
                messages.info(request, _("Nothing changed."))
            elif not membership.is_active:
                messages.success(request, _("%(name)s no longer has access to this clinic.") % {"name": name})
            else:
                messages.success(request, _("%(name)s’s membership saved.") % {"name": name})
            return redirect("patients:clinic-members")
    context = {
        "form": form,
        "membership": membership,
        "member": membership.user,
        "is_self": membership.user_id == request.user.pk,
        "is_locked": membership.user.get_username() in locked_out_usernames(request, request.clinic),
    }
    return render(request, "patients/clinic_member_form.html", context)


@require_POST
def member_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_membership(request)
    membership = get_object_or_404(_clinic_members(request.clinic).select_related("user", "clinic"), pk=pk)
    services.member_unlock(membership=membership, user=request.user, request=request)
    messages.success(
        request,
        _("%(name)s can sign in again.") % {"name": membership.user.get_full_name() or membership.user.get_username()},
    )
    return redirect("patients:clinic-members")


@require_POST
def invitation_revoke(request: HttpRequest) -> HttpResponse:
    _admin_membership(request)
    invitation_id = parse_id(request.POST.get("invitation"))
    if invitation_id is None:
        raise Http404(_("No such invitation."))
    invitation = get_object_or_404(
        Invitation.objects.pending().filter(clinic=request.clinic).select_related("clinic"), pk=invitation_id
    )
    services.invitation_revoke(invitation=invitation, user=request.user, request=request)
    messages.success(
        request, _("Invitation to %(email)s withdrawn; its link no longer works.") % {"email": invitation.email}
    )
    return redirect("patients:clinic-members")


# --- Accepting an invitation (public: the link is the credential) ----------------------------


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.by_token(token[:100]).select_related("clinic").first()
    if invitation is None or not invitation.is_usable:
        return render(request, "registration/invitation_invalid.html", status=404)

    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    ctx = {"invitation": invitation, "clinic": invitation.clinic}

    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            ctx["wrong_account"] = True
            return render(request, "registration/invitation_accept.html", ctx)
        if request.method == "POST":
            try:
                membership = services.invitation_accept(invitation=invitation, user=request.user, request=request)
            except ValidationError:
                return render(request, "registration/invitation_invalid.html", status=404)
            request.session[SESSION_KEY] = membership.clinic_id
            messages.success(request, _("You have joined %(clinic)s.") % {"clinic": membership.clinic.name})
            return redirect("patients:patient-list")
        ctx["join_as"] = request.user
        return render(request, "registration/invitation_accept.html", ctx)

    if existing is not None:
        ctx["sign_in_first"] = True
        ctx["login_url"] = f"{reverse('login')}?{urlencode({'next': request.path})}"
        return render(request, "registration/invitation_accept.html", ctx)

    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                services.invitation_accept(invitation=invitation, user=user, request=request)
        except ValidationError:
            return render(request, "registration/invitation_invalid.html", status=404)
        messages.success(
            request,
            _("Your account is ready and you have joined %(clinic)s. Sign in with your new username and password.")
            % {"clinic": invitation.clinic.name},
        )
        return redirect("login")
    ctx["form"] = form
    return render(request, "registration/invitation_accept.html", ctx)


# --- Audit log --------------------------------------------------------------------------------


def _filtered_log(request):
    clinic = request.clinic
    form = AuditFilterForm(request.GET or None, clinic=clinic)
    # The log keeps the patient by id (core is below patients): their name read beside each entry.
    name = Concat("first_name", Value(" "), "last_name", output_field=CharField())
    patient_name = Patient.objects.filter(pk=OuterRef("patient_id")).annotate(name=name).values("name")
    entries = AuditEntry.objects.for_clinic(clinic).annotate(patient_name=Subquery(patient_name))
    if form.is_bound:
        entries = form.filter(entries)
    return form, entries


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _admin_membership(request)
    filter_form, entries = _filtered_log(request)
    page = page_of(request, entries, AUDIT_ENTRIES_PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "entries": page.object_list,
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "filter_form": filter_form,
        "filter_query": params.urlencode(),
    }
    return render(request, "patients/clinic_audit_log.html", context)


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """Neutralise values a spreadsheet would run as a formula (a username can be anything typed)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


CSV_COLUMNS = [
    "time_utc", "user", "action", "action_label", "patient_id", "patient", "object_type", "object_id",
    "ip_address", "detail",
]  # fmt: skip


def _csv_rows(entries):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                _cell(entry.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")),
                _cell(entry.username),
                _cell(entry.action),
                _cell(entry.action_label),
                _cell(entry.patient_id),
                _cell((entry.patient_name or "").strip()),
                _cell(entry.object_type),
                _cell(entry.object_id),
                _cell(entry.ip_address),
                _cell(json.dumps(entry.detail, sort_keys=True, ensure_ascii=False) if entry.detail else ""),
            ]
        )


@require_GET
@never_cache
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    membership = _admin_membership(request)
    form, entries = _filtered_log(request)
    filters = {name: str(request.GET[name])[:40] for name in form.fields if request.GET.get(name)}
    audit_record(request=request, action=PatientAction.AUDIT_EXPORTED, clinic=membership.clinic, detail=filters)
    filename = f"homerx-audit-{membership.clinic_id}-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
