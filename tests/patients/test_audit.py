import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEntry
from patients.audit_actions import PatientAction
from patients.models import Membership, Patient, Role
from patients.services import invitation_create
from tests.factories import PASSWORD, MembershipFactory, PatientFactory, UserFactory

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock


def _only_entry(action):
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [str(e) for e in AuditEntry.objects.all()]
    return entries[0]


# --- Each action leaves exactly one entry ------------------------------------------------------


def test_patient_actions_each_leave_one_entry(clinician_client, clinician, patient):
    clinician_client.get(reverse("patients:patient-detail", args=[patient.pk]))
    clinician_client.post(
        reverse("patients:patient-update", args=[patient.pk]),
        {"first_name": "Maria", "last_name": "Jensen-Berg", "preferred_language": "en"},
    )
    clinician_client.post(reverse("patients:patient-archive", args=[patient.pk]))
    clinician_client.post(reverse("patients:patient-archive", args=[patient.pk]), {"restore": "1"})
    clinician_client.post(reverse("patients:patient-create"), {"first_name": "Ana", "last_name": "Souza"})
    for action in (
        PatientAction.PATIENT_VIEWED,
        PatientAction.PATIENT_CHANGED,
        PatientAction.PATIENT_ARCHIVED,
        PatientAction.PATIENT_RESTORED,
    ):
        entry = _only_entry(action)
        assert (entry.user, entry.patient_id, entry.clinic_id) == (clinician, patient.pk, patient.clinic_id), action
    created = _only_entry(PatientAction.PATIENT_CREATED)
    assert created.user == clinician and Patient.objects.get(pk=created.patient_id).last_name == "Souza"


