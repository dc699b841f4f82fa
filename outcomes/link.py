"""The questionnaires on the patient's link page: what is due, cached until something it shows changes.

The page's section (``templates/outcomes/_link_section.html``, registered in
``prescriptions.extensions``) reads ``cached_due`` for each response. Its data (the due
questionnaires and the answers of a half-finished one) is cached under a key made of the
program, its last change (start date, weeks: the gate's ``program_updated_at``), the day, and a
version that every change of the program's measures or answers replaces (``changed``, from the
models' signals): a repeated view of the link page costs no query here. A lost version is
a new one, so the cache never serves data older than the database.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.cache_keys import content_key
from outcomes.attention import due_questionnaires
from outcomes.definitions import text_in

# The shipped definitions are in English; a patient's preferred language is free text, not a code yet.
QUESTIONNAIRE_LANGUAGE = "en"
# The data holds the patient's answers (activity names): kept an hour, as "Today"'s.
DUE_CACHE_SECONDS = 60 * 60


def _version_key(program_id: int) -> str:
    return f"outcomes-link-version:{program_id}"


def _version(program_id: int) -> str:
    version = uuid.uuid4().hex
    if cache.add(_version_key(program_id), version, DUE_CACHE_SECONDS):
        return version
    return cache.get(_version_key(program_id)) or version


def changed(program_id: int) -> None:
    """Forget the program's cached questionnaires: now, and once the change is committed (so a
    request that read the old rows meanwhile cannot keep them under the new version)."""

    def forget():
        cache.delete(_version_key(program_id))

    forget()
    transaction.on_commit(forget)


def due_data(program, *, today=None) -> list[dict]:
    """What the section shows: each due questionnaire with its half-finished answers (two queries)."""
    rows = []
    for due in due_questionnaires(program, today=today):
        measure, response = due["measure"], due["response"]
        definition = measure.instrument.definition
        rows.append(
            {
                "measure_pk": measure.pk,
                "name": measure.instrument.name,
                "short_name": measure.instrument.short_name,
                "definition": definition,
                "instructions": text_in(definition["instructions"], QUESTIONNAIRE_LANGUAGE),
                "due_on": due["due_on"],
                "answers": response.answer_map() if response is not None else {},
            }
        )
    return rows


def cached_due(handout, program) -> list[dict]:
    """``due_data`` of the link's program; ``program`` is read only on a miss (it may be lazy)."""
    today = timezone.localdate()
    key = content_key(
        "outcomes-link-due", handout.program_id, handout.program_updated_at, _version(handout.program_id), today
    )
    data = cache.get(key)
    if data is None:
        data = due_data(program, today=today)
        cache.set(key, data, DUE_CACHE_SECONDS)
    return data


def forget_on_change(sender, instance, **kwargs) -> None:
    """Signal receiver for ProgramMeasure and Response saves and deletes."""
    program_id = getattr(instance, "program_id", None)
    if program_id is None:
        program_id = instance.measure.program_id
    changed(program_id)
