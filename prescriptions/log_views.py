"""The patient's "Today" (ticks, pain, difficulty, a note) and calendar reminder, through the private link.

Every view passes the patient-link gate (``public_views._open``): an unknown, expired or revoked
link is a 404, and an address trying bad tokens is throttled. Writes are also throttled per
address, size-limited and CSRF-protected (Django's middleware; the form carries the token).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from icalendar import Calendar, Event, vRecur

from core.throttle import AddressThrottle
from prescriptions import public_views
from prescriptions.adherence import program_weekdays
from prescriptions.forms import DayLogForm, ReminderForm
from prescriptions.handout.links import public_link_url
from prescriptions.log_services import day_log_save
from prescriptions.today import DEFAULT_REMINDER, editable_days, today_items, today_section

# A day's form is a few hundred bytes; anything much larger is not from the page.
MAX_LOG_BODY = 16 * 1024
# Saves per address and window: generous for a patient correcting a few days, not for a script.
LOG_THROTTLE = AddressThrottle("patient-log", limit=40, window=15 * 60)
ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _not_saved(request: HttpRequest, link, handout, *, day, status: int, errors: dict, entry=None) -> HttpResponse:
    """The "Today" section again with what went wrong: alone for HTMX, else in the whole page."""
    section = today_section(request, link, handout, day=day, errors=errors, entry=entry)
    if not request.htmx:
        section = public_views.patient_page(request, handout, section=section)
    return public_views._private(HttpResponse(section, status=status))


@login_not_required
@require_http_methods(["GET", "POST"])
def today_log(request: HttpRequest, token: str) -> HttpResponse:
    """POST: save one day's log. GET: the patient page (where the form lives)."""
    if request.method == "GET":
        return public_views.handout_page(request, token)
    link, handout, refusal = public_views._open_with_link(request, token)
    if refusal:
        return refusal
    today = timezone.localdate()
    if LOG_THROTTLE.is_exceeded(request):
        message = _("Not saved: too many saves from this connection. Try again in a few minutes.")
        response = _not_saved(request, link, handout, day=today, status=429, errors={"form": message})
        response["Retry-After"] = str(LOG_THROTTLE.window)
        return response
    LOG_THROTTLE.count_failure(request)  # every save counts towards the limit
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_LOG_BODY:
        return _not_saved(
            request, link, handout, day=today, status=413, errors={"form": _("Not saved: the form is too large.")}
        )
    items = today_items(link.program, handout)
    form = DayLogForm(request.POST, items=items, days=editable_days(today))
    if not form.is_valid():
        errors = form.error_texts()
        if "day" in errors:  # a day the page does not offer: nothing else can be checked against it
            return _not_saved(request, link, handout, day=today, status=422, errors={"form": errors["day"]})
        day = form.cleaned_data["day"]
        return _not_saved(request, link, handout, day=day, status=422, errors=errors, entry=form.entry())
    day, entry = form.cleaned_data["day"], form.entry()
    day_log_save(link=link, day=day, entry=entry, items=items, request=request)
    if request.htmx:
        section = today_section(request, link, handout, day=day, saved=True, items=items)
        return public_views._private(HttpResponse(section))
    url = reverse("public:handout", args=[token]) + f"?day={day.isoformat()}&saved={day.isoformat()}#today"
    return public_views._private(redirect(url))


@login_not_required
@require_GET
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A recurring "Home exercises" event on the prescribed weekdays until the program ends.

    The event says nothing about health: its title is "Home exercises" and its text the link.
    The time is floating (no time zone): the reminder follows the phone wherever it is.
    """
    link, handout, refusal = public_views._open_with_link(request, token)
    if refusal:
        return refusal
    form = ReminderForm({"time": request.GET.get("time", DEFAULT_REMINDER)})
    if not form.is_valid():
        return public_views._private(HttpResponse(form.errors["time"][0], status=422))
    reminder = form.cleaned_data["time"]
    program = link.program
    today = timezone.localdate()
    start = max(program.start_date or today, today)
    end = program.end_date or (start + timedelta(weeks=program.duration_weeks))
    weekdays = program_weekdays(today_items(program, handout))
    while start.weekday() not in weekdays and start < end:
        start += timedelta(days=1)
    url = public_link_url(token)
    calendar = Calendar()
    calendar.add("prodid", "-//HomeRx//Home exercises//EN")
    calendar.add("version", "2.0")
    event = Event()
    uid = hashlib.sha256(f"homerx-reminder-{link.pk}".encode()).hexdigest()[:24]
    event.add("uid", f"{uid}@homerx")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datetime.combine(start, reminder))
    event.add("duration", timedelta(minutes=30))
    event.add("summary", "Home exercises")
    event.add("description", url)
    event.add("url", url)
    last = end - timedelta(days=1)
    event.add(
        "rrule",
        vRecur(
            freq="weekly",
            byday=[ICAL_DAYS[d] for d in sorted(weekdays)],
            until=datetime.combine(last, datetime.max.time()).replace(microsecond=0),
        ),
    )
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="home-exercises.ics"'
    return public_views._private(response)