def test_clinic_admin_actions_each_leave_one_entry(
    clinic_admin_client, clinic_admin, clinic, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        clinic_admin_client.post(reverse("patients:member-invite"), {"email": "eve@example.org", "role": "clinician"})
    invited = _only_entry(PatientAction.MEMBER_INVITED)
    assert (invited.user, invited.clinic_id, invited.patient_id) == (clinic_admin, clinic.pk, None)
    assert invited.detail == {"email": "eve@example.org", "role": "clinician"}

    membership = Membership.objects.get(user=colleague)
    clinic_admin_client.post(
        reverse("patients:member-update", args=[membership.pk]), {"role": "admin", "is_active": "on"}
    )
    changed = _only_entry(PatientAction.MEMBER_CHANGED)
    assert (changed.user, changed.clinic_id, changed.object_type, changed.object_id) == (
        clinic_admin,
        clinic.pk,
        "patients.membership",
        str(membership.pk),
    )

    clinic_admin_client.post(reverse("patients:member-unlock", args=[membership.pk]))
    assert _only_entry(PatientAction.MEMBER_UNLOCKED).user == clinic_admin

    clinic_admin_client.post(
        reverse("patients:clinic-settings"),
        {"name": "Riverside Physio Ltd", "paper_size": "A4", "phone": "", "email": clinic.email},
    )
    clinic_changed = _only_entry(PatientAction.CLINIC_CHANGED)
    assert clinic_changed.detail == {"fields": ["name", "phone"]}

    invitation, _token = invitation_create(
        clinic=clinic, email="z@example.org", role="clinician", invited_by=clinic_admin
    )
    clinic_admin_client.post(reverse("patients:invitation-revoke"), {"invitation": invitation.pk})
    assert _only_entry(PatientAction.INVITATION_REVOKED).object_id == str(invitation.pk)

    clinic_admin_client.get(reverse("patients:audit-export"))
    assert _only_entry(PatientAction.AUDIT_EXPORTED).user == clinic_admin


def test_sign_in_out_and_failures_each_leave_one_entry(client, clinician):
    client.post(reverse("login"), {"username": "alice", "password": "wrong-password-1"})
    failed = _only_entry(PatientAction.SIGNIN_FAILED)
    assert (failed.user, failed.username, failed.ip_address) == (None, "alice", "127.0.0.1")
    assert "wrong-password" not in str(failed.detail)

    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert _only_entry(PatientAction.SIGNIN_SUCCEEDED).user == clinician
    client.post(reverse("logout"))
    assert _only_entry(PatientAction.SIGNED_OUT).user == clinician


def test_entries_hold_ids_not_clinical_text(clinician_client, patient):
    clinician_client.post(
        reverse("patients:patient-update", args=[patient.pk]),
        {"first_name": "Maria", "last_name": "Jensen", "notes": "Post-op left knee, diabetic"},
    )
    entry = _only_entry(PatientAction.PATIENT_CHANGED)
    assert "diabetic" not in str(entry.detail)
    assert "notes" in entry.detail["fields"]


# --- Append-only -----------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted_in_code(clinician, clinic):
    entry = audit_record(user=clinician, action=PatientAction.SIGNIN_SUCCEEDED, clinic=clinic)
    entry.action = PatientAction.SIGNED_OUT
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(action=PatientAction.SIGNED_OUT)
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == PatientAction.SIGNIN_SUCCEEDED


def test_entries_cannot_be_changed_through_the_admin(client, clinician, clinic, settings):
    entry = audit_record(user=clinician, action=PatientAction.SIGNIN_SUCCEEDED, clinic=clinic)
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    change_url = reverse("admin:core_auditentry_change", args=[entry.pk])
    delete_url = reverse("admin:core_auditentry_delete", args=[entry.pk])
    changelist = reverse("admin:core_auditentry_changelist")

    assert client.get(change_url).status_code == 200  # read-only view
    assert client.post(change_url, {"action": "auth.signout", "username": "x"}).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    bulk = client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code == 200  # The changelist offers no action, so the POST only shows it again.
    model_admin = site._registry[AuditEntry]
    assert "delete_selected" not in model_admin.get_actions(bulk.wsgi_request)
    assert AuditEntry.objects.get(pk=entry.pk).action == PatientAction.SIGNIN_SUCCEEDED
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_no_view_changes_entries(clinic_admin_client, clinician, clinic):
    entry = audit_record(user=clinician, action=PatientAction.SIGNIN_SUCCEEDED, clinic=clinic)
    before = list(AuditEntry.objects.values_list("pk", "action", "user_id", "created_at"))
    for url in (reverse("patients:audit-log"), reverse("patients:audit-export")):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(clinic_admin_client, method)(url, {"pk": entry.pk, "action": "auth.signout"})
            assert response.status_code == 405, (url, method)
    assert list(AuditEntry.objects.values_list("pk", "action", "user_id", "created_at")) == before


# --- The clinic's audit log page -----------------------------------------------------------------


def test_log_shows_the_clinics_entries_and_members_sign_ins_only(
    clinic_admin_client, clinician, outsider, patient, other_clinic
):
    audit_record(user=clinician, action=PatientAction.PATIENT_VIEWED, patient=patient)
    audit_record(user=clinician, action=PatientAction.SIGNIN_SUCCEEDED)
    audit_record(user=None, username="alice", action=PatientAction.SIGNIN_FAILED)
    theirs = PatientFactory(clinic=other_clinic, first_name="Secret", last_name="Person")
    audit_record(user=outsider, action=PatientAction.PATIENT_VIEWED, patient=theirs)
    audit_record(user=outsider, action=PatientAction.SIGNIN_SUCCEEDED)
    audit_record(user=None, username="charlie", action=PatientAction.SIGNIN_FAILED)

    response = clinic_admin_client.get(reverse("patients:audit-log"))
    rows = {(e.username, e.action) for e in response.context["entries"]}
    assert rows == {
        ("dana", PatientAction.SIGNIN_SUCCEEDED),  # the admin's own sign-in (force_login)
        ("alice", PatientAction.PATIENT_VIEWED),
        ("alice", PatientAction.SIGNIN_SUCCEEDED),
        ("alice", PatientAction.SIGNIN_FAILED),
    }
    assert b"Maria Jensen" in response.content
    assert b"Secret" not in response.content
    assert b"charlie" not in response.content


def test_log_filters_by_patient_user_action_and_dates(clinic_admin_client, clinician, colleague, clinic):
    maria = PatientFactory(clinic=clinic, first_name="Maria")
    ana = PatientFactory(clinic=clinic, first_name="Ana")
    audit_record(user=clinician, action=PatientAction.PATIENT_VIEWED, patient=maria)
    audit_record(user=colleague, action=PatientAction.PATIENT_VIEWED, patient=ana)
    audit_record(user=colleague, action=PatientAction.PATIENT_CHANGED, patient=maria)
    old = AuditEntry(
        user=clinician,
        username="alice",
        clinic_id=clinic.pk,
        patient_id=ana.pk,
        action=PatientAction.PATIENT_VIEWED,
        created_at=timezone.now() - timedelta(days=40),
    )
    old.save()
    url = reverse("patients:audit-log")

    def rows(**params):
        response = clinic_admin_client.get(url, params)
        assert response.status_code == 200
        # Entries about patients (the admin's own sign-in is in the log too).
        return sorted(
            (e.username, e.patient_name.split()[0], e.action) for e in response.context["entries"] if e.patient_name
        )

    assert rows(patient=maria.pk) == [("alice", "Maria", "patient.viewed"), ("bob", "Maria", "patient.changed")]
    assert rows(user=colleague.pk) == [("bob", "Ana", "patient.viewed"), ("bob", "Maria", "patient.changed")]
    assert rows(action="patient.changed") == [("bob", "Maria", "patient.changed")]
    today = timezone.localdate()
    assert len(rows(date_from=today.isoformat())) == 3
    assert rows(date_to=(today - timedelta(days=30)).isoformat()) == [("alice", "Ana", "patient.viewed")]
    assert rows(user=clinician.pk, patient=ana.pk) == [("alice", "Ana", "patient.viewed")]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to", "on or after the start date"),
        ({"date_from": "yesterday"}, "date_from", "Enter a valid date."),
        ({"date_to": "9999-12-31"}, "date_to", "Enter a date between 2000 and 2100."),
        ({"patient": "abc"}, "patient", "Select a valid choice."),
        ({"action": "patient.deleted"}, "action", "Select a valid choice."),
    ],
)
def test_bad_filters_say_what_to_fix(clinic_admin_client, params, field, message):
    response = clinic_admin_client.get(reverse("patients:audit-log"), params)
    assert response.status_code == 200
    assert message in " ".join(response.context["filter_form"].errors[field])


