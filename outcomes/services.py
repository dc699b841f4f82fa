"""Workflows of outcome measures: loading instruments, scheduling a measure, saving answers."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, audit_record_unattended
from outcomes.audit_actions import OutcomeAction
from outcomes.definitions import Answer, score, validate
from outcomes.models import Instrument, ItemAnswer, ProgramMeasure, Response, ResponseSource


class InstrumentImportError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def instruments_import(documents: list[tuple[str, object]]) -> dict[str, int]:
    """Create or update instruments by key from ``(file name, parsed JSON)`` pairs; all or nothing.

    Every problem of every file is reported, numbered, before anything is written. Loading the
    same files again changes nothing (``unchanged`` counts them).
    """
    errors: list[str] = []
    keys: dict[str, str] = {}
    for name, document in documents:
        for problem in validate(document):
            errors.append(f"{name}: {problem}")
        if isinstance(document, dict) and isinstance(document.get("key"), str):
            if document["key"] in keys:
                errors.append(f"{name}: key {document['key']!r} is also defined in {keys[document['key']]}")
            keys[document["key"]] = name
    if errors:
        raise InstrumentImportError([f"{number}. {error}" for number, error in enumerate(errors, start=1)])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {row.key: row for row in Instrument.objects.select_for_update().filter(key__in=keys)}
        for _name, document in documents:
            row = existing.get(document["key"])
            fields = {
                "version": document["version"],
                "name": document["name"],
                "short_name": document["short_name"],
                "definition": document,
            }
            if row is None:
                Instrument(key=document["key"], **fields).save()
                counts["created"] += 1
            elif row.definition == document:
                counts["unchanged"] += 1
            else:
                for field, value in fields.items():
                    setattr(row, field, value)
                row.imported_at = timezone.now()
                row.full_clean()
                row.save()
                counts["updated"] += 1
    return counts


def measure_add(
    *, program, instrument: Instrument, at_start: bool, every_weeks: int | None, at_end: bool, user, request=None
) -> ProgramMeasure:
    """Schedule ``instrument`` on ``program``; adding it again updates its schedule (one row per pair)."""
    with transaction.atomic():
        measure, created = ProgramMeasure.objects.select_for_update().get_or_create(
            program=program,
            instrument=instrument,
            defaults={"at_start": at_start, "every_weeks": every_weeks, "at_end": at_end, "created_by": user},
        )
        if not created:
            measure.at_start, measure.every_weeks, measure.at_end = at_start, every_weeks, at_end
            measure.full_clean()
            measure.save(update_fields=["at_start", "every_weeks", "at_end"])
        audit_record(
            request=request,
            user=user,
            action=OutcomeAction.MEASURE_SCHEDULED,
            clinic=program.clinic,
            patient=program.patient,
            target=program,
            detail={"outcome_measure": instrument.key, "added": created, "schedule": _schedule_detail(measure)},
        )
    return measure


def _schedule_detail(measure: ProgramMeasure) -> dict:
    return {"at_start": measure.at_start, "every_weeks": measure.every_weeks, "at_end": measure.at_end}


def response_save(
    *,
    measure: ProgramMeasure,
    due_on: date,
    answers: dict[str, Answer],
    finish: bool,
    source: str = ResponseSource.PAPER,
    user=None,
    request=None,
) -> Response:
    """Store the answers of ``measure`` due on ``due_on``; score them when ``finish`` is true.

    One transaction; the same answers sent twice leave the same rows (one response per measure
    and due date, one answer per item). An unfinished response keeps its answers to be resumed.
    The caller has checked the answers against the definition (``outcomes.forms``).
    """
    definition = measure.instrument.definition
    with transaction.atomic():
        response, _created = Response.objects.select_for_update().get_or_create(
            measure=measure,
            due_on=due_on,
            defaults={"answered_on": timezone.localdate(), "source": source, "entered_by": user},
        )
        ItemAnswer.objects.filter(response=response).delete()
        ItemAnswer.objects.bulk_create(
            [
                ItemAnswer(response=response, item=key, value=answer.value, text=answer.text)
                for key, answer in answers.items()
                if answer.value is not None or answer.text
            ]
        )
        response.answered_on = timezone.localdate()
        response.source = source
        response.entered_by = user
        response.score = score(definition, answers) if finish else None
        response.completed_at = timezone.now() if finish and response.score is not None else None
        response.full_clean()
        response.save()
        program = measure.program
        action = OutcomeAction.ANSWERS_TYPED_IN if source == ResponseSource.PAPER else OutcomeAction.ANSWERS_GIVEN
        detail = {"outcome_measure": measure.instrument.key, "due_on": due_on.isoformat(), "finished": finish}
        if user is None:
            # The patient, through the private link: nobody is signed in.
            audit_record_unattended(
                action=action,
                clinic_id=program.clinic_id,
                patient_id=program.patient_id,
                target=response,
                detail=detail,
            )
        else:
            audit_record(
                request=request,
                user=user,
                action=action,
                clinic=program.clinic,
                patient=program.patient,
                target=response,
                detail=detail,
            )
    return response
