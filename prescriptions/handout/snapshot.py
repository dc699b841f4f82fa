"""What exactly the patient reads: a program taken down as plain, JSON-able data.

``build_snapshot(program)`` is the only step of the pipeline that reads the database. An
issued handout stores its snapshot, so it never changes when the catalogue or the program
does; the patient's phone page and a re-download show the same words as the paper.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import TypedDict

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exercises.dose import describe_dose
from exercises.models import ExercisePicture, ExerciseStep
from prescriptions.models import ConflictAcknowledgement, Program
from prescriptions.safety import PROGRESSION, Conflict, find_conflicts, restrictions_in_force

# 2: each item's catalogue summary (its purpose line) and the dose's rest day; the program's
# tracker choice. 3: each item's purpose (the exercise's "Why:" line); each clearance note's
# restrictions in force, in the patient's words, and until when. A stored older snapshot still
# renders: handout.context reads the new keys with defaults.
SNAPSHOT_SCHEMA = 3
# Pictures printed per exercise: the start and end positions are what a patient needs.
PICTURES_PER_EXERCISE = 2
# Keys that say when and by whom a version was issued, not what it says.
ISSUE_KEYS = ("version", "issued_at", "issued_on", "clinician")


class PictureData(TypedDict, total=False):
    kind: str  # "image" (an uploaded file in the media storage) or "svg" (a pose drawing)
    path: str
    svg: str
    alt: str
    caption: str


class AcknowledgementData(TypedDict):
    """A conflict with the clearance the clinician decided to keep, and why (prescriptions.safety)."""

    restriction: str
    cleared_by: str
    until: str | None
    reason: str
    patient_note: str  # printed under the exercise
    acknowledged_by: str
    acknowledged_at: str


class ItemData(TypedDict):
    number: int
    exercise_id: int
    name: str
    summary: str
    purpose: str
    steps: list[str]
    cautions: list[str]
    dose: dict
    dose_line: str
    patient_note: str
    progression_note: str
    pictures: list[PictureData]
    acknowledgements: list[AcknowledgementData]


class Snapshot(TypedDict):
    schema: int
    version: int | None
    issued_at: str
    issued_on: str
    clinician: str
    language: str
    clinic: dict
    patient: dict
    program: dict
    clearance_notes: list[dict]
    items: list[ItemData]
    # Decisions about the whole program (issuing under an expired clearance).
    acknowledgements: list[AcknowledgementData]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def handout_language(patient) -> str:
    """The language a handout for ``patient`` is written in (the site's default without one)."""
    return (patient.preferred_language if patient else "") or settings.LANGUAGE_CODE


def text_language() -> str:
    """The language the exercises' texts and the clinicians' notes are written in.

    One language for now: the catalogue holds English only, and notes are typed in the clinic's
    language (the site's default). Per-exercise translations (issue 29, item 3) will refine this.
    """
    return settings.LANGUAGE_CODE


def untranslated(snapshot) -> bool:
    """Whether the handout prints texts in a language other than its own (they carry a marker)."""
    return snapshot.get("text_language", settings.LANGUAGE_CODE) != snapshot_language(snapshot)


def snapshot_language(snapshot) -> str:
    """The language a stored snapshot was written in (versions issued before languages: English)."""
    return snapshot.get("language") or settings.LANGUAGE_CODE


def _person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def default_safety_text(phone: str) -> str:
    if phone:
        return _(
            "Stop the exercise and call the clinic on %(phone)s if you feel sharp pain, tingling, "
            "numbness, or pain that gets worse."
        ) % {"phone": phone}
    return _(
        "Stop the exercise and call the clinic if you feel sharp pain, tingling, numbness, or pain that gets worse."
    )


def _picture(picture: ExercisePicture) -> PictureData | None:
    if picture.image:
        return {"kind": "image", "path": picture.image.name, "alt": picture.alt_text, "caption": picture.caption}
    if picture.svg:
        return {"kind": "svg", "svg": picture.svg, "alt": picture.alt_text, "caption": picture.caption}
    return None


def _acknowledgement(conflict: Conflict) -> AcknowledgementData:
    ack = conflict.acknowledgement
    return {
        "restriction": conflict.message,
        "cleared_by": conflict.cleared_by,
        "until": _iso(conflict.until),
        "reason": ack.reason,
        "patient_note": ack.patient_note,
        "acknowledged_by": _person_name(ack.acknowledged_by),
        "acknowledged_at": ack.acknowledged_at.isoformat(),
    }


def build_snapshot(
    program: Program,
    *,
    version: int | None = None,
    issued_by=None,
    issued_at: datetime | None = None,
    language: str | None = None,
) -> Snapshot:
    """Every word and number the handout prints, in the patient's language (or ``language``).

    Reads the program, its items (with their exercises, steps and pictures) and its clearance
    notes in a fixed number of queries. ``version`` is ``None`` for a draft preview.
    """
    # The dose lines and default texts are worded here, so in the handout's language.
    language = language or handout_language(program.patient)
    with translation.override(language):
        snapshot = _build_snapshot(program, version=version, issued_by=issued_by, issued_at=issued_at)
    snapshot["language"] = language
    snapshot["text_language"] = text_language()
    snapshot["patient"]["name"] = program.patient.name_in(language) if program.patient else ""
    return snapshot


def _build_snapshot(program: Program, *, version, issued_by, issued_at) -> Snapshot:
    program = (
        Program.objects.select_related("clinic", "patient", "created_by")
        .prefetch_related(
            "clearance_notes",
            Prefetch(
                "items__exercise__steps", queryset=ExerciseStep.objects.order_by("order", "pk"), to_attr="step_list"
            ),
            Prefetch(
                "items__exercise__pictures",
                queryset=ExercisePicture.objects.order_by("order", "pk"),
                to_attr="picture_list",
            ),
            Prefetch(
                "conflict_acknowledgements",
                queryset=ConflictAcknowledgement.objects.select_related("acknowledged_by"),
            ),
        )
        .get(pk=program.pk)
    )
    clinic, patient = program.clinic, program.patient
    items = sorted(program.items.all(), key=lambda item: (item.order, item.pk))
    issued_at = issued_at or timezone.now()
    conflicts = find_conflicts(
        items,
        program.clearance_notes.all(),
        today=timezone.localdate(issued_at),
        acknowledgements=program.conflict_acknowledgements.all(),
    )
    # Only decisions that still match a conflict today are printed and kept with the version.
    acknowledged = [conflict for conflict in conflicts if conflict.is_resolved]
    # A progression that may undo a restriction is printed only once the clinician has kept it.
    withheld = {c.item_id for c in conflicts if c.kind == PROGRESSION and not c.is_resolved}
    clinician = issued_by or program.created_by
    snapshot_items: list[ItemData] = []
    for number, item in enumerate(items, start=1):
        exercise = item.exercise
        pictures = [p for p in (_picture(picture) for picture in exercise.picture_list) if p]
        snapshot_items.append(
            {
                "number": number,
                "exercise_id": exercise.pk,
                "name": exercise.name,
                "summary": exercise.summary,
                "purpose": exercise.purpose,
                "steps": [step.text for step in exercise.step_list],
                "cautions": exercise.caution_list,
                "dose": item.dose_values(),
                "dose_line": describe_dose(item),
                "patient_note": item.patient_note,
                # A progression that repeats or undercuts the dose is flagged in the builder, not printed.
                "progression_note": "" if item.pk in withheld or item.progression_problem else item.progression_note,
                "pictures": pictures[:PICTURES_PER_EXERCISE],
                "acknowledgements": [_acknowledgement(c) for c in acknowledged if c.item_id == item.pk],
            }
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "version": version,
        "issued_at": issued_at.isoformat(),
        "issued_on": timezone.localdate(issued_at).isoformat(),
        "clinician": _person_name(clinician),
        "clinic": {
            "name": clinic.name,
            "phone": clinic.phone,
            "logo": clinic.logo.name if clinic.logo else "",
            "paper_size": clinic.paper_size,
            "footer": clinic.handout_footer,
            "safety_text": clinic.safety_text.strip() or default_safety_text(clinic.phone),
        },
        # The language every fixed word, date and number of this version is written in: the
        # patient's preference at issue, kept here so that a re-render reads the same.
        "language": settings.LANGUAGE_CODE,  # set by build_snapshot
        "patient": {
            "name": "",  # set by build_snapshot, in the language's order
            "large_print": bool(patient and patient.large_print),
        },
        "program": {
            "id": program.pk,
            "title": program.title,
            "goal": program.goal,
            "start_date": _iso(program.start_date),
            "end_date": _iso(program.end_date),
            "duration_weeks": program.duration_weeks,
            "review_date": _iso(program.review_date),
            "general_instructions": program.general_instructions,
            "tracker": program.tracker,
        },
        "clearance_notes": [
            {
                "cleared_by_name": note.cleared_by_name,
                "cleared_by_role": note.cleared_by_role,
                "cleared_on": _iso(note.cleared_on),
                "scope": note.scope,
                "restrictions": note.restrictions,
                "valid_until": _iso(note.valid_until),
                # The structured restrictions the safety check uses, as the patient reads them.
                "avoid": restrictions_in_force(note, today=timezone.localdate(issued_at)),
                "avoid_until": _iso(note.restrictions_end),
            }
            for note in program.clearance_notes.all()
        ],
        "items": snapshot_items,
        "acknowledgements": [_acknowledgement(c) for c in acknowledged if c.item_id is None],
    }


def content_digest(snapshot: Snapshot) -> str:
    """A hash of what the handout says, leaving out when and by whom it was issued.

    Two snapshots with the same digest print the same words: issuing the second would only
    repeat the first (a double click, a retried request).
    """
    content = {key: value for key, value in snapshot.items() if key not in ISSUE_KEYS}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
