"""The patient's "Today" section, at the top of the patient page.

Rendering only (no writes, no gate): the patient-link views (``public.views``, ``log_views``)
pass the link and handout they have already checked. "Today" lists the exercises and days of
the issued version the patient holds (like the rest of the page), not the program's unissued
edits; each is matched to the program's item it is logged against.

A GET of the patient page reuses the section's data (``today_data``: the rows, the week at a
glance, the day's answers) cached until something it shows changes (``cached_today_section``):
the program's items, a log, the day. The section itself is rendered for each response, with
the link's token and a CSRF token: no token is ever cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from core.cache_keys import content_key
from prescriptions.models import Handout
from prescriptions.schedule import Period, Schedule
from progress.log_services import DayEntry
from progress.models import EDITABLE_DAYS, NOTE_MAX_LENGTH, PAIN_MAX, DayLog, Difficulty

GLANCE_DAYS = 7
DEFAULT_REMINDER = "18:00"
ISSUED_ITEMS_CACHE_SECONDS = 24 * 60 * 60
# The data holds the patient's answers (pain, notes): kept in the cache an hour, not a day.
SECTION_CACHE_SECONDS = 60 * 60
SECTION_TEMPLATE = "prescriptions/_today.html"


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


def editable_days(today: date, period: Period | None = None) -> list[date]:
    """The days the patient may fill in through the link, oldest first (today is the last): never
    a day outside the program when its ``period`` is given."""
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
    return day if day in editable_days(today, period) else None


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


def today_data(link, handout, *, day: date, today: date, saved: bool = False, entry=None, items=None) -> dict:
    """What the section shows for ``day``: its rows, the week at a glance, the day's answers.

    Three queries: the program's items, and the last week's logs with their entries (and the
    issued version's exercises the first time the version is shown). Nothing of the request.
    """
    program = link.program
    items = today_items(program, handout) if items is None else items
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
    schedule = patient_schedule(program, handout, items)
    rows = day_rows(schedule, items, day, entry)
    glance = glance_rows(schedule, items, today, logs)
    return {
        "day": day,
        "today": today,
        "days": editable_days(today, schedule.period),
        "in_program": day in schedule.period,
        "period": schedule.period,
        "reminders": bool(schedule.session_days(since=today)),
        "rows": rows,
        "entry": entry,
        "glance": glance,
        "saved": saved,
        "saved_at": log.updated_at if (saved and log) else None,
    }


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
) -> str:
    """The "Today" section of the patient page, for ``day`` (today unless asked otherwise)."""
    today = timezone.localdate()
    data = today_data(link, handout, day=day or today, today=today, saved=saved, entry=entry, items=items)
    return render_section(request, data, errors=errors)


def render_section(request: HttpRequest, data: dict, *, errors=None) -> str:
    """The section for this response: ``data`` with the link's token and (``{% csrf_token %}``) a CSRF token."""
    errors = errors or {}
    rows = data["rows"]
    if errors:
        # A message at the exercise whose answer was refused (DayLogForm's field names); the
        # cached data never holds one.
        rows = [
            {**row, "error": errors.get(f"done-{row['item'].pk}") or errors.get(f"difficulty-{row['item'].pk}")}
            for row in rows
        ]
    context = {
        **data,
        "rows": rows,
        "token": link_token(request),
        "pain_levels": range(PAIN_MAX + 1),
        "difficulties": Difficulty.choices,
        "note_max": NOTE_MAX_LENGTH,
        "errors": errors,
        "reminder": DEFAULT_REMINDER,
    }
    return render_to_string(SECTION_TEMPLATE, context, request=request)


def logs_updated_at():
    """The time of the program's newest log, for ``Handout.objects.newest_for_token`` (registered
    in ``progress.apps``): every patient or paper-tracker entry saves its day's log."""
    newest_log = DayLog.objects.filter(program=OuterRef("program")).order_by("-updated_at")
    return Subquery(newest_log.values("updated_at")[:1])


def cached_today_section(request: HttpRequest, handout, load_link) -> str:
    """The "Today" section a GET of the patient page shows, its data read only when something in it changed.

    ``handout`` comes from ``Handout.objects.newest_for_token``, which also reads what the
    data depends on: the program's revision and last change (its items) and the time of its
    newest log (every patient or paper-tracker entry saves its day's log). With the day shown
    and the date, they make the cache key, so a repeated view costs no query here;
    ``load_link()`` is called only on a miss.
    """
    today = timezone.localdate()
    day = chosen_day(request.GET.get("day"), today) or today
    saved = request.GET.get("saved") == day.isoformat()
    return render_section(request, cached_today_data(handout, load_link, day=day, today=today, saved=saved))


def cached_today_data(handout, load_link, *, day: date, today: date, saved: bool = False) -> dict:
    """``today_data`` for ``day``, read only when something in it changed (see ``cached_today_section``).

    The first screen (``progress.session``) asks for today's: on the usual view, of today, the
    same entry as the section's."""
    key = content_key(
        "today-data",
        handout.pk,
        handout.program_revision,
        handout.program_updated_at,
        handout.logs_updated_at,
        today,
        day,
        saved,
    )
    data = cache.get(key)
    if data is None:
        data = today_data(load_link(), handout, day=day, today=today, saved=saved)
        cache.set(key, data, SECTION_CACHE_SECONDS)
    return data


def link_token(request: HttpRequest) -> str:
    return request.resolver_match.kwargs["token"]
