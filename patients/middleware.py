from django.utils.functional import SimpleLazyObject

from patients.models import Membership

SESSION_KEY = "current_clinic_id"


def _memberships(request):
    if not request.user.is_authenticated:
        return []
    return list(Membership.objects.active().filter(user=request.user).select_related("clinic").order_by("clinic__name"))


def _current_membership(request):
    memberships = request.memberships
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.clinic_id == wanted:
            return membership
    return memberships[0]


class CurrentClinicMiddleware:
    """Sets ``request.membership`` and ``request.clinic`` for the clinic the user works in now.

    Resolved lazily so public pages (patient links, /healthz) cost no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = SimpleLazyObject(lambda: _memberships(request))
        request.membership = SimpleLazyObject(lambda: _current_membership(request))
        request.clinic = SimpleLazyObject(lambda: request.membership.clinic if request.membership else None)
        return self.get_response(request)
