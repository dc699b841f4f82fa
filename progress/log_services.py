"""Writing the patient's logs: one day from the patient link, or a paper tracker typed in.

Each write is one transaction with its audit entry: a day is never half-saved. A write sets
the day to what was sent (not "adds"), so a double click or a retried request has one effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import Program, ProgramItem
from prescriptions.schedule import Schedule
from progress.models import AttentionMark, DayLog, ExerciseLog, LogSource


@dataclass
class DayEntry:
    """What was sent for one day: sessions done and difficulty per item pk, pain, note."""

    sessions: dict[int, int] = field(default_factory=dict)
    difficulty: dict[int, str] = field(default_factory=dict)
    pain: int | None = None
    note: str = ""

    def is_empty(self) -> bool:
        return (
            not any(self.sessions.values())
            and not any(self.difficulty.values())
            and self.pain is None
            and not self.note
        )


def _write_day(
    *, program: Program, items: list[ProgramItem], schedule: Schedule, day: date, entry: DayEntry, source, user, link
) -> DayLog:
    now = timezone.now()
    day_log, created = DayLog.objects.select_for_update().get_or_create(
        program=program,
        day=day,
        defaults={"source": source, "entered_by": user, "link": link, "created_at": now, "updated_at": now},
    )
    day_log.pain, day_log.note = entry.pain, entry.note
    day_log.source, day_log.entered_by, day_log.link, day_log.updated_at = source, user, link, now
    # Field validators give the messages; the unique and check constraints are the database's.
    day_log.full_clean(exclude=["program", "entered_by", "link"], validate_unique=False, validate_constraints=False)
    day_log.save()
    existing = {log.item_id: log for log in day_log.entries.all()}
    for item in items:
        # Never more sessions than the day prescribes: a forged form cannot inflate adherence.
        done = min(entry.sessions.get(item.pk, 0), schedule.sessions_on(item.pk, day))
        difficulty = entry.difficulty.get(item.pk, "")
        log = existing.get(item.pk)
        if log is None:
            if done or difficulty:
                ExerciseLog.objects.create(
                    day_log=day_log,
                    item_id=item.pk,
                    exercise_id=item.exercise_id,
                    sessions_done=done,
                    difficulty=difficulty,
                )
        elif (log.sessions_done, log.difficulty) != (done, difficulty):
            log.sessions_done, log.difficulty = done, difficulty
            log.save(update_fields=["sessions_done", "difficulty"])
    return day_log


def day_log_save(
    *, link, day: date, entry: DayEntry, items: list | None = None, schedule: Schedule | None = None, request=None
) -> DayLog:
    """The patient's own entry for ``day`` through ``link`` (already checked usable by the caller).

    ``items``: what the patient was shown (``today.TodayItem``: the issued version's exercises and
    days, each with its program item's pk); the program's items when not given. ``schedule``:
    theirs (``today.patient_schedule``); the program's when not given. A day outside the
    program is refused: nothing is prescribed on it.
    """
    program = link.program
    items = list(program.items.all()) if items is None else items
    if schedule is None:
        schedule = Schedule.of_items(program.period(unset_start=day), items)
    if not schedule.in_program(day):
        raise ValidationError(_("That day is not in the program: nothing can be logged on it."))
    with transaction.atomic():
        day_log = _write_day(
            program=program,
            items=items,
            schedule=schedule,
            day=day,
            entry=entry,
            source=LogSource.LINK,
            user=None,
            link=link,
        )
        # The patient has no account: no user and no address, like a page view.
        audit_record(
            action=ProgramAction.LOG_WRITTEN,
            clinic=program.clinic,
            patient=program.patient,
            target=day_log,
            detail={"link": link.pk, "day": day.isoformat()},
        )
    return day_log


def paper_tracker_save(*, program: Program, user, days: dict[date, DayEntry], request=None) -> list[date]:
    """A returned paper tracker typed in by ``user``: sessions and pain per day.

    Only days whose sessions or pain changed are written (the patient's notes and difficulty
    answers on those days are kept). Returns the days written.
    """
    items = list(program.items.all())
    schedule = Schedule.of_items(program.period(), items)
    days = {day: entry for day, entry in days.items() if schedule.in_program(day)}
    written = []
    with transaction.atomic():
        logs = {
            log.day: log
            for log in DayLog.objects.select_for_update()
            .filter(program=program, day__in=list(days))
            .prefetch_related("entries")
        }
        for day, entry in sorted(days.items()):
            log = logs.get(day)
            if log is None and entry.is_empty():
                continue
            if log is not None:
                before = {e.item_id: e.sessions_done for e in log.entries.all()}
                sent = {
                    item.pk: min(entry.sessions.get(item.pk, 0), schedule.sessions_on(item.pk, day)) for item in items
                }
                if log.pain == entry.pain and all(before.get(pk, 0) == done for pk, done in sent.items()):
                    continue
                entry.note = log.note
                entry.difficulty = {e.item_id: e.difficulty for e in log.entries.all() if e.item_id}
            _write_day(
                program=program,
                items=items,
                schedule=schedule,
                day=day,
                entry=entry,
                source=LogSource.PAPER,
                user=user,
                link=None,
            )
            written.append(day)
        if written:
            audit_record(
                request=request,
                action=ProgramAction.LOG_TRANSCRIBED,
                clinic=program.clinic,
                patient=program.patient,
                target=program,
                detail={"days": len(written)},
            )
    return written


def attention_mark_seen(*, program: Program, user, request=None) -> AttentionMark:
    with transaction.atomic():
        mark, _created = AttentionMark.objects.update_or_create(
            program=program, defaults={"seen_at": timezone.now(), "seen_by": user}
        )
        audit_record(
            request=request,
            action=ProgramAction.ATTENTION_SEEN,
            clinic=program.clinic,
            patient=program.patient,
            target=program,
        )
    return mark