def test_another_clinics_patient_cannot_be_used_as_a_filter(clinic_admin_client, other_clinic, outsider):
    theirs = PatientFactory(clinic=other_clinic)
    audit_record(user=outsider, action=PatientAction.PATIENT_VIEWED, patient=theirs)
    response = clinic_admin_client.get(reverse("patients:audit-log"), {"patient": theirs.pk})
    assert "Select a valid choice." in " ".join(response.context["filter_form"].errors["patient"])
    assert list(response.context["entries"]) == []  # an invalid filter shows nothing rather than everything
    assert b"No entries match these filters." in response.content


def test_log_page_query_count_does_not_grow(clinic_admin_client, clinic, clinician, django_assert_num_queries):
    def add_entries(n):
        for _ in range(n):
            patient = PatientFactory(clinic=clinic)
            audit_record(user=clinician, action=PatientAction.PATIENT_VIEWED, patient=patient)
            audit_record(user=MembershipFactory(clinic=clinic).user, action=PatientAction.SIGNIN_SUCCEEDED)

    url = reverse("patients:audit-log")
    # 1 session, 2 user, 3 the user's memberships with their clinics (the admin check and the
    # menu), 4 count for the pager, 5 the filter's patient choices, 6 its user choices, 7 the
    # page of entries with their patients.
    queries = 7
    clinic_admin_client.get(url)  # the first request after signing in renews the session's expiry
    add_entries(2)
    with django_assert_num_queries(queries):
        clinic_admin_client.get(url)
    add_entries(20)
    with django_assert_num_queries(queries):
        response = clinic_admin_client.get(url)
    assert len(response.context["entries"]) == 45  # and the admin's own sign-in


def test_log_is_paginated_newest_first(clinic_admin_client, clinic, clinician):
    for _ in range(55):
        audit_record(user=clinician, action=PatientAction.SIGNIN_SUCCEEDED)
    first = clinic_admin_client.get(reverse("patients:audit-log"), {"user": clinician.pk})
    assert len(first.context["entries"]) == 50
    assert f"user={clinician.pk}&amp;page=2".encode() in first.content
    second = clinic_admin_client.get(reverse("patients:audit-log"), {"user": clinician.pk, "page": 2})
    assert len(second.context["entries"]) == 5
    assert first.context["entries"][0].created_at >= second.context["entries"][0].created_at


# --- CSV export --------------------------------------------------------------------------------


def _csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_has_the_filtered_entries(clinic_admin_client, clinic, clinician, colleague, patient):
    audit_record(user=clinician, action=PatientAction.PATIENT_VIEWED, patient=patient, target=patient)
    audit_record(user=colleague, action=PatientAction.PATIENT_VIEWED, patient=patient, target=patient)
    response = clinic_admin_client.get(reverse("patients:audit-export"), {"user": clinician.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="homerx-audit-')
    rows = _csv(response)
    assert [(r["user"], r["action"], r["action_label"], r["patient_id"], r["patient"]) for r in rows] == [
        ("alice", "patient.viewed", "Viewed patient", str(patient.pk), "Maria Jensen")
    ]
    exported = _only_entry(PatientAction.AUDIT_EXPORTED)
    assert exported.detail == {"user": str(clinician.pk)}


def test_csv_export_neutralises_spreadsheet_formulas(clinic_admin_client, clinic):
    member = MembershipFactory(clinic=clinic, user__username="=HYPERLINK(1)", role=Role.CLINICIAN).user
    audit_record(user=None, username=member.username, action=PatientAction.SIGNIN_FAILED)
    rows = _csv(clinic_admin_client.get(reverse("patients:audit-export"), {"action": "auth.signin_failed"}))
    assert [r["user"] for r in rows] == ["'=HYPERLINK(1)"]


def test_an_unregistered_action_is_refused(clinician):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        audit_record(user=clinician, action="patient.teleported")
    assert not AuditEntry.objects.filter(action="patient.teleported").exists()


def test_each_app_registers_its_own_actions():
    from core.audit_actions import action_choices, action_label
    from prescriptions.audit_actions import ProgramAction

    registered = dict(action_choices())
    assert set(PatientAction.values) | set(ProgramAction.values) <= set(registered)
    assert action_label("handout.viewed") == "Viewed handout"
