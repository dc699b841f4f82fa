"""Which patients need attention, and why: high or rising pain, "too hard" twice, silence, and
the reasons of the apps above (``prescriptions.extensions.register_attention_source``: a
worsened outcome measure).

Read in a fixed number of queries whatever the number of patients or logs: the programs, the
recent pain scores, the "too hard" counts, and each registered source's own fixed number. A
reason stays until a clinician marks the program seen; it shows again only when newer evidence
arrives.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.extensions import Badge
from prescriptions.extensions import attention_sources
from prescriptions.models import Handout, Program
from progress.models import DayLog, Difficulty, ExerciseLog

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


def _last_day(prefix: str = "") -> ExpressionWrapper:
    """The program's last day (``Program.end_date`` is the day after) as a database expression.

    A datetime at midnight: a day compares with it as its midnight on both databases.
    """
    return ExpressionWrapper(
        F(f"{prefix}start_date")
        # SQLite multiplies a duration by an IntegerField, not a PositiveSmallIntegerField.
        + ExpressionWrapper(
            ExpressionWrapper(F(f"{prefix}duration_weeks"), output_field=IntegerField()) * Value(timedelta(weeks=1)),
            output_field=DurationField(),
        )
        - Value(timedelta(days=1)),
        output_field=DateTimeField(),
    )


def _within_program(prefix: str = "program__") -> Q:
    """Day logs of the program's own dates: a log before its start or after its last day is no evidence."""
    return Q(day__gte=F(f"{prefix}start_date"), day__lte=F("program_last_day"))


def flagged_programs(programs) -> list[Flag]:
    """The programs among ``programs`` (a Program queryset) with a reason to look, and why.

    Three queries (the live issued programs, their recent pain scores, their "too hard" counts)
    and those of each registered source (the outcome measures: one, when a program has answers).
    """
    today = timezone.localdate()
    logs = DayLog.objects.filter(program=OuterRef("pk"), day__gte=OuterRef("start_date"), day__lte=OuterRef("last_day"))
    sources = attention_sources()
    more_annotations = {name: value for source in sources for name, value in source.annotations().items()}
    programs = list(
        programs.for_patients()
        .active()
        .filter(patient__archived_at__isnull=True)
        .alias(last_day=_last_day())
        .annotate(
            issued=Exists(Handout.objects.filter(program=OuterRef("pk"))),
            seen_at=F("attention_mark__seen_at"),
            last_log_day=Subquery(logs.order_by("-day").values("day")[:1]),
            **more_annotations,
        )
        .filter(issued=True)
        .select_related("patient")
    )
    if not programs:
        return []
    pains, too_hard = _evidence([program.pk for program in programs], today)
    more: dict[int, list[str]] = {}
    for source in sources:
        for pk, found in source.reasons(programs).items():
            more.setdefault(pk, []).extend(found)
    flags = []
    for program in programs:
        flag = Flag(program=program)
        flag.latest_pain = _reasons(
            flag.reasons,
            start_date=program.start_date,
            end_date=program.end_date,
            seen=program.seen_at,
            last_log_day=program.last_log_day,
            pains=pains.get(program.pk, []),
            too_hard=too_hard.get(program.pk, []),
            today=today,
        )
        flag.reasons.extend(more.get(program.pk, []))
        if flag.reasons:
            flags.append(flag)
    return flags


def reasons_by_patient(*, user, clinic, patient_ids: list[int]) -> dict[int, list[str]]:
    """Patient pk → the reasons of their flagged programs, for these patients of ``clinic``.

    What the patient list marks, for its page of patients: ``flagged_programs`` of the
    programs ``user`` may see in ``clinic`` of those patients (its fixed number of queries).
    """
    if not patient_ids or clinic is None:
        return {}
    reasons: dict[int, list[str]] = {}
    programs = Program.objects.for_user(user).filter(clinic=clinic, patient__in=patient_ids)
    for flag in flagged_programs(programs):
        reasons.setdefault(flag.program.patient_id, []).extend(flag.reasons)
    return reasons


def attention_badges(request, patients: list) -> dict[int, list[Badge]]:
    """The patient list's "Needs attention" badge of each of these patients (one page) with a reason."""
    reasons = reasons_by_patient(
        user=request.user, clinic=getattr(request, "clinic", None), patient_ids=[patient.pk for patient in patients]
    )
    if not reasons:
        return {}
    url = reverse("prescriptions:attention-list")
    label = _("Needs attention")
    return {pk: [Badge(label=label, url=url, title="; ".join(found))] for pk, found in reasons.items()}


def _evidence(program_ids: list[int], today: date) -> tuple[dict, dict]:
    """Program pk → its pain scores of the last two weeks as (day, pain, updated_at), by day;
    and program pk → the exercises marked too hard often enough since the program was seen.

    Only logs of days within each program's dates count.
    """
    pains = defaultdict(list)
    recent = (
        DayLog.objects.filter(program__in=program_ids, pain__isnull=False, day__gte=today - PAIN_WINDOW)
        .alias(program_last_day=_last_day("program__"))
        .filter(_within_program())
        .order_by("program_id", "day")
        .values_list("program_id", "day", "pain", "updated_at")
    )
    for program_id, day, pain, updated_at in recent:
        pains[program_id].append((day, pain, updated_at))
    too_hard = defaultdict(list)
    marks = (
        ExerciseLog.objects.filter(day_log__program__in=program_ids, difficulty=Difficulty.TOO_HARD)
        .alias(program_last_day=_last_day("day_log__program__"))
        .filter(
            Q(day_log__day__gte=F("day_log__program__start_date"), day_log__day__lte=F("program_last_day")),
            Q(day_log__program__attention_mark__isnull=True)
            | Q(day_log__updated_at__gt=F("day_log__program__attention_mark__seen_at")),
        )
        .values("day_log__program_id", "exercise__name")
        .annotate(times=Count("pk"))
        .filter(times__gte=TOO_HARD_TIMES)
        .order_by("day_log__program_id", "exercise__name")
        .values_list("day_log__program_id", "exercise__name")
    )
    for program_id, name in marks:
        too_hard[program_id].append(name)
    return pains, too_hard


def _reasons(reasons: list[str], *, start_date, end_date, seen, last_log_day, pains, too_hard, today) -> int | None:
    """Add to ``reasons`` why one program needs a look; answer its latest pain score."""
    latest_pain = None
    if pains:
        day, pain, updated_at = pains[-1]
        latest_pain = pain
        fresh = seen is None or updated_at > seen
        if fresh and pain >= HIGH_PAIN:
            reasons.append(_("Latest pain %(pain)d of 10") % {"pain": pain})
        week_before = [p for d, p, _u in pains if day - timedelta(days=7) <= d < day]
        if fresh and week_before and pain - min(week_before) >= PAIN_RISE:
            reasons.append(
                _("Pain rose from %(low)d to %(pain)d within a week") % {"low": min(week_before), "pain": pain}
            )
    for name in too_hard:
        reasons.append(_("Marked “%(name)s” too hard twice or more") % {"name": name})
    if start_date and start_date <= today - timedelta(days=SILENT_DAYS):
        quiet_since = max(start_date, last_log_day + timedelta(days=1)) if last_log_day else start_date
        due = quiet_since + timedelta(days=SILENT_DAYS)
        ended = end_date is not None and quiet_since >= end_date
        if due <= today and not ended and (seen is None or seen < _aware(due)):
            reasons.append(_("Nothing logged for %(n)d days") % {"n": (today - quiet_since).days})
    return latest_pain
