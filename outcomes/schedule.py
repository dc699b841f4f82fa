"""When a program's measure is due. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta


def due_dates(*, start: date | None, weeks: int, at_start: bool, every_weeks: int | None, at_end: bool) -> list[date]:
    """The dates a measure is due: the start, every ``every_weeks`` after it, the last day of the program.

    The program's last day is ``start + weeks - 1 day`` (a 6-week program from a Monday ends on a
    Sunday), so the end-of-program questionnaire falls inside the program. No start date: none.
    """
    if start is None:
        return []
    last = start + timedelta(weeks=weeks) - timedelta(days=1)
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
