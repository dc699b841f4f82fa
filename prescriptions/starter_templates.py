"""Starter templates: the programs every clinic is offered, one JSON file each.

A file of ``prescriptions/starters/`` names a public program and the catalogue exercises it uses::

    {"name": "Knee conditioning", "source": "Knee Conditioning Program, AAOS (OrthoInfo)",
     "summary": "...", "items": [{"slug": "heel-slides"}, {"slug": "straight-leg-raise", "dose": {"reps": 15}}]}

An item's dose is its exercise's default dose, with the fields the file gives changed. Loading is
all-or-nothing (one unknown slug and nothing changes) and idempotent: a starter is found again
by its file's name, its items replaced, and a starter whose file is gone is removed.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.dose import Dose
from exercises.models import Exercise
from prescriptions.models import StarterItem, StarterTemplate

STARTERS_DIR = Path(settings.BASE_DIR) / "prescriptions" / "starters"


class StarterLoadError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def bundled_starter_files() -> list[Path]:
    return sorted(STARTERS_DIR.glob("*.json"))


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def _read(path: Path, exercises: dict[str, Exercise], errors: list[str]):
    """The starter and its items from one file, unsaved; problems go to ``errors``, named by file and item."""
    where = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        errors.append(f"{where}: not a readable JSON file ({exc}).")
        return None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list) or not document["items"]:
        errors.append(f"{where}: expected an object with a non-empty 'items' list.")
        return None
    starter = StarterTemplate.objects.filter(slug=path.stem).first() or StarterTemplate(slug=path.stem)
    for field in ("name", "source", "summary"):
        value = document.get(field, "")
        if not isinstance(value, str):
            errors.append(f"{where}: field '{field}': expected text.")
            value = ""
        setattr(starter, field, value.strip())
    try:
        starter.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors.append(f"{where}: {_messages(exc)}")
    items = []
    for number, entry in enumerate(document["items"], start=1):
        here = f"{where}: item {number}"
        slug = entry.get("slug") if isinstance(entry, dict) else None
        exercise = exercises.get(slug) if isinstance(slug, str) else None
        if exercise is None:
            errors.append(f"{here}: unknown exercise {slug!r}: use the slug of a published catalogue exercise.")
            continue
        dose = entry.get("dose", {})
        unknown = sorted(set(dose) - set(Dose.DOSE_FIELDS)) if isinstance(dose, dict) else ["(not an object)"]
        if unknown:
            errors.append(f"{here} ({slug}): unknown dose field(s): {', '.join(unknown)}.")
            continue
        values = {**exercise.dose_values(), **dose}
        if isinstance(values["weekdays"], list):
            values["weekdays"] = ",".join(values["weekdays"])
        item = StarterItem(exercise=exercise, order=number, **values)
        try:
            item.full_clean(exclude=["starter"])
        except ValidationError as exc:
            errors.append(f"{here} ({slug}): {_messages(exc)}")
            continue
        items.append(item)
    return starter, items


@transaction.atomic
def starters_load(paths: list[Path] | None = None) -> dict:
    """Load the starter files (all of ``prescriptions/starters/`` unless given); raise
    ``StarterLoadError`` naming every problem, changing nothing. Returns the counts."""
    whole_folder = paths is None
    paths = bundled_starter_files() if whole_folder else list(paths)
    exercises = {exercise.slug: exercise for exercise in Exercise.objects.published()}
    errors: list[str] = []
    loaded = [read for path in paths if (read := _read(path, exercises, errors)) is not None]
    if errors:
        raise StarterLoadError(errors)
    created = 0
    for starter, items in loaded:
        created += starter.pk is None
        starter.save()
        starter.items.all().delete()
        for item in items:
            item.starter = starter
        StarterItem.objects.bulk_create(items)
    removed = 0
    if whole_folder:
        _, deleted = StarterTemplate.objects.exclude(slug__in=[path.stem for path in paths]).delete()
        removed = deleted.get(StarterTemplate._meta.label, 0)  # not counting their items
    return {"created": created, "updated": len(loaded) - created, "removed": removed}
