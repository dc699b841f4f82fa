"""What the clinician reads of a program's measures: scores over time, change against the MCID, a chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from outcomes.definitions import VERDICT_LABELS, Verdict, change_verdict
from outcomes.models import ProgramMeasure, Response

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 360, 160, 28


@dataclass
class MeasureResult:
    measure: ProgramMeasure
    responses: list[Response]  # finished, oldest first
    unfinished: list[Response]
    due: list[dict]  # {"day", "response", "state"}
    baseline: Response | None = None
    latest: Response | None = None
    change: Decimal | None = None
    verdict: Verdict | None = None
    activities: list[dict] = field(default_factory=list)  # {"name", "ratings": [(day, value)]}
    chart: dict | None = None

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict]) if self.verdict else ""


def program_results(program) -> list[MeasureResult]:
    """Every measure of ``program`` with its answers, in three queries however many there are."""
    measures = (
        ProgramMeasure.objects.filter(program=program)
        .select_related("instrument")
        .prefetch_related(Prefetch("responses", queryset=Response.objects.prefetch_related("answers")))
    )
    results = []
    for measure in measures:
        measure.program = program  # the caller's row: no query per measure for the schedule
        results.append(measure_result(measure))
    return results


def measure_result(measure: ProgramMeasure) -> MeasureResult:
    responses = sorted(measure.responses.all(), key=lambda r: r.due_on)
    finished = [r for r in responses if r.is_complete]
    by_day = {r.due_on: r for r in responses}
    today = timezone.localdate()
    due = []
    for day in measure.due_dates():
        response = by_day.get(day)
        if response is not None and response.is_complete:
            state = "done"
        elif response is not None:
            state = "started"
        else:
            state = "due" if day <= today else "later"
        due.append({"day": day, "response": response, "state": state})
    result = MeasureResult(
        measure=measure, responses=finished, unfinished=[r for r in responses if not r.is_complete], due=due
    )
    definition = measure.instrument.definition
    if finished:
        result.baseline, result.latest = finished[0], finished[-1]
        if len(finished) > 1:
            result.change = result.latest.score - result.baseline.score
            result.verdict = change_verdict(definition, result.baseline.score, result.latest.score)
    result.activities = _activities(definition, finished)
    result.chart = score_chart(definition, [(r.due_on, r.score) for r in finished], measure.program)
    return result


def _activities(definition: dict, responses: list[Response]) -> list[dict]:
    """Patient-named activities in the patient's own words, each with its ratings over time."""
    keys = [item["key"] for item in definition["items"] if item["kind"] == "activity"]
    if not keys:
        return []
    rows: dict[str, dict] = {}
    for response in responses:
        for answer in response.answers.all():
            if answer.item in keys and answer.text:
                row = rows.setdefault(answer.item, {"name": answer.text, "ratings": []})
                row["name"] = answer.text
                row["ratings"].append((response.due_on, answer.value))
    return [rows[key] for key in keys if key in rows]


def score_chart(definition: dict, points: list[tuple[date, Decimal]], program) -> dict:
    """Coordinates of a server-drawn SVG: scores over the program's weeks, the MCID band around the baseline.

    Up is always "better", so a reader need not know each instrument's direction: for an
    instrument where higher is worse (pain), the axis runs from the maximum at the bottom.
    """
    low, high = Decimal(str(definition["range"]["min"])), Decimal(str(definition["range"]["max"]))
    mcid = Decimal(str(definition["mcid"]["value"]))
    better_up = definition["higher_is_better"]
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD

    def y(value: Decimal) -> float:
        value = min(max(value, low), high)
        share = (value - low) / (high - low)
        return round(float(CHART_PAD + inner_h * ((1 - share) if better_up else share)), 1)

    first = program.start_date or (points[0][0] if points else timezone.localdate())
    last = max([first] + [day for day, _score in points])
    if program.start_date:
        last = max(last, program.start_date.fromordinal(program.start_date.toordinal() + 7 * program.duration_weeks))
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(CHART_PAD + inner_w * max((day - first).days, 0) / span, 1)

    dots = [{"x": x(day), "y": y(value), "day": day, "score": value} for day, value in points]
    band = None
    if points:
        top, bottom = sorted((y(points[0][1] + mcid), y(points[0][1] - mcid)))
        band = {"y": top, "height": round(bottom - top, 1), "baseline_y": y(points[0][1])}
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "top": CHART_PAD,
        "bottom": CHART_HEIGHT - CHART_PAD,
        "inner_width": inner_w,
        "label_x": CHART_PAD - 6,
        "caption_y": CHART_HEIGHT - 8,
        "band": band,
        "dots": dots,
        "path": ("M" + " L".join(f"{d['x']} {d['y']}" for d in dots)) if len(dots) > 1 else "",
        "ticks": [{"y": y(value), "label": value} for value in (low, (low + high) / 2, high)],
        "better_up": better_up,
    }
