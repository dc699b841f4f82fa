"""The one schedule: which dated sessions a program prescribes. Pure: no database, no clock.

Every output that names a day reads it from here: the printed tracker, the patient's "Today"
and 7-day table, the calendar reminder (``.ics``), adherence, the paper tracker typed back in,
and every printed end date. Nothing else decides which days are exercise days.

- A program runs from its start date for ``weeks`` whole weeks. ``Period.last_day`` is the
  last day *in* the program (inclusive), the date every output prints as its end.
- A dose names its weekdays ("Mon, Wed, Fri"), or only a count ("3 days a week"). A count is
  spread over the calendar week in one fixed way (3 → Mon, Wed, Fri; see ``SPREAD``), the
  same on paper, on the phone, in the calendar and in adherence. The spread never puts two
  sessions on neighbouring days for 3 days a week or fewer, so "leave a day between
  sessions" holds too.
- On each of its days a dose prescribes ``times_per_day`` sessions. Days outside the period
  prescribe nothing.

The clinic's time zone (``settings.TIME_ZONE``) is the program's: callers pass "today" as
``timezone.localdate()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from exercises.dose import WEEKDAY_CODES

# "N days a week" without named days: these weekdays (Monday = 0, as ``date.weekday()``).
SPREAD = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}


def _get(dose, name: str, default=None):
    """A dose field from a model instance, a snapshot's dose dict or anything with attributes."""
    if isinstance(dose, Mapping):
        return dose.get(name, default)
    return getattr(dose, name, default)


def dose_weekdays(dose) -> frozenset[int]:
    """The weekdays (0 = Monday) on which ``dose`` prescribes sessions."""
    codes = [code for code in (_get(dose, "weekdays") or "").split(",") if code in WEEKDAY_CODES]
    if codes:
        return frozenset(WEEKDAY_CODES.index(code) for code in codes)
    return frozenset(SPREAD[min(max(_get(dose, "days_per_week") or 7, 1), 7)])


def dose_times_per_day(dose) -> int:
    return max(1, _get(dose, "times_per_day") or 1)


@dataclass(frozen=True)
class Period:
    """The days of a program: ``weeks`` whole weeks from ``first_day``."""

    first_day: date
    weeks: int

    @property
    def last_day(self) -> date:
        """The program's last day, inclusive: what "until" means wherever an end is printed."""
        return self.first_day + timedelta(weeks=self.weeks, days=-1)

    @property
    def day_after(self) -> date:
        return self.first_day + timedelta(weeks=self.weeks)

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def week_days(self, number: int) -> list[date]:
        """The seven days of program week ``number`` (1 = the first)."""
        first = self.first_day + timedelta(weeks=number - 1)
        return [first + timedelta(days=offset) for offset in range(7)]

    def weeks_until(self, day: date) -> Iterator[tuple[int, list[date]]]:
        """(number, days) of each program week that has begun by ``day``."""
        for number in range(1, self.weeks + 1):
            days = self.week_days(number)
            if days[0] > day:
                return
            yield number, days

    def days(self) -> Iterator[date]:
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += timedelta(days=1)


def program_period(start_date: date | None, weeks: int, *, unset_start: date | None = None) -> Period | None:
    """The program's period; without a start date, from ``unset_start`` when given (else None)."""
    start = start_date or unset_start
    return Period(start, weeks) if start else None


def last_day(start_date: date | None, weeks: int) -> date | None:
    """The inclusive last day of a program (None when it has no start date)."""
    period = program_period(start_date, weeks)
    return period.last_day if period else None


@dataclass(frozen=True)
class Session:
    day: date
    key: object  # the item's pk (or any key the caller gave the dose)
    count: int


class Schedule:
    """The dated sessions of some doses over a period.

    ``doses`` maps a key (an item's pk) to a dose: a model instance, a snapshot's dose dict or
    anything with ``weekdays``, ``days_per_week`` and ``times_per_day``.
    """

    def __init__(self, period: Period | None, doses: Mapping[object, object]):
        self.period = period
        self._days = {key: dose_weekdays(dose) for key, dose in doses.items()}
        self._times = {key: dose_times_per_day(dose) for key, dose in doses.items()}

    @classmethod
    def of_items(cls, period: Period | None, items: Iterable) -> Schedule:
        """The schedule of program items (or anything with a ``pk`` and a dose's fields)."""
        return cls(period, {item.pk: item for item in items})

    def in_program(self, day: date) -> bool:
        return self.period is not None and day in self.period

    def sessions_on(self, key, day: date) -> int:
        """Sessions of dose ``key`` due on ``day``: 0 on a day outside the program."""
        if not self.in_program(day) or key not in self._days:
            return 0
        return self._times[key] if day.weekday() in self._days[key] else 0

    def total_on(self, day: date) -> int:
        return sum(self.sessions_on(key, day) for key in self._days)

    def sessions(self, *, since: date | None = None, until: date | None = None) -> list[Session]:
        """Every session from ``since`` to ``until`` (both inclusive, clipped to the period)."""
        if self.period is None:
            return []
        first = max(self.period.first_day, since) if since else self.period.first_day
        last = min(self.period.last_day, until) if until else self.period.last_day
        result = []
        day = first
        while day <= last:
            for key in self._days:
                count = self.sessions_on(key, day)
                if count:
                    result.append(Session(day, key, count))
            day += timedelta(days=1)
        return result

    def weekdays(self) -> frozenset[int]:
        """Every weekday on which at least one dose is due (the calendar reminder's BYDAY)."""
        days: set[int] = set()
        for weekdays in self._days.values():
            days |= weekdays
        return frozenset(days)

    def session_days(self, *, since: date | None = None) -> list[date]:
        """The days with at least one session, from ``since`` on."""
        return sorted({session.day for session in self.sessions(since=since)})
