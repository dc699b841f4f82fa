"""The address of the person making a request, as the audit log, lockout and throttles see it."""

from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a trusted proxy
    # rewrites it, which a deployment configures at the proxy.
    return request.META.get("REMOTE_ADDR") if request is not None else None
