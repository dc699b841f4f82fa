"""Which patients need attention, and why: high or rising pain, "too hard" twice, silence.

Read in a fixed number of queries whatever the number of patients or logs: the programs, the
recent pain scores, the "too hard" counts. A reason stays until a clinician marks the program
seen; it shows again only when newer evidence arrives.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sql import fetch_rows, placeholders
from exercises.models import Exercise
from patients.models import Membership, Patient
from prescriptions.logs import AttentionMark, DayLog, Difficulty, ExerciseLog
from prescriptions.models import Handout, Program, program_end_date

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
    pains, too_hard = _evidence([program.pk for program in programs], today)
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
        if flag.reasons:
            flags.append(flag)
    return flags


def reasons_by_patient(*, user, clinic, patient_ids: list[int]) -> dict[int, list[str]]:
    """Patient pk → the reasons of their flagged programs, for these patients of ``clinic``.

    What the patient list marks, for its page of patients. The same programs as
    ``flagged_programs(Program.objects.for_user(user).filter(clinic=clinic, patient__in=...))``
    (issued, not archived, patient not archived, in a clinic ``user`` is an active member of),
    in the same order, read by one hand-written query: through the ORM its join and subqueries
    cost over a millisecond of query building on every list page, ten times the query itself.
    tests/prescriptions/test_adherence.py pins each condition against ``flagged_programs``.
    """
    if not patient_ids or clinic is None:
        return {}
    today = timezone.localdate()
    program, patient = Program._meta, Patient._meta
    sql = f"""
        SELECT p.id, p.patient_id, p.start_date, p.duration_weeks, m.seen_at,
               (SELECT MAX(d.day) FROM {DayLog._meta.db_table} d WHERE d.program_id = p.id) AS last_log_day
        FROM {program.db_table} p
        JOIN {patient.db_table} pt ON pt.id = p.patient_id
        LEFT JOIN {AttentionMark._meta.db_table} m ON m.program_id = p.id
        WHERE p.clinic_id = %s AND p.patient_id IN ({placeholders(patient_ids)})
          AND p.clinic_id IN (
              SELECT ms.clinic_id FROM {Membership._meta.db_table} ms WHERE ms.user_id = %s AND ms.is_active
          )
          AND p.archived_at IS NULL AND pt.archived_at IS NULL
          AND EXISTS (SELECT 1 FROM {Handout._meta.db_table} h WHERE h.program_id = p.id)
        ORDER BY p.updated_at DESC, p.id
    """  # noqa: S608 (table names from the models, values as parameters)
    rows = fetch_rows(
        sql,
        [clinic.pk, *patient_ids, user.pk],
        [
            None,
            None,
            program.get_field("start_date"),
            None,
            AttentionMark._meta.get_field("seen_at"),
            DayLog._meta.get_field("day"),
        ],
    )
    if not rows:
        return {}
    pains, too_hard = _evidence([row[0] for row in rows], today)
    reasons: dict[int, list[str]] = {}
    for program_pk, patient_pk, start_date, duration_weeks, seen, last_log_day in rows:
        found = []
        _reasons(
            found,
            start_date=start_date,
            end_date=program_end_date(start_date, duration_weeks),
            seen=seen,
            last_log_day=last_log_day,
            pains=pains.get(program_pk, []),
            too_hard=too_hard.get(program_pk, []),
            today=today,
        )
        if found:
            reasons.setdefault(patient_pk, []).extend(found)
    return reasons


def _evidence(program_ids: list[int], today: date) -> tuple[dict, dict]:
    """Program pk → its pain scores of the last two weeks as (day, pain, updated_at), by day;
    and program pk → the exercises marked too hard often enough since the program was seen.

    Two hand-written queries (see ``reasons_by_patient`` for why).
    """
    day_logs, exercise_logs = DayLog._meta, ExerciseLog._meta
    pains = defaultdict(list)
    for program_id, day, pain, updated_at in fetch_rows(
        f"""
        SELECT program_id, day, pain, updated_at FROM {day_logs.db_table}
        WHERE program_id IN ({placeholders(program_ids)}) AND pain IS NOT NULL AND day >= %s
        ORDER BY program_id, day
        """,  # noqa: S608 (table names from the models, values as parameters)
        [*program_ids, today - PAIN_WINDOW],
        [None, day_logs.get_field("day"), None, day_logs.get_field("updated_at")],
    ):
        pains[program_id].append((day, pain, updated_at))
    too_hard = defaultdict(list)
    for program_id, name in fetch_rows(
        f"""
        SELECT d.program_id, e.name
        FROM {exercise_logs.db_table} l
        JOIN {day_logs.db_table} d ON d.id = l.day_log_id
        JOIN {Exercise._meta.db_table} e ON e.id = l.exercise_id
        LEFT JOIN {AttentionMark._meta.db_table} m ON m.program_id = d.program_id
        WHERE d.program_id IN ({placeholders(program_ids)}) AND l.difficulty = %s
          AND (m.id IS NULL OR d.updated_at > m.seen_at)
        GROUP BY d.program_id, e.name
        HAVING COUNT(*) >= %s
        ORDER BY d.program_id, e.name
        """,  # noqa: S608 (table names from the models, values as parameters)
        [*program_ids, Difficulty.TOO_HARD.value, TOO_HARD_TIMES],
        [None, None],
    ):
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
