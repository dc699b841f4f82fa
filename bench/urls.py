"""The project's URLs and the signed-in floor page, served only under bench/settings.py.

The floor is what every signed-in page costs before its own content: the session, the user and
their memberships loaded, ``base.html`` rendered with nothing in it. Clinician pages are
measured against it in the same loop, as public pages are against /healthz.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as project_urlpatterns

FLOOR_PATH = "/bench/signed-in-floor/"


@require_GET
def signed_in_floor(request: HttpRequest) -> HttpResponse:
    # Signed-in only (LoginRequiredMiddleware); base.html reads the memberships for its menu.
    return render(request, "base.html")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", signed_in_floor, name="bench-signed-in-floor"), *project_urlpatterns]
