"""The per-address sign-in limit, above django-axes' per-account-and-address lockout.

Axes locks one account from one address after a few failures, so a colleague at the same
clinic address is not locked out by someone else's typos. An address that fails many times
across accounts (a scanner) is refused here, before any password is checked.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied

from core.throttle import AddressThrottle

SIGNIN_FAILURE_WINDOW = 30 * 60


def signin_address_throttle() -> AddressThrottle:
    return AddressThrottle("signin", limit=settings.SIGNIN_ADDRESS_FAILURE_LIMIT, window=SIGNIN_FAILURE_WINDOW)


class AddressLimitBackend:
    """Refuses every sign-in from an address over its failure limit; authenticates nobody itself.

    No ``get_user`` (so not a ``BaseBackend``): it never owns a session, and Django's
    ``force_login`` and session loading skip it.
    """

    def authenticate(self, request, **credentials):
        if request is not None and signin_address_throttle().is_exceeded(request):
            raise PermissionDenied("too many failed sign-ins from this address")
        return None
