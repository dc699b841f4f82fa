"""The patient's private link (no account): ``/p/<token>/`` and its PDF."""

from django.urls import path

from prescriptions import log_views, public_views

app_name = "public"

urlpatterns = [
    path("<str:token>/", public_views.handout_page, name="handout"),
    path("<str:token>/handout.pdf", public_views.handout_pdf, name="handout-pdf"),
    # The patient's log ("Today") and calendar reminder.
    path("<str:token>/today/", log_views.today_log, name="today"),
    path("<str:token>/calendar.ics", log_views.calendar_ics, name="calendar"),
    path("<str:token>/pictures/<path:name>", public_views.handout_picture, name="picture"),
]
