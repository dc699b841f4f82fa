"""What the clinician sees of the patient's logs: adherence, pain, answers and notes; the paper
tracker typed in; the clinic's "Needs attention" list.

Every lookup goes through ``Program.objects.for_user`` (another clinic's program is a 404) and
every page that shows logs leaves an audit entry.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.forms import parse_int
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import Program
from prescriptions.schedule import Schedule
from progress.adherence import adherence, pain_chart_points
from progress.attention import flagged_programs
from progress.log_services import DayEntry, attention_mark_seen, paper_tracker_save
from progress.models import PAIN_MAX, DayLog

# Notes and difficulty answers shown on the adherence page, newest first.
RECENT_ANSWERS = 30
# Characters a paper-tracker row accepts per day: a digit is that many ticks; these mean none.
NONE_MARKS = {"-", ".", " ", "0", "_"}
TICK_MARKS = {"x", "X", "v", "V", "✓", "/"}
MAX_GRID_BODY = 64 * 1024


def _patient_program(request: HttpRequest, pk: int) -> Program:
    programs = Program.objects.for_user(request.user).for_patients().select_related("clinic", "patient")
    return get_object_or_404(programs, pk=pk)


def _items(program):
    return list(program.items.select_related("exercise").order_by("order", "pk"))


def _logs(program):
    return list(
        DayLog.objects.filter(program=program)
        .select_related("entered_by")
        .prefetch_related("entries__exercise")
        .order_by("day")
    )


@require_GET
def program_adherence(request: HttpRequest, pk: int) -> HttpResponse:
    """Sessions done of prescribed per week and per exercise, the pain chart, answers and notes."""
    program = _patient_program(request, pk)
    items = _items(program)
    logs = _logs(program)
    today = timezone.localdate()
    done = {(entry.item_id, log.day): entry.sessions_done for log in logs for entry in log.entries.all()}
    summary = None
    if program.start_date:
        summary = adherence(items, start=program.start_date, weeks=program.duration_weeks, until=today, done=done)
    period = program.period()
    # A day outside the program is not part of its record (the schedule prescribes nothing on it).
    chart = pain_chart_points(
        [(log.day, log.pain) for log in logs if log.pain is not None and (period is None or log.day in period)]
    )
    answers = []
    for log in reversed(logs):
        difficulties = [
            (entry.exercise.name, entry.get_difficulty_display()) for entry in log.entries.all() if entry.difficulty
        ]
        if log.note or difficulties:
            answers.append({"log": log, "difficulties": difficulties})
        if len(answers) >= RECENT_ANSWERS:
            break
    audit_record(
        request=request, action=ProgramAction.LOG_VIEWED, clinic=program.clinic, patient=program.patient, target=program
    )
    context = {
        "program": program,
        "summary": summary,
        "chart": chart,
        "answers": answers,
        "has_logs": bool(logs),
    }
    # The program page loads the summary and chart into itself with HTMX.
    template = "prescriptions/_adherence_summary.html" if request.htmx else "prescriptions/adherence.html"
    return render(request, template, context)


def _row_value(schedule: Schedule, item, days: list[date], done: dict, logged_days: set) -> str:
    """A tracker row as typed: one character a day, a digit on planned days, "-" otherwise."""
    if not any(day in logged_days for day in days):
        return ""
    return "".join(str(done.get((item.pk, day), 0)) if schedule.sessions_on(item.pk, day) else "-" for day in days)


def _row_plan(schedule: Schedule, item, days: list[date]) -> str:
    return "".join(str(schedule.sessions_on(item.pk, day) or "-") for day in days)


def _grid(program, items, logs, *, posted=None, errors=None):
    today = timezone.localdate()
    done = {(entry.item_id, log.day): entry.sessions_done for log in logs for entry in log.entries.all()}
    pains = {log.day: log.pain for log in logs}
    logged_days = set(pains)
    schedule = Schedule.of_items(program.period(), items)
    weeks = []
    for number, days in schedule.period.weeks_until(today):
        rows = []
        for item in items:
            name = f"w{number}-i{item.pk}"
            value = posted.get(name, "") if posted is not None else _row_value(schedule, item, days, done, logged_days)
            rows.append({"item": item, "name": name, "value": value, "plan": _row_plan(schedule, item, days)})
        pain = []
        for day in days:
            name = f"pain-{day.isoformat()}"
            value = posted.get(name, "") if posted is not None else ("" if pains.get(day) is None else str(pains[day]))
            pain.append({"day": day, "name": name, "value": value, "future": day > today})
        weeks.append({"number": number, "days": days, "rows": rows, "pain": pain})
    return weeks


def _mark_count(mark: str) -> int | None:
    """A day's mark typed as a digit: the sessions done that day (``None`` when it is no digit)."""
    try:
        return parse_int(mark, min_value=0, max_value=9)
    except ValidationError:
        return None


