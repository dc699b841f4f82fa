from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from patients.models import Membership

SESSION_KEY = "current_clinic_id"
# The signed-in user's interface language (UserPreference), copied into the session at sign-in and
# when changed, so pages cost no query for it.
LANGUAGE_SESSION_KEY = "interface_language"


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


class InterfaceLanguageMiddleware:
    """Clinicians' pages in the language they chose (English by default), after LocaleMiddleware.

    Pages a patient reads set their own language (the handout's) with translation.override.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.session.get(LANGUAGE_SESSION_KEY) if hasattr(request, "session") else None
        if language in self.languages:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
