"""One way to write an audit entry, so every view records the same facts."""

from patients.models import AuditAction, AuditEntry


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a trusted proxy
    # rewrites it, which a deployment configures at the proxy.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_record(
    *,
    request=None,
    user=None,
    action: AuditAction,
    clinic=None,
    patient=None,
    target=None,
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
