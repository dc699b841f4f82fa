"""How many of the prescribed sessions were done, and the pain chart. Pure: no database.

Which sessions are prescribed on which day is the one schedule's answer (``prescriptions.schedule``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from prescriptions.schedule import Period, Schedule


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
    prescribed yet, so a week in progress is not shown as missed; days outside the program
    are never counted (the schedule prescribes nothing on them).
    """
    schedule = Schedule.of_items(Period(start, weeks), items)
    result = Adherence(exercises=[(item, Tally()) for item in items])
    for number, days in schedule.period.weeks_until(until):
        tally = Tally()
        for day in days:
            if day > until:
                break
            for item, item_tally in result.exercises:
                due = schedule.sessions_on(item.pk, day)
                got = min(done.get((item.pk, day), 0), due) if due else 0
                for target in (tally, item_tally, result.total):
                    target.prescribed += due
                    target.done += got
        result.weeks.append((number, days[0], tally))
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