def _parse_grid(program, items, post) -> tuple[dict[date, DayEntry], dict[str, str]]:
    """Every day of the grid's weeks as a ``DayEntry``, or the errors by field name."""
    today = timezone.localdate()
    days: dict[date, DayEntry] = {}
    errors: dict[str, str] = {}
    schedule = Schedule.of_items(program.period(), items)
    for number, week_days in schedule.period.weeks_until(today):
        for day in week_days:
            days[day] = DayEntry()
        for item in items:
            name = f"w{number}-i{item.pk}"
            text = post.get(name, "").rstrip()
            if len(text) > 7:
                errors[name] = _("Type one character per day, seven at most (for example 1-1-1--).")
                continue
            for day, mark in zip(week_days, text, strict=False):
                if mark in NONE_MARKS:
                    continue
                count = 1 if mark in TICK_MARKS else _mark_count(mark)
                due = schedule.sessions_on(item.pk, day)
                if count is None:
                    errors[name] = _("Use a digit for the ticks of a day, or - for none.")
                elif day > today:
                    errors[name] = _("%(day)s has not come yet.") % {"day": f"{day:%a %d %b}"}
                elif count > due:
                    errors[name] = (
                        _("%(day)s: %(n)d session(s) planned, %(count)d typed.")
                        % {"day": f"{day:%a %d %b}", "n": due, "count": count}
                        if due
                        else _("%(day)s: not a planned day for this exercise.") % {"day": f"{day:%a %d %b}"}
                    )
                else:
                    days[day].sessions[item.pk] = count
        for day in week_days:
            name = f"pain-{day.isoformat()}"
            text = post.get(name, "").strip()
            if not text:
                continue
            try:
                pain = parse_int(text, min_value=0, max_value=PAIN_MAX)
            except ValidationError:
                errors[name] = _("Pain is a number from 0 to 10.")
                continue
            if day > today:
                errors[name] = _("This day has not come yet.")
            else:
                days[day].pain = pain
    return days, errors


@require_http_methods(["GET", "POST"])
def paper_tracker(request: HttpRequest, pk: int) -> HttpResponse:
    """The returned paper tracker typed in: a row per week and exercise, pain per day."""
    program = _patient_program(request, pk)
    if not program.start_date:
        messages.error(request, _("Set the program's start date first: the tracker's days count from it."))
        return redirect(reverse("prescriptions:program-update", args=[program.pk]))
    items = _items(program)
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_GRID_BODY:
            return HttpResponse(_("That form is too large."), status=413)
        days, errors = _parse_grid(program, items, request.POST)
        if not errors:
            written = paper_tracker_save(program=program, user=request.user, days=days, request=request)
            messages.success(
                request,
                _("Paper tracker saved: %(n)d day(s) changed.") % {"n": len(written)}
                if written
                else _("Nothing changed."),
            )
            return redirect(reverse("prescriptions:program-adherence", args=[program.pk]))
        weeks = _grid(program, items, [], posted=request.POST)
        context = {"program": program, "weeks": weeks, "errors": errors}
        return render(request, "prescriptions/paper_tracker.html", context, status=422)
    logs = _logs(program)
    audit_record(
        request=request, action=ProgramAction.LOG_VIEWED, clinic=program.clinic, patient=program.patient, target=program
    )
    context = {"program": program, "weeks": _grid(program, items, logs), "errors": {}}
    return render(request, "prescriptions/paper_tracker.html", context)


@require_GET
def attention_list(request: HttpRequest) -> HttpResponse:
    """The clinic's patients whose logs ask for a look, each with the reasons."""
    if not request.membership:
        raise Http404
    flags = flagged_programs(Program.objects.for_user(request.user).filter(clinic=request.clinic))
    audit_record(request=request, action=ProgramAction.ATTENTION_VIEWED, clinic=request.clinic)
    return render(request, "prescriptions/attention_list.html", {"flags": flags})


@require_POST
def attention_seen(request: HttpRequest, pk: int) -> HttpResponse:
    program = _patient_program(request, pk)
    attention_mark_seen(program=program, user=request.user, request=request)
    messages.success(request, _("Marked as seen: %(name)s.") % {"name": program.patient.full_name})
    return redirect(reverse("prescriptions:attention-list"))
