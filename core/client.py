"""The address of the person making a request: one answer for the audit log, the sign-in
lockout (django-axes calls this through ``AXES_CLIENT_IP_CALLABLE``) and the link throttles.

Directly on the internet it is ``REMOTE_ADDR``. Behind ``TRUSTED_PROXY_COUNT`` proxies
(``BEHIND_PROXY=1``) each proxy appends the address it received the request from to
``X-Forwarded-For``, so the client is the entry that many places from the right; anything
further left was written by the client and is not trusted.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT if settings.BEHIND_PROXY else 0
    if proxies:
        forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies]) or remote
    return remote
