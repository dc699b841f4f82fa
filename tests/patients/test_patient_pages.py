import datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from patients.audit_actions import PatientAction
from patients.models import Patient
from prescriptions.models import Handout
from tests.factories import PatientFactory, ProgramFactory


def test_clinician_creates_a_patient(clinician_client, clinic):
    response = clinician_client.post(
        reverse("patients:patient-create"),
        {
            "first_name": "Ana",
            "last_name": "Souza",
            "date_of_birth": "1970-02-03",
            "email": "ana@example.org",
            "phone": "+351 21 000 0000",
            "preferred_language": "pt",
            "notes": "",
        },
    )
    patient = Patient.objects.get(last_name="Souza")
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    assert patient.clinic == clinic
    assert AuditEntry.objects.filter(action=PatientAction.PATIENT_CREATED, patient_id=patient.pk).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2999-01-01", "The date cannot be in the future."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("first_name", "x" * 10_000, "Ensure this value has at most 100 characters (it has 10000)."),
        ("phone", "call me maybe", "Enter a phone number using digits"),
        ("last_name", "", "This field is required."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_saved(clinician_client, field, value, message):
    data = {
        "first_name": "Ana",
        "last_name": "Souza",
        "date_of_birth": "1970-02-03",
        "email": "ana@example.org",
        "phone": "",
        "preferred_language": "en",
        "notes": "",
    }
    data[field] = value
    response = clinician_client.post(reverse("patients:patient-create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Patient.objects.count() == 0


def test_search_finds_patients_by_either_name_in_any_order(clinician_client, clinic):
    PatientFactory(clinic=clinic, first_name="Maria", last_name="Jensen")
    PatientFactory(clinic=clinic, first_name="Mario", last_name="Rossi")
    response = clinician_client.get(reverse("patients:patient-list"), {"q": "jensen MARIA"})
    assert [p.last_name for p in response.context["patients"]] == ["Jensen"]


def test_patient_list_shows_only_own_clinic(clinician_client, clinic, other_clinic):
    PatientFactory(clinic=clinic, last_name="Ours")
    PatientFactory(clinic=other_clinic, last_name="Theirs")
    response = clinician_client.get(reverse("patients:patient-list"))
    assert [p.last_name for p in response.context["patients"]] == ["Ours"]
    assert b"Theirs" not in response.content


def test_archive_and_restore(clinician_client, patient):
    clinician_client.post(reverse("patients:patient-archive", args=[patient.pk]))
    patient.refresh_from_db()
    assert patient.is_archived
    listed = clinician_client.get(reverse("patients:patient-list")).context["patients"]
    assert patient not in listed
    archived = clinician_client.get(reverse("patients:patient-list"), {"show": "archived"}).context["patients"]
    assert patient in archived
    clinician_client.post(reverse("patients:patient-archive", args=[patient.pk]), {"restore": "1"})
    patient.refresh_from_db()
    assert not patient.is_archived


def test_viewing_a_patient_is_audited(clinician_client, clinician, patient):
    clinician_client.get(patient.get_absolute_url())
    entry = AuditEntry.objects.get(action=PatientAction.PATIENT_VIEWED)
    assert (entry.user, entry.patient_id) == (clinician, patient.pk)


def test_edit_keeps_the_patient_in_its_clinic(clinician_client, patient, clinic):
    response = clinician_client.post(
        reverse("patients:patient-update", args=[patient.pk]),
        {
            "first_name": "Maria",
            "last_name": "Jensen-Berg",
            "date_of_birth": "1958-03-14",
            "email": "",
            "phone": "",
            "preferred_language": "en",
            "notes": "",
            "clinic": "999",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.last_name == "Jensen-Berg" and patient.clinic == clinic


@pytest.mark.parametrize("count", [1, 60])
def test_patient_list_query_count_does_not_grow(clinician_client, clinic, count, django_assert_num_queries):
    PatientFactory.create_batch(count, clinic=clinic, date_of_birth=datetime.date(1980, 1, 1))
    # 1 session, 2 user, 3 the user's memberships with their clinics (current clinic and
    # the menu's clinic switcher), 4 count for the paginator, 5 the page of patients,
    # 6 the issued programs of the page's patients, for "Needs attention" (none here: no more),
    # 7-9 the session saved again in a savepoint (idle timeout is renewed on every request).
    with django_assert_num_queries(9):
        response = clinician_client.get(reverse("patients:patient-list"))
    assert len(response.context["patients"]) == min(count, 25)


def test_healthz_is_503_when_database_is_down(client, db, monkeypatch):
    from django.db import DatabaseError, connection

    def refused(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patched:  # undone before the test database is cleaned up
        patched.setattr(connection, "cursor", refused)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_user_in_two_clinics_switches(client, clinician, clinic, other_clinic):
    from patients.models import Membership

    Membership.objects.create(user=clinician, clinic=other_clinic)
    PatientFactory(clinic=other_clinic, last_name="Elsewhere")
    client.force_login(clinician)
    first = client.get(reverse("patients:patient-list")).context["current_clinic"]
    client.post(reverse("patients:clinic-switch"), {"clinic": other_clinic.pk if first == clinic else clinic.pk})
    second = client.get(reverse("patients:patient-list")).context["current_clinic"]
    assert {first.pk, second.pk} == {clinic.pk, other_clinic.pk}


def test_switching_to_a_clinic_you_are_not_in_is_404(clinician_client, other_clinic):
    response = clinician_client.post(reverse("patients:clinic-switch"), {"clinic": other_clinic.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_patient_detail_query_count_does_not_grow_with_programs(
    clinician_client, clinician, patient, count, django_assert_num_queries
):
    for n in range(count):
        program = ProgramFactory(patient=patient, created_by=clinician, title=f"Program {n:02d}")
        for version in (1, 2):  # Issued twice: the page shows the newest version.
            Handout.objects.create(
                program=program,
                version=version,
                snapshot={},
                pdf=f"handouts/{program.pk}-{version}.pdf",
                pdf_sha256="0" * 64,
                page_count=1,
                issued_by=clinician,
            )
    ProgramFactory(patient=PatientFactory(clinic=patient.clinic), title="Someone else's program")

    # 1 session, 2 user, 3 the user's memberships with their clinics (current clinic and the
    # menu), 4 the patient (scoped to the user's clinics), 5 the "viewed patient" audit entry,
    # 6 the patient's programs, each with its newest handout's version and date (subqueries),
    # 7-9 the session saved again in a savepoint (idle timeout is renewed on every request).
    with django_assert_num_queries(9):
        response = clinician_client.get(patient.get_absolute_url())

    html = response.content.decode()
    assert html.count("Issued v2") == count
    assert f"Program {count - 1:02d}" in html and "Someone else's program" not in html
