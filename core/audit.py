"""One way to write an audit entry, so every view records the same facts."""

from django.db import models
from django.http import HttpRequest

from core.audit_actions import register_actions
from core.client import client_ip
from core.models import AuditEntry

__all__ = ["audit_record", "audit_record_unattended", "register_actions"]


def audit_record(
    *,
    request: HttpRequest | None = None,
    user=None,
    action: str,
    clinic=None,
    patient=None,
    target: models.Model | None = None,
    detail: dict | None = None,
    username: str = "",
) -> AuditEntry:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    # The patient's clinic by its id: no query for the clinic row.
    clinic_id = clinic.pk if clinic is not None else (patient.clinic_id if patient is not None else None)
    return AuditEntry.objects.create(
        user=user,
        username=username or (user.get_username() if user else ""),
        clinic_id=clinic_id,
        patient_id=patient.pk if patient is not None else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=client_ip(request),
        detail=detail or {},
    )


def audit_record_unattended(
    *, action: str, clinic_id: int, patient_id: int | None, target: models.Model, detail: dict
) -> None:
    """The same row as ``audit_record``, for a request nobody is signed in to (the patient link)."""
    AuditEntry.objects.create(
        action=action,
        clinic_id=clinic_id,
        patient_id=patient_id,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        detail=detail,
    )
