"""Which patients need attention, and why: high or rising pain, "too hard" twice, silence.

Read in a fixed number of queries whatever the number of patients or logs: the programs, the
recent pain scores, the "too hard" counts. A reason stays until a clinician marks the program
seen; it shows again only when newer evidence arrives.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from prescriptions.logs import DayLog, Difficulty, ExerciseLog
from prescriptions.models import Handout, Program

HIGH_PAIN = 7
PAIN_RISE = 2
TOO_HARD_TIMES = 2
SILENT_DAYS = 7
# Pain scores older than this are not read: a rise is measured over a week.
PAIN_WINDOW = timedelta(days=14)


@dataclass
class Flag:
    program: Program
    reasons: list[str] = field(default_factory=list)
    latest_pain: int | None = None


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def flagged_programs(programs) -> list[Flag]:
    """The programs among ``programs`` (a Program queryset) with a reason to look, and why.

    Three queries: the live issued programs, their recent pain scores, their "too hard" counts.
    """
    today = timezone.localdate()
    programs = list(
        programs.for_patients()
        .active()
        .filter(patient__archived_at__isnull=True)
        .annotate(
            issued=Exists(Handout.objects.filter(program=OuterRef("pk"))),
            seen_at=F("attention_mark__seen_at"),
            last_log_day=Subquery(DayLog.objects.filter(program=OuterRef("pk")).order_by("-day").values("day")[:1]),
        )
        .filter(issued=True)
        .select_related("patient")
    )
    if not programs:
        return []
    by_pk = {program.pk: program for program in programs}
    pains = defaultdict(list)
    for program_id, day, pain, updated_at in (
        DayLog.objects.filter(program__in=list(by_pk), pain__isnull=False, day__gte=today - PAIN_WINDOW)
        .order_by("program", "day")
        .values_list("program", "day", "pain", "updated_at")
    ):
        pains[program_id].append((day, pain, updated_at))
    too_hard = defaultdict(list)
    for program_id, name, count in (
        ExerciseLog.objects.filter(day_log__program__in=list(by_pk), difficulty=Difficulty.TOO_HARD)
        .filter(
            Q(day_log__program__attention_mark__isnull=True)
            | Q(day_log__updated_at__gt=F("day_log__program__attention_mark__seen_at"))
        )
        .values_list("day_log__program", "exercise__name")
        .annotate(times=Count("pk"))
        .order_by("day_log__program", "exercise__name")
    ):
        if count >= TOO_HARD_TIMES:
            too_hard[program_id].append(name)

    flags = []
    for program in programs:
        seen = program.seen_at
        flag = Flag(program=program)
        recent = pains.get(program.pk, [])
        if recent:
            day, pain, updated_at = recent[-1]
            flag.latest_pain = pain
            fresh = seen is None or updated_at > seen
            if fresh and pain >= HIGH_PAIN:
                flag.reasons.append(_("Latest pain %(pain)d of 10") % {"pain": pain})
            week_before = [p for d, p, _u in recent if day - timedelta(days=7) <= d < day]
            if fresh and week_before and pain - min(week_before) >= PAIN_RISE:
                flag.reasons.append(
                    _("Pain rose from %(low)d to %(pain)d within a week") % {"low": min(week_before), "pain": pain}
                )
        for name in too_hard.get(program.pk, []):
            flag.reasons.append(_("Marked “%(name)s” too hard twice or more") % {"name": name})
        if program.start_date and program.start_date <= today - timedelta(days=SILENT_DAYS):
            last = program.last_log_day
            quiet_since = max(program.start_date, last + timedelta(days=1)) if last else program.start_date
            due = quiet_since + timedelta(days=SILENT_DAYS)
            ended = program.end_date is not None and quiet_since >= program.end_date
            if due <= today and not ended and (seen is None or seen < _aware(due)):
                flag.reasons.append(_("Nothing logged for %(n)d days") % {"n": (today - quiet_since).days})
        if flag.reasons:
            flags.append(flag)
    return flags
