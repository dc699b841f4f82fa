"""One way to write an audit entry, so every view records the same facts."""

from django.db import models
from django.http import HttpRequest

from core.client import client_ip
from core.models import AuditAction, AuditEntry


def audit_record(
    *,
    request: HttpRequest | None = None,
    user=None,
    action: AuditAction,
    clinic=None,
    patient=None,
    target: models.Model | None = None,
    detail: dict | None = None,
    username: str = "",
) -> AuditEntry:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if patient is not None and clinic is None:
        clinic = patient.clinic
    return AuditEntry.objects.create(
        user=user,
        username=username or (user.get_username() if user else ""),
        clinic=clinic,
        patient=patient,
        action=action,
        object_type=target._meta.model_name if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=client_ip(request),
        detail=detail or {},
    )
