"""When a program's measure is due. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

from prescriptions.schedule import last_day


def due_dates(*, start: date | None, weeks: int, at_start: bool, every_weeks: int | None, at_end: bool) -> list[date]:
    """The dates a measure is due: the start, every ``every_weeks`` after it, the last day of the program.

    The program's last day comes from the one schedule (``prescriptions.schedule.last_day``: a
    6-week program from a Monday ends on a Sunday), so the end-of-program questionnaire falls
    inside the program. No start date: none.
    """
    if start is None:
        return []
    last = last_day(start, weeks)
    days = set()
    if at_start:
        days.add(start)
    if every_weeks:
        step = 1
        while start + timedelta(weeks=every_weeks * step) <= last:
            days.add(start + timedelta(weeks=every_weeks * step))
            step += 1
    if at_end:
        days.add(last)
    return sorted(days)
