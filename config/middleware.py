import re
import time

from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """Deny browser features HomeRx never uses (camera, geolocation, ...)."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class PrivatePagesNoStoreMiddleware:
    """Keep signed-in pages out of every cache.

    They show health data; on a shared clinic computer the browser's back button or disk
    cache must not bring a patient's page back after sign-out. A view that sets its own
    Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


# C0 controls and DEL, but tab, line feed and carriage return, which a text area may send.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RejectControlCharactersMiddleware:
    """Answer 400 to a query parameter or form field holding a control character.

    No person types a NUL byte; PostgreSQL cannot store one (a bare 500 otherwise), and the
    others would reach a page or a PDF. Checked once here, for every view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields.append(request.POST)
        for data in fields:
            for key, values in data.lists():
                if CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values):
                    return HttpResponseBadRequest(
                        "The request holds a control character (such as a NUL byte) that HomeRx cannot store. "
                        "Remove it and try again.",
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)


class SessionIdleRenewalMiddleware:
    """Move a session's idle expiry on at most once a minute, instead of on every request.

    A signed-in session ends ``SESSION_COOKIE_AGE`` (30 minutes) after the last activity, so
    its expiry must follow activity; but ``SESSION_SAVE_EVERY_REQUEST`` made every page view a
    write transaction on the session row. Here the session is marked changed (and so saved,
    with a new expiry, by ``SessionMiddleware``) only when its last renewal is a minute old:
    the session ends between 29 and 30 minutes after the last request. Placed below
    ``SessionMiddleware`` so its response pass runs first.
    """

    RENEWED_AT = "_renewed_at"
    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No session key: nobody signed in (a patient link, /healthz); nothing to renew or load.
        if session is not None and session.session_key is not None and AUTH_SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(self.RENEWED_AT, 0) >= self.RENEW_AFTER_SECONDS:
                session[self.RENEWED_AT] = now
        return response
