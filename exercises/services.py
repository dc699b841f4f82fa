"""Catalogue import and export: the whole catalogue as one JSON document.

Import creates or updates exercises by slug and is all-or-nothing: every record
is checked, and one bad record leaves the database exactly as it was.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.dose import Dose, rest_day_default
from exercises.models import BodyRegion, Equipment, Exercise, ExercisePicture, ExerciseStep
from exercises.pictures import pose_problems

FORMAT = "homerx-catalogue"
FORMAT_VERSION = 1
# The bundled catalogue is one file per body region (catalogue.json holds the first, low-back and
# hip, set): each file is a whole catalogue document, and together they are the catalogue.
BUNDLED_CATALOGUE_DIR = Path(settings.BASE_DIR) / "exercises" / "catalogue"

_TEXT_FIELDS = ["name", "summary", "purpose", "source", "status", "kind", "position", "difficulty", "video_url"]
_LIST_FIELDS = {"other_names": "\n", "conditions": "\n", "tips": "\n", "cautions": "\n", "muscles": ", "}


class CatalogueImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _split(value: str, separator: str) -> list[str]:
    return [part.strip() for part in value.split(separator.strip() or "\n") if part.strip()]


def exercise_as_dict(exercise: Exercise) -> dict:
    dose = exercise.dose_values()
    dose["weekdays"] = exercise.weekday_list
    record = {"slug": exercise.slug}
    for field in _TEXT_FIELDS:
        record[field] = getattr(exercise, field)
    for field, separator in _LIST_FIELDS.items():
        record[field] = _split(getattr(exercise, field), separator)
    record.update(
        body_regions=sorted(region.slug for region in exercise.body_regions.all()),
        equipment=sorted(item.slug for item in exercise.equipment.all()),
        movements=sorted(exercise.movements),
        steps=[step.text for step in exercise.steps.all()],
        dose=dose,
        progressions=sorted(other.slug for other in exercise.progressions.all()),
        pictures=[
            {
                "caption": picture.caption,
                "alt_text": picture.alt_text,
                "pose": picture.pose,
                "mirror": picture.mirror,
                "image": picture.image.name or "",
            }
            for picture in exercise.pictures.all()
        ],
    )
    return record


def bundled_catalogue() -> dict:
    """The bundled catalogue files as one document, in file-name order."""
    records = []
    for path in sorted(BUNDLED_CATALOGUE_DIR.glob("*.json")):
        records.extend(json.loads(path.read_text(encoding="utf-8"))["exercises"])
    return {"format": FORMAT, "version": FORMAT_VERSION, "exercises": records}


def catalogue_export(exercises=None) -> dict:
    """The shared catalogue, or the given exercises (e.g. one clinic's own), in the catalogue format."""
    exercises = Exercise.objects.catalogue() if exercises is None else exercises
    exercises = exercises.order_by("slug").prefetch_related(
        "body_regions", "equipment", "steps", "pictures", "progressions"
    )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exercises": [exercise_as_dict(exercise) for exercise in exercises],
    }


def catalogue_export_json(exercises=None) -> str:
    """The export as the text written to a file: stable key order, so two exports of one catalogue are identical."""
    return json.dumps(catalogue_export(exercises), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(field, " ".join(m for m in messages)) for field, messages in exc.message_dict.items()]
    return [("record", " ".join(exc.messages))]


def _apply(exercise: Exercise, record: dict):
    for field in _TEXT_FIELDS:
        if field in record:
            setattr(exercise, field, record[field] if record[field] is not None else "")
    for field, separator in _LIST_FIELDS.items():
        value = record.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError({field: "Expected a list of strings."})
        setattr(exercise, field, separator.join(v.strip() for v in value))
    # Checked against the vocabulary by the model field's validator (full_clean), stored sorted.
    movements = record.get("movements", [])
    exercise.movements = (
        sorted(movements)
        if isinstance(movements, list) and all(isinstance(code, str) for code in movements)
        else movements
    )
    dose = record.get("dose")
    if not isinstance(dose, dict):
        raise ValidationError({"dose": "Expected an object with the dose fields."})
    unknown = set(dose) - set(Dose.DOSE_FIELDS)
    if unknown:
        raise ValidationError({"dose": f"Unknown dose fields: {', '.join(sorted(unknown))}."})
    for field in Dose.DOSE_FIELDS:
        value = dose.get(field, Exercise._meta.get_field(field).get_default())
        if field == "weekdays":
            value = ",".join(value) if isinstance(value, list) else (value or "")
        if field in ("load", "progression_note") and value is None:
            value = ""
        setattr(exercise, field, value)
    if "rest_day" not in dose:
        # A catalogue written before the field: the default the source documents give.
        exercise.rest_day = rest_day_default(
            kind=exercise.kind, days_per_week=exercise.days_per_week, weekdays=exercise.weekdays
        )


