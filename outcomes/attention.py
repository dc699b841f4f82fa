"""Outcome measures as a "Needs attention" reason, and what the patient's link should ask.

Public gate for the code that will call outcomes from the patient link and the attention list
(see the README): both read in a fixed number of queries whatever the number of programs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from outcomes.definitions import Verdict, change_verdict
from outcomes.models import ProgramMeasure, Response


def worsened_reasons(program_ids: list[int], *, seen: dict[int, datetime | None] | None = None) -> dict[int, list[str]]:
    """Program pk → one reason per measure whose latest score is worse than the baseline by at least its MCID.

    ``seen`` (program pk → when a clinician last marked the program seen) hides a reason until a
    newer answer arrives, as the log reasons do. Two queries.
    """
    if not program_ids:
        return {}
    seen = seen or {}
    measures = {m.pk: m for m in ProgramMeasure.objects.filter(program_id__in=program_ids).select_related("instrument")}
    scores = defaultdict(list)
    rows = (
        Response.objects.filter(measure_id__in=measures, completed_at__isnull=False)
        .order_by("measure_id", "due_on")
        .values_list("measure_id", "score", "completed_at")
    )
    for measure_id, score, completed_at in rows:
        scores[measure_id].append((score, completed_at))
    reasons: dict[int, list[str]] = {}
    for measure_id, answered in scores.items():
        if len(answered) < 2:
            continue
        measure = measures[measure_id]
        (baseline, _first_at), (latest, latest_at) = answered[0], answered[-1]
        if change_verdict(measure.instrument.definition, baseline, latest) != Verdict.WORSE:
            continue
        last_seen = seen.get(measure.program_id)
        if last_seen is not None and latest_at <= last_seen:
            continue
        reasons.setdefault(measure.program_id, []).append(
            _("%(name)s worse by at least its important change (%(first)s → %(last)s)")
            % {
                "name": measure.instrument.short_name,
                "first": number_format(baseline.normalize()),
                "last": number_format(latest.normalize()),
            }
        )
    return reasons


def open_due_date(due: list[date], finished: set[date], today: date) -> date | None:
    """The due date to answer now: the earliest unanswered one up to today (a missed baseline
    first), else the next one to come; None when every date is answered."""
    open_days = [day for day in due if day not in finished]
    return next((day for day in open_days if day <= today), open_days[0] if open_days else None)


def due_questionnaires(program, *, today: date | None = None) -> list[dict]:
    """The questionnaires the patient's link should show first: due by today and not finished.

    Each is ``{"measure", "due_on", "response"}`` (``response`` is the half-finished one to
    resume, or None). Two queries.
    """
    today = today or timezone.localdate()
    measures = list(ProgramMeasure.objects.filter(program=program).select_related("instrument"))
    responses = defaultdict(dict)
    for response in Response.objects.filter(measure__in=measures).prefetch_related("answers"):
        responses[response.measure_id][response.due_on] = response
    due = []
    for measure in measures:
        measure.program = program
        finished = {day for day, r in responses[measure.pk].items() if r.is_complete}
        day = open_due_date(measure.due_dates(), finished, today)
        if day is not None and day <= today:
            due.append({"measure": measure, "due_on": day, "response": responses[measure.pk].get(day)})
    return due
