import sys

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.storage import default_storage, storages
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import Min
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.storage import StorageUnavailable, check_storage
from exercises.models import ExercisePicture
from prescriptions.models import HandoutClaim

# Plain HTML: rendering a template could need the database that is down (context processors).
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>HomeRx is briefly unavailable</title></head>
<body>
<h1>HomeRx is briefly unavailable</h1>
<p>Nothing you saved is lost. Please try again in a minute.</p>
</body></html>
"""
STORAGE_UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>HomeRx could not store a file</title></head>
<body>
<h1>HomeRx could not store a file</h1>
<p>The file storage is full or unavailable, so nothing was saved. Please try again in a minute.</p>
</body></html>
"""
RETRY_AFTER_SECONDS = 60


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The app's view of its services, for load balancers and operators.

    200 when the database, the cache and the file storage all answer; 503 (with ``Retry-After``)
    when one does not, naming it. ``oldest_queued_render_seconds`` is how long the oldest issued
    version has waited for its PDF (``null``: none waiting): a number that keeps growing means no
    task worker is running. One database query, one cache read, one storage round trip.
    """
    try:
        # The database check and the render queue's age in one query.
        oldest = HandoutClaim.objects.filter(failed_at__isnull=True).aggregate(oldest=Min("claimed_at"))["oldest"]
    except DatabaseError:
        return _unhealthy({"status": "error", "database": "unreachable"})
    report = {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}
    try:
        cache.get(HEALTHZ_CACHE_KEY)
    except Exception:  # any client error of any cache backend means the same: it does not answer
        report["cache"] = "unreachable"
    try:
        check_storage(storages["private"])
    except StorageUnavailable:
        report["storage"] = "unreachable"
    report["oldest_queued_render_seconds"] = (
        round((timezone.now() - oldest).total_seconds(), 1) if oldest is not None else None
    )
    if "unreachable" in report.values():
        report["status"] = "error"
        return _unhealthy(report)
    return JsonResponse(report)


HEALTHZ_CACHE_KEY = "healthz"


def _unhealthy(report: dict) -> JsonResponse:
    response = JsonResponse(report, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands (``LOGIN_REDIRECT_URL``): the first page the user's role may see.

    A clinic's member: its patients. A catalogue editor (staff, no clinic): the admin. Anyone
    else (a member whose clinic removed them): a page that says what to do.
    """
    if request.memberships:
        return redirect("patients:patient-list")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "no_clinic.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage is a 503 the person can act on, not a bare 500.

    Django calls this while handling the uncaught exception, so ``sys.exc_info()`` names it.
    Every write is in a transaction, so a request cut off by the outage saved nothing.
    """
    error = sys.exc_info()[1]
    # A storage the view did not expect to fail (its own message is better): nothing was left in it.
    if isinstance(error, StorageUnavailable):
        response = HttpResponse(STORAGE_UNAVAILABLE_PAGE, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(UNAVAILABLE_PAGE, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)


# Clinic logos are printed on every handout and shown on every patient page: public by design.
PUBLIC_MEDIA_FOLDERS = ("clinic-logos/",)
PUBLIC_MEDIA_MAX_AGE = 24 * 60 * 60


@login_not_required
@require_GET
def public_media(request: HttpRequest, name: str) -> FileResponse:
    """A file of the public media storage that is public by design; 404 for everything else.

    Uploaded pictures share one folder: a picture of the shared catalogue is public, a clinic's
    own photo is not (its clinic's members and its patients' links have their own views).
    """
    public = name.startswith(PUBLIC_MEDIA_FOLDERS) or (
        ExercisePicture.objects.filter(image=name, exercise__in_catalogue=True).exists()
    )
    if not public or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"))
    response["Cache-Control"] = f"public, max-age={PUBLIC_MEDIA_MAX_AGE}"
    return response