@transaction.atomic
def catalogue_import(document: dict, *, scope=None, images=None) -> dict:
    """Create or update every exercise in ``document``; raise CatalogueImportError on any problem.

    ``scope`` is the exercises the file may update (by slug; the shared catalogue unless given);
    new exercises join the catalogue only when the scope is the catalogue's. A slug used by an
    exercise outside the scope is an error, so one import never takes over another's exercise.
    ``images``, when given, is the set of stored picture paths a record may name.

    Returns the counts and the saved exercises: ``{"created": 3, "updated": 52, "exercises": [...],
    "new": [...]}`` (``new``: the exercises created).
    """
    in_catalogue = scope is None
    scope = Exercise.objects.catalogue() if scope is None else scope
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CatalogueImportError([f"The file is not a HomeRx catalogue (format must be {FORMAT!r})."])
    records = document.get("exercises")
    if not isinstance(records, list):
        raise CatalogueImportError(["The catalogue has no 'exercises' list."])

    regions = {region.slug: region for region in BodyRegion.objects.all()}
    equipment = {item.slug: item for item in Equipment.objects.all()}
    existing = {exercise.slug: exercise for exercise in scope}
    file_slugs = [r.get("slug") for r in records if isinstance(r, dict) and isinstance(r.get("slug"), str)]
    taken = set(
        Exercise.objects.filter(slug__in=file_slugs).exclude(pk__in=scope.values("pk")).values_list("slug", flat=True)
    )
    all_slugs = set(existing) | {r.get("slug") for r in records if isinstance(r, dict)}
    errors: list[str] = []
    seen: set[str] = set()
    prepared = []

    for number, record in enumerate(records, start=1):
        where = f"record {number}"
        if not isinstance(record, dict):
            errors.append(f"{where}: expected an object.")
            continue
        slug = record.get("slug")
        where = f"record {number} ({slug})"
        if not slug or not isinstance(slug, str):
            errors.append(f"record {number}: field 'slug': a slug is required.")
            continue
        if slug in seen:
            errors.append(f"{where}: field 'slug': appears more than once in the file.")
            continue
        seen.add(slug)
        if slug in taken:
            errors.append(f"{where}: field 'slug': another exercise already uses this slug; give the record a new one.")
            continue
        exercise = existing.get(slug) or Exercise(slug=slug, in_catalogue=in_catalogue)
        record_errors: list[tuple[str, str]] = []
        try:
            _apply(exercise, record)
            exercise.full_clean(validate_unique=False)
        except ValidationError as exc:
            record_errors += _field_errors(exc)
        except (TypeError, ValueError) as exc:
            record_errors.append(("record", str(exc)))
        steps = record.get("steps")
        if not isinstance(steps, list) or not steps or not all(isinstance(s, str) and s.strip() for s in steps):
            record_errors.append(("steps", "Give at least one step as text."))
        for field in ("body_regions", "equipment", "progressions"):
            if not isinstance(record.get(field, []), list):
                record_errors.append((field, "Expected a list of slugs."))
                record[field] = []
        for field, known in (("body_regions", regions), ("equipment", equipment)):
            missing = [s for s in record.get(field, []) if s not in known]
            if missing:
                record_errors.append((field, f"Unknown value(s): {', '.join(map(str, missing))}."))
        missing = [s for s in record.get("progressions", []) if s not in all_slugs or s == slug]
        if missing:
            record_errors.append(
                ("progressions", f"Unknown or self-referencing slug(s): {', '.join(map(str, missing))}.")
            )
        pictures = record.get("pictures", [])
        for index, picture in enumerate(pictures if isinstance(pictures, list) else [None], start=1):
            try:
                if not isinstance(picture, dict):
                    raise ValidationError("Expected an object.")
                candidate = ExercisePicture(
                    exercise=exercise,
                    caption=picture.get("caption", ""),
                    alt_text=picture.get("alt_text", ""),
                    pose=picture.get("pose"),
                    mirror=bool(picture.get("mirror", False)),
                    image=picture.get("image", ""),
                )
                candidate.full_clean(exclude=["exercise", "image"])
                if images is not None and candidate.image and candidate.image.name not in images:
                    raise ValidationError(
                        {"image": "This picture file is not stored here: remove 'image' and upload the photo later."}
                    )
                if candidate.pose:
                    # A drawing that contradicts its exercise's steps is refused like a bad field.
                    for problem in pose_problems(candidate.pose):
                        record_errors.append((f"pictures[{index}].pose", problem))
            except ValidationError as exc:
                for field, message in _field_errors(exc):
                    record_errors.append((f"pictures[{index}].{field}", message))
        if record_errors:
            errors += [f"{where}: field '{field}': {message}" for field, message in record_errors]
        else:
            prepared.append((exercise, record))

    if errors:
        raise CatalogueImportError(errors)

    created = updated = 0
    by_slug = {}
    new = []
    for exercise, record in prepared:
        if exercise.pk:
            updated += 1
        else:
            created += 1
            new.append(exercise)
        exercise.save()
        by_slug[exercise.slug] = exercise
        exercise.body_regions.set([regions[s] for s in record.get("body_regions", [])])
        exercise.equipment.set([equipment[s] for s in record.get("equipment", [])])
        exercise.steps.all().delete()
        ExerciseStep.objects.bulk_create(
            [
                ExerciseStep(exercise=exercise, order=i, text=text.strip())
                for i, text in enumerate(record["steps"], start=1)
            ]
        )
        exercise.pictures.all().delete()
        for order, picture in enumerate(record.get("pictures", []), start=1):
            ExercisePicture(
                exercise=exercise,
                order=order,
                caption=picture.get("caption", ""),
                alt_text=picture.get("alt_text", ""),
                pose=picture.get("pose"),
                mirror=bool(picture.get("mirror", False)),
                image=picture.get("image", ""),
            ).save()
    lookup = {**existing, **by_slug}
    for exercise, record in prepared:
        exercise.progressions.set([lookup[s] for s in record.get("progressions", [])])
    return {"created": created, "updated": updated, "exercises": list(by_slug.values()), "new": new}
