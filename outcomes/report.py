"""The one-page progress report: program, adherence and measures, rendered by the handout's renderer.

It carries no share link or token and reads only this program's rows. WeasyPrint sees the
handout's safe fetcher (project static files only) and its one font configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from outcomes.results import program_results
from prescriptions.handout.fetcher import STATIC_SCHEME
from prescriptions.handout.pdf import font_config, make_url_fetcher
from progress.adherence import adherence
from progress.models import DayLog

TEMPLATE = "outcomes/progress_report.html"


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    filename: str


def report_context(program) -> dict:
    today = timezone.localdate()
    items = list(program.items.select_related("exercise").order_by("order", "pk"))
    done = {
        (entry.item_id, log.day): entry.sessions_done
        for log in DayLog.objects.filter(program=program).prefetch_related("entries")
        for entry in log.entries.all()
    }
    summary = None
    if program.start_date:
        summary = adherence(items, start=program.start_date, weeks=program.duration_weeks, until=today, done=done)
    return {
        "program": program,
        "items": items,
        "patient": program.patient,
        "clinic": program.clinic,
        "today": today,
        "adherence": summary,
        "results": program_results(program),
        "pdf": True,
    }


def render_pdf(template: str, context: dict) -> bytes:
    """A template as PDF bytes, through the handout's fetcher (project static files only) and fonts."""
    import weasyprint  # costs ~0.4 s: imported on first render (see prescriptions.handout.pdf)

    html = render_to_string(template, {**context, "pdf": True})
    document = weasyprint.HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=make_url_fetcher())
    return document.write_pdf(font_config=font_config())


def render_progress_report(program) -> RenderedReport:
    content = render_pdf(TEMPLATE, report_context(program))
    return RenderedReport(content=content, filename=f"progress-report-{timezone.localdate().isoformat()}.pdf")
