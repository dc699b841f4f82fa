"""Which sessions a dose prescribes on which day, and how many of them were done. Pure: no database.

A dose names its weekdays ("Mon, Wed, Fri") or only a count ("3 days a week"). A count is
spread over the week in a fixed way (3 → Mon, Wed, Fri), so the patient's "Today", the
calendar reminder and the adherence figures all agree on which days are exercise days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from exercises.dose import WEEKDAY_CODES

# Monday = 0, as date.weekday().
SPREAD = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}


def prescribed_weekdays(*, weekdays: str = "", days_per_week: int | None = None) -> frozenset[int]:
    """The weekdays (0 = Monday) a dose asks for."""
    codes = [code for code in (weekdays or "").split(",") if code in WEEKDAY_CODES]
    if codes:
        return frozenset(WEEKDAY_CODES.index(code) for code in codes)
    return frozenset(SPREAD[min(max(days_per_week or 7, 1), 7)])


def sessions_on(item, day: date) -> int:
    """Sessions of ``item`` (anything with weekdays, days_per_week, times_per_day) due on ``day``."""
    days = prescribed_weekdays(weekdays=item.weekdays, days_per_week=item.days_per_week)
    return (item.times_per_day or 1) if day.weekday() in days else 0


def program_weekdays(items: Iterable) -> frozenset[int]:
    """Every weekday on which at least one exercise is due: the calendar reminder's days."""
    days: set[int] = set()
    for item in items:
        days |= prescribed_weekdays(weekdays=item.weekdays, days_per_week=item.days_per_week)
    return frozenset(days)


@dataclass
class Tally:
    done: int = 0
    prescribed: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * min(self.done, self.prescribed) / self.prescribed) if self.prescribed else None


@dataclass
class Adherence:
    weeks: list[tuple[int, date, Tally]] = field(default_factory=list)  # (number, first day, tally)
    exercises: list[tuple[object, Tally]] = field(default_factory=list)  # (item, tally)
    total: Tally = field(default_factory=Tally)


def adherence(items: list, *, start: date, weeks: int, until: date, done: Mapping[tuple[int, date], int]) -> Adherence:
    """Sessions done of sessions prescribed, per program week and per exercise, up to ``until``.

    ``done`` maps (item pk, day) to sessions done. Days after ``until`` are not counted as
    prescribed yet, so a week in progress is not shown as missed.
    """
    result = Adherence(exercises=[(item, Tally()) for item in items])
    last = min(until, start + timedelta(weeks=weeks) - timedelta(days=1))
    for number in range(weeks):
        first = start + timedelta(weeks=number)
        if first > last:
            break
        tally = Tally()
        for offset in range(7):
            day = first + timedelta(days=offset)
            if day > last:
                break
            for item, item_tally in result.exercises:
                due = sessions_on(item, day)
                got = min(done.get((item.pk, day), 0), due) if due else 0
                for target in (tally, item_tally, result.total):
                    target.prescribed += due
                    target.done += got
        result.weeks.append((number + 1, first, tally))
    return result


def pain_chart_points(pains: list[tuple[date, int]], *, width: int = 320, height: int = 120, pad: int = 16) -> dict:
    """Coordinates of a pain line chart (0–10 upwards, days left to right) for a server-drawn SVG."""
    if not pains:
        return {"points": [], "path": "", "width": width, "height": height, "grid": []}
    first, last = pains[0][0], pains[-1][0]
    span = max((last - first).days, 1)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    points = [
        {
            "x": round(pad + inner_w * (day - first).days / span, 1),
            "y": round(pad + inner_h * (10 - pain) / 10, 1),
            "day": day,
            "pain": pain,
        }
        for day, pain in pains
    ]
    path = "M" + " L".join(f"{p['x']} {p['y']}" for p in points)
    grid = [{"y": round(pad + inner_h * (10 - level) / 10, 1), "level": level} for level in (0, 5, 10)]
    return {
        "points": points,
        "path": path,
        "width": width,
        "height": height,
        "grid": grid,
        "pad": pad,
        "right": width - pad,
    }
