"""The patient's "Today" section: rendered per request and set at the top of the cached patient page.

Rendering only (no writes, no gate): the patient-link views (``public_views``, ``log_views``)
pass the link they have already checked.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from prescriptions.adherence import sessions_on
from prescriptions.log_services import DayEntry
from prescriptions.logs import EDITABLE_DAYS, NOTE_MAX_LENGTH, PAIN_MAX, DayLog, Difficulty

GLANCE_DAYS = 7
DEFAULT_REMINDER = "18:00"


def _editable_days(today: date) -> list[date]:
    return [today - timedelta(days=back) for back in range(EDITABLE_DAYS - 1, -1, -1)]


def chosen_day(value: str | None, today: date) -> date | None:
    """The day asked for, if it is one the patient may fill in (today or the days before)."""
    if not value:
        return today
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day in _editable_days(today) else None


def today_section(
    request: HttpRequest, link, *, day: date | None = None, saved: bool = False, errors=None, entry=None
) -> str:
    """The "Today" section of the patient page, for ``day`` (today unless asked otherwise).

    Three queries: the program's exercises, and the last week's logs with their entries.
    """
    today = timezone.localdate()
    day = day or today
    program = link.program
    items = list(program.items.select_related("exercise").order_by("order", "pk"))
    first = today - timedelta(days=GLANCE_DAYS - 1)
    logs = {log.day: log for log in DayLog.objects.filter(program=program, day__gte=first).prefetch_related("entries")}
    log = logs.get(day)
    if entry is None:
        entry = DayEntry()
        if log is not None:
            entry = DayEntry(
                sessions={e.item_id: e.sessions_done for e in log.entries.all()},
                difficulty={e.item_id: e.difficulty for e in log.entries.all()},
                pain=log.pain,
                note=log.note,
            )
    rows = []
    for number, item in enumerate(items, start=1):
        due = sessions_on(item, day)
        done = entry.sessions.get(item.pk, 0)
        rows.append(
            {
                "item": item,
                "number": number,
                "sessions": [{"n": n, "checked": n <= done} for n in range(1, due + 1)],
                "difficulty": entry.difficulty.get(item.pk, ""),
            }
        )
    glance = []
    for offset in range(GLANCE_DAYS):
        glance_day = first + timedelta(days=offset)
        glance_log = logs.get(glance_day)
        done_by_item = {e.item_id: e.sessions_done for e in glance_log.entries.all()} if glance_log else {}
        due = sum(sessions_on(item, glance_day) for item in items)
        got = sum(min(done_by_item.get(item.pk, 0), sessions_on(item, glance_day)) for item in items)
        glance.append({"day": glance_day, "due": due, "done": got, "pain": glance_log.pain if glance_log else None})
    context = {
        "token": link_token(request),
        "day": day,
        "today": today,
        "days": _editable_days(today),
        "rows": rows,
        "entry": entry,
        "pain_levels": range(PAIN_MAX + 1),
        "difficulties": Difficulty.choices,
        "note_max": NOTE_MAX_LENGTH,
        "glance": glance,
        "saved": saved,
        "saved_at": log.updated_at if (saved and log) else None,
        "errors": errors or {},
        "reminder": DEFAULT_REMINDER,
    }
    return render_to_string("prescriptions/_today.html", context, request=request)


def link_token(request: HttpRequest) -> str:
    return request.resolver_match.kwargs["token"]


def page_with_today(request: HttpRequest, link, html: str, *, section: str | None = None) -> str:
    """The cached handout page with the request's own "Today" section at the top of its body.

    The handout page is cached per version and holds nothing of the request; "Today" holds the
    patient's entries and a CSRF token, so it is rendered per request and set in here.
    """
    if section is None:
        day = chosen_day(request.GET.get("day"), timezone.localdate()) or timezone.localdate()
        section = today_section(request, link, day=day, saved=request.GET.get("saved") == day.isoformat())
    head = render_to_string("prescriptions/_today_head.html", request=request)
    html = html.replace("</head>", head + "</head>", 1)
    body = re.search(r"<body[^>]*>", html)
    if body is None:
        return html
    return html[: body.end()] + section + html[body.end() :]
