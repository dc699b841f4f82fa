"""The patient's "Today" section, set at the top of the cached patient page.

Rendering only (no writes, no gate): the patient-link views (``public_views``, ``log_views``)
pass the link and handout they have already checked. "Today" lists the exercises and days of
the issued version the patient holds (like the rest of the page), not the program's unissued
edits; each is matched to the program's item it is logged against.

The section is rendered with placeholders for the link's token and the CSRF token, which
each response fills in; so a GET of the patient page can reuse a section cached until
something it shows changes (``cached_today_section``): the program's items, a log, the day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from core.cache_keys import content_key, template_version
from prescriptions.log_services import DayEntry
from prescriptions.logs import EDITABLE_DAYS, NOTE_MAX_LENGTH, PAIN_MAX, DayLog, Difficulty
from prescriptions.models import Handout
from prescriptions.schedule import Period, Schedule

GLANCE_DAYS = 7
DEFAULT_REMINDER = "18:00"
ISSUED_ITEMS_CACHE_SECONDS = 24 * 60 * 60
# The section holds the patient's answers (pain, notes): kept in the cache an hour, not a day.
SECTION_CACHE_SECONDS = 60 * 60
SECTION_TEMPLATE = "prescriptions/_today.html"
TODAY_HEAD_TEMPLATE = "prescriptions/_today_head.html"
# Rendered in place of the tokens; neither can occur in a page otherwise (a link token is
# [A-Za-z0-9_-], a CSRF token alphanumeric) and no patient text is rendered unescaped.
TOKEN_PLACEHOLDER = "~link-token~"
CSRF_PLACEHOLDER = "~csrf-token~"


@dataclass(frozen=True)
class TodayItem:
    """An exercise of the issued version, with the pk of the program item it is logged against."""

    pk: int
    exercise_id: int
    number: int
    name: str
    weekdays: str
    days_per_week: int | None
    times_per_day: int


def _issued_items(handout) -> list[dict]:
    """Name and schedule of each exercise of an issued version (which never changes: cached)."""
    key = f"today-items:{handout.pk}"
    items = cache.get(key)
    if items is None:
        snapshot = Handout.objects.values_list("snapshot", flat=True).get(pk=handout.pk)
        items = [
            {
                "exercise_id": item["exercise_id"],
                "number": item["number"],
                "name": item["name"],
                "weekdays": item["dose"].get("weekdays") or "",
                "days_per_week": item["dose"].get("days_per_week"),
                "times_per_day": item["dose"].get("times_per_day") or 1,
            }
            for item in snapshot["items"]
        ]
        cache.set(key, items, ISSUED_ITEMS_CACHE_SECONDS)
    return items


def today_items(program, handout) -> list[TodayItem]:
    """The issued version's exercises that are still in the program, in the printed order.

    One query (the program's items); an exercise removed since the version was issued has
    nothing to log against and is left out.
    """
    live: dict[int, list[int]] = {}
    for pk, exercise_id in program.items.order_by("order", "pk").values_list("pk", "exercise_id"):
        live.setdefault(exercise_id, []).append(pk)
    items = []
    for item in _issued_items(handout):
        pks = live.get(item["exercise_id"])
        if pks:
            items.append(TodayItem(pk=pks.pop(0), **item))
    return items


def patient_period(program, handout) -> Period:
    """The days of the program the patient holds: from its start date, or (none set) from the
    day the version was issued, the day the patient was handed it."""
    return program.period(unset_start=timezone.localdate(handout.issued_at))


def patient_schedule(program, handout, items: list[TodayItem]) -> Schedule:
    """The one schedule of what the patient was shown (``today_items``)."""
    return Schedule.of_items(patient_period(program, handout), items)


def _editable_days(today: date, period: Period | None = None) -> list[date]:
    """Today and the days before that the patient may fill in: never a day outside the program."""
    days = [today - timedelta(days=back) for back in range(EDITABLE_DAYS - 1, -1, -1)]
    return [day for day in days if period is None or day in period]


def chosen_day(value: str | None, today: date, period: Period | None = None) -> date | None:
    """The day asked for, if it is one the patient may fill in (today or the days before, in the
    program when ``period`` is given)."""
    if not value:
        return today
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day in _editable_days(today, period) else None


def day_rows(schedule: Schedule, items: list[TodayItem], day: date, entry: DayEntry) -> list[dict]:
    """Each exercise on ``day`` with a tick box per session the schedule prescribes (none outside the program)."""
    rows = []
    for item in items:
        due = schedule.sessions_on(item.pk, day)
        done = entry.sessions.get(item.pk, 0)
        rows.append(
            {
                "item": item,
                "sessions": [{"n": n, "checked": n <= done} for n in range(1, due + 1)],
                "difficulty": entry.difficulty.get(item.pk, ""),
            }
        )
    return rows


def glance_rows(schedule: Schedule, items: list[TodayItem], today: date, logs: dict[date, DayLog]) -> list[dict]:
    """The 7-day table: the program's days of the last week, sessions done of those prescribed.

    A day before the start or after the end is neither shown nor counted as missed."""
    glance = []
    for offset in range(GLANCE_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        if not schedule.in_program(day):
            continue
        log = logs.get(day)
        done_by_item = {e.item_id: e.sessions_done for e in log.entries.all()} if log else {}
        due = sum(schedule.sessions_on(item.pk, day) for item in items)
        got = sum(min(done_by_item.get(item.pk, 0), schedule.sessions_on(item.pk, day)) for item in items)
        glance.append({"day": day, "due": due, "done": got, "pain": log.pain if log else None})
    return glance


def today_section(
    request: HttpRequest,
    link,
    handout,
    *,
    day: date | None = None,
    saved: bool = False,
    errors=None,
    entry=None,
    items: list[TodayItem] | None = None,
    fill: bool = True,
) -> str:
    """The "Today" section of the patient page, for ``day`` (today unless asked otherwise).

    Three queries: the program's items, and the last week's logs with their entries (and the
    issued version's exercises the first time the version is shown).
    """
    today = timezone.localdate()
    day = day or today
    program = link.program
    items = today_items(program, handout) if items is None else items
    schedule = patient_schedule(program, handout, items)
    period = schedule.period
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
    rows = day_rows(schedule, items, day, entry)
    glance = glance_rows(schedule, items, today, logs)
    context = {
        "token": TOKEN_PLACEHOLDER,
        "csrf_token": CSRF_PLACEHOLDER,
        "day": day,
        "today": today,
        "days": _editable_days(today, period),
        "in_program": day in period,
        "period": period,
        "reminders": bool(schedule.session_days(since=today)),
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
    section = _render_section(context)
    return _filled(request, section) if fill else section


def _render_section(context: dict) -> str:
    """The section with placeholders for the tokens (no request: nothing of it is in the HTML)."""
    return render_to_string(SECTION_TEMPLATE, context)


def _filled(request: HttpRequest, section: str) -> str:
    """The section for this response: its link's token, and a CSRF token masked afresh."""
    return section.replace(TOKEN_PLACEHOLDER, link_token(request)).replace(CSRF_PLACEHOLDER, get_token(request))


def cached_today_section(request: HttpRequest, handout, load_link) -> str:
    """The "Today" section a GET of the patient page shows, rendered only when something in it changed.

    ``handout`` comes from ``Handout.objects.newest_for_token``, which also reads what the
    section depends on: the program's revision and last change (its items) and the time of
    its newest log (every patient or paper-tracker entry saves its day's log). With the day
    shown and the date, they make the cache key, so a repeated view costs no query here;
    ``load_link()`` is called only to render.
    """
    today = timezone.localdate()
    day = chosen_day(request.GET.get("day"), today) or today
    saved = request.GET.get("saved") == day.isoformat()
    key = content_key(
        "today-section",
        handout.pk,
        handout.program_revision,
        handout.program_updated_at,
        handout.logs_updated_at,
        today,
        day,
        saved,
        get_language(),
        template_version(SECTION_TEMPLATE),
    )
    section = cache.get(key)
    if section is None:
        section = today_section(request, load_link(), handout, day=day, saved=saved, fill=False)
        cache.set(key, section, SECTION_CACHE_SECONDS)
    return _filled(request, section)


def link_token(request: HttpRequest) -> str:
    return request.resolver_match.kwargs["token"]


def page_parts(html: str) -> tuple[bytes, bytes]:
    """A handout page made ready for "Today": its head links the section's style and script, and
    it is cut where the section goes (just inside ``<body>``). UTF-8 bytes, to be cached with the
    page: a view then only joins the parts and its section (encoding or searching 100 KB of
    inline drawings on every view cost more than the page's queries, bench/)."""
    head = render_to_string(TODAY_HEAD_TEMPLATE)
    html = html.replace("</head>", head + "</head>", 1)
    body = re.search(r"<body[^>]*>", html)
    cut = body.end() if body else len(html)
    return html[:cut].encode(), html[cut:].encode()


def page_with_today(
    request: HttpRequest, handout, parts: tuple[bytes, bytes], *, section: str | None = None, load_link=None
) -> bytes:
    """The cached handout page (``page_parts``) with the request's own "Today" section at the top of its body.

    The handout page is cached per version and holds nothing of the request; "Today" holds the
    patient's entries and a CSRF token, so it is set in here: ``section`` when the caller
    rendered it (a refused save), else the cached one (``load_link()`` gives the link to render it).
    """
    if section is None:
        section = cached_today_section(request, handout, load_link)
    before, after = parts
    return b"".join((before, section.encode(), after))
