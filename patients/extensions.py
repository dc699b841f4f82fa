"""Where apps above patients add to the patient pages, without patients knowing them.

As Django admin's registry of ``ModelAdmin``s: an app registers what it adds in its
``AppConfig.ready()``, and the patients views and templates read the registry. The patients
app names none of them (DESIGN.md layers): the programs section of a patient's page and the
"Needs attention" badge of the patient list come from prescriptions this way.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Badge:
    """A mark beside a patient's name in the list: its words, where it leads, and why (the title)."""

    label: str
    url: str
    title: str


BadgeSource = Callable[[HttpRequest, list], dict[int, list[Badge]]]

_SECTIONS: list[str] = []
_BADGE_SOURCES: list[BadgeSource] = []


def register_patient_section(template_name: str) -> None:
    """A template included at the end of a patient's page (its context has ``patient`` and the request)."""
    if template_name not in _SECTIONS:
        _SECTIONS.append(template_name)


def patient_sections() -> list[str]:
    return list(_SECTIONS)


def register_list_badges(source: BadgeSource) -> None:
    """``source(request, patients)``: patient pk → the badges of those patients (one page of the list)."""
    if source not in _BADGE_SOURCES:
        _BADGE_SOURCES.append(source)


def list_badges(request: HttpRequest, patients: list) -> dict[int, list[Badge]]:
    badges: dict[int, list[Badge]] = {}
    for source in _BADGE_SOURCES:
        for pk, found in source(request, patients).items():
            badges.setdefault(pk, []).extend(found)
    return badges
