"""Where apps above prescriptions add to "Needs attention" and to the patient's link page.

``progress`` (the patient's logs) registers the link page's "Today" (``register_today_section``)
and what it depends on (``register_handout_annotation``); ``outcomes`` registers an attention
source and a link section.

As ``patients.extensions``: an app registers what it adds in its ``AppConfig.ready()``, and
prescriptions reads the registry without naming the app (DESIGN.md layers: outcome measures
sit above prescriptions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AttentionSource:
    """A further reason a program needs a look.

    ``reasons(programs)``: program pk → reasons, for these programs (each with ``seen_at``, when a
    clinician last marked it seen, or None), read in a fixed number of queries. ``annotations()``:
    expressions added to the query that reads the programs (``flagged_programs``), so a source can
    tell there is nothing to read without a query of its own; the programs carry them.
    """

    reasons: Callable[[list], dict[int, list[str]]]
    annotations: Callable[[], dict] = field(default=dict)


_ATTENTION_SOURCES: list[AttentionSource] = []
_LINK_SECTIONS: list[str] = []
_HANDOUT_ANNOTATIONS: dict[str, Callable[[], object]] = {}
_TODAY_SECTION: list[Callable] = []
_START_SECTION: list[Callable] = []


def register_attention_source(source: AttentionSource) -> None:
    """Read by ``progress.attention.flagged_programs``, and through it by ``reasons_by_patient``."""
    if source not in _ATTENTION_SOURCES:
        _ATTENTION_SOURCES.append(source)


def attention_sources() -> list[AttentionSource]:
    return list(_ATTENTION_SOURCES)


def register_link_section(template_name: str) -> None:
    """A template included first on the patient's link page, above "Today".

    Rendered per response with the request and ``program`` (the link's program, read only when
    the template uses it), ``handout`` (what the gate read: ``program_id``, ``program_updated_at``),
    ``token`` and whatever the view that re-renders a refused form adds (``section_context``).
    """
    if template_name not in _LINK_SECTIONS:
        _LINK_SECTIONS.append(template_name)


def link_sections() -> list[str]:
    return list(_LINK_SECTIONS)


def register_handout_annotation(name: str, expression: Callable[[], object]) -> None:
    """An expression ``Handout.objects.newest_for_token`` adds to the handout the gate reads, as
    ``name`` (``OuterRef("program")`` is the handout's program): what a registered part of the
    link page depends on, read in the gate's one query."""
    _HANDOUT_ANNOTATIONS[name] = expression


def handout_annotations() -> dict:
    return {name: expression() for name, expression in _HANDOUT_ANNOTATIONS.items()}


def register_today_section(render: Callable) -> None:
    """The link page's "Today", below the link sections: ``render(request, handout, load_link)``
    gives its HTML (``load_link()`` reads the link with its program, once whoever asks). One app
    registers it; without one the page has no "Today"."""
    _TODAY_SECTION[:] = [render]


def today_section(request, handout, load_link) -> str:
    return _TODAY_SECTION[0](request, handout, load_link) if _TODAY_SECTION else ""


def register_start_section(render: Callable) -> None:
    """The link page's first screen, above everything else (who, today's plan, the guided
    session): ``render(request, handout, load_link)`` gives its HTML, as ``register_today_section``.
    One app registers it; without one the page starts with the link sections."""
    _START_SECTION[:] = [render]


def start_section(request, handout, load_link) -> str:
    return _START_SECTION[0](request, handout, load_link) if _START_SECTION else ""
