"""The patient's log ("Today") and calendar reminder under ``/p/<token>/``: ``config/urls.py``
includes them in the ``public`` namespace with the link's own pages (``prescriptions/public/urls.py``)."""

from django.urls import path

from progress import log_views

urlpatterns = [
    path("<str:token>/today/", log_views.today_log, name="today"),
    path("<str:token>/calendar.ics", log_views.calendar_ics, name="calendar"),
]
