"""Program workflows: creating, copying, editing items and clearance notes.

Every function here is atomic, checks the program's revision where a clinician
could be working from a stale page, validates with ``full_clean()`` and leaves
one audit entry. Handout issuing, patient links and email live in the ``handout`` package.

Over 400 lines on purpose: these are the builder's workflows on one program, and they share its
one protocol (lock the program, check the revision, bump it, record the change, re-check the
clearance conflicts); split apart, each module would import the same private helpers
(``_lock``, ``_changed``, ``_renumber``) from another.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.storage import save_or_clean_up
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import (
    ClearanceNote,
    ConflictAcknowledgement,
    Program,
    ProgramItem,
    clearance_letter_path,
)
from prescriptions.safety import PROGRESSION, Conflict, find_conflicts


class StaleProgramError(Exception):
    """The program changed since the page the clinician worked from was loaded."""

    message = _(
        "Someone else changed this program (or you did in another tab) since you opened it. "
        "This is the current version: check it and make your change again."
    )


class StaleItemError(Exception):
    """The item's dose changed since the form it was typed in was loaded (another tab or person)."""

    message = _(
        "Someone else changed this exercise's dose (or you did in another tab) since you opened it. "
        "Your values are kept below, beside the saved ones: choose which to keep."
    )

    def __init__(self, current: ProgramItem):
        super().__init__(self.message)
        self.current = current


def check_revision(locked: Program, revision) -> None:
    """Refuse work based on an older revision of ``locked`` (a row locked for update); None: unchecked."""
    if revision is not None and str(locked.revision) != str(revision):
        raise StaleProgramError


def _lock(program: Program, revision) -> Program:
    """Lock the program row and refuse work based on an older revision."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    check_revision(locked, revision)
    return locked


def _changed(
    *, program: Program, user, change: str, request=None, action=ProgramAction.PROGRAM_CHANGED, target=None, **detail
):
    """Bump the revision (so other open pages know they are stale) and audit the change."""
    program.bump_revision()
    audit_record(
        request=request,
        user=user,
        action=action,
        clinic=program.clinic,
        patient=program.patient,
        target=target or program,
        detail={"change": change, **detail},
    )


def program_conflicts(program: Program, *, items=None, notes=None) -> list[Conflict]:
    """The program's conflicts with its clearance notes, each with its acknowledgement if any.

    Reads what the caller did not pass: the items (with exercises), the notes, and always the
    acknowledgements: at most three queries, whatever the program's size.
    """
    if items is None:
        items = program.items.select_related("exercise")
    if notes is None:
        notes = program.clearance_notes.all()
    return find_conflicts(
        items, notes, today=timezone.localdate(), acknowledgements=program.conflict_acknowledgements.all()
    )


def attach_conflicts(items, conflicts: list[Conflict]) -> None:
    """Give each item the list of its own conflicts (``item.conflicts``), for its row in the builder."""
    for item in items:
        item.conflicts = [conflict for conflict in conflicts if conflict.item_id == item.pk]


def _copy_items(source: Program, target: Program, *, keep_notes: bool):
    ProgramItem.objects.bulk_create(
        [
            ProgramItem(
                program=target,
                exercise_id=item.exercise_id,
                order=index,
                patient_note=item.patient_note if keep_notes else "",
                **item.dose_values(),
            )
            for index, item in enumerate(source.items.all())
        ]
    )


def _carry_clearance(patient, target: Program, copy_of: Program | None = None) -> Program | None:
    """Give a new program the patient's clearance still in force, so its conflicts show at once.

    Clearance belongs with the patient, not the template: it comes from the program copied, else
    from the patient's most recently changed program that has a clearance note. Notes that have
    expired stay behind. Returns the program they came from.
    """
    source = copy_of or (
        Program.objects.filter(patient=patient, archived_at__isnull=True, clearance_notes__isnull=False)
        .exclude(pk=target.pk)
        .order_by("-updated_at", "-pk")
        .first()
    )
    if source is None:
        return None
    today = timezone.localdate()
    notes = [
        ClearanceNote(program=target, **{field: getattr(note, field) for field in ClearanceNote.RECORDED_FIELDS})
        for note in source.clearance_notes.all()
        if note.valid_until is None or note.valid_until >= today
    ]
    ClearanceNote.objects.bulk_create(notes)
    return source if notes else None


@transaction.atomic
def program_create(
    *,
    clinic,
    patient,
    user,
    title,
    template=None,
    copy_of=None,
    start_date=None,
    duration_weeks=None,
    general_instructions="",
    request=None,
) -> Program:
    """A new program for ``patient``: blank, from a clinic template, or a copy of another program.

    Duration and general instructions left empty come from the template or copied program.
    """
    source = template or copy_of
    program = Program(
        clinic=clinic,
        patient=patient,
        title=title,
        created_by=user,
        start_date=start_date,
        duration_weeks=duration_weeks or (source.duration_weeks if source else 6),
        general_instructions=general_instructions or (source.general_instructions if source else ""),
        tracker=source.tracker if source else True,
        goal=copy_of.goal if copy_of else "",
    )
    program.full_clean()
    program.save()
    if source:
        _copy_items(source, program, keep_notes=copy_of is not None)
    clearance_from = _carry_clearance(patient, program, copy_of=copy_of) if patient else None
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.PROGRAM_CREATED,
        clinic=clinic,
        patient=patient,
        target=program,
        detail={
            "from_template": template.pk if template else None,
            "copy_of": copy_of.pk if copy_of else None,
            "clearance_from": clearance_from.pk if clearance_from else None,
        },
    )
    return program


@transaction.atomic
def program_update(*, program: Program, user, revision, data: dict, request=None) -> Program:
    locked = _lock(program, revision)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    _changed(program=locked, user=user, change="details", request=request, fields=sorted(data))
    return locked


@transaction.atomic
def program_save_as_template(*, program: Program, user, title: str, request=None) -> Program:
    """A clinic template from a program. Nothing about the patient is carried over."""
    template = Program(
        clinic=program.clinic,
        patient=None,
        title=title,
        duration_weeks=program.duration_weeks,
        general_instructions=program.general_instructions,
        tracker=program.tracker,
        created_by=user,
    )
    template.full_clean()
    template.save()
    _copy_items(program, template, keep_notes=False)
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.TEMPLATE_SAVED,
        clinic=program.clinic,
        patient=program.patient,
        target=template,
        detail={"source_program": program.pk},
    )
    return template


@transaction.atomic
def item_add(
    *,
    program: Program,
    exercise,
    user,
    revision=None,
    dose: dict | None = None,
    patient_note="",
    order=None,
    request=None,
) -> ProgramItem:
    """Add an exercise with its catalogue default dose (or ``dose``, when undoing a removal)."""
    locked = _lock(program, revision)
    last = locked.items.order_by("-order").values_list("order", flat=True).first()
    end = 0 if last is None else last + 1
    item = ProgramItem(
        program=locked,
        exercise=exercise,
        order=end,
        patient_note=patient_note,
        **(dose if dose is not None else exercise.dose_values()),
    )
    # The dose is the exercise's default or one the view's ItemDoseForm validated with its
    # constraints; each constraint check is a query, and the database enforces them anyway.
    item.full_clean(validate_constraints=False)
    item.save()
    if order is not None:
        _move_to(locked, item, int(order))
    _changed(program=locked, user=user, change="item_added", request=request, exercise=exercise.pk)
    program.revision = locked.revision
    return item


@transaction.atomic
def item_update(*, item: ProgramItem, user, revision, data: dict, request=None) -> ProgramItem:
    """Change an item's dose or note, if ``revision`` is the item's current revision.

    Only the item row is locked and checked: a colleague's save of another item, or a reorder,
    does not refuse it. A stale revision raises StaleItemError carrying the stored item; invalid
    values raise ValidationError. Either way nothing is saved.
    """
    current = ProgramItem.objects.select_for_update().select_related("program").get(pk=item.pk)
    if str(current.revision) != str(revision):
        raise StaleItemError(current)
    for field, value in data.items():
        setattr(current, field, value)
    # The view's ItemDoseForm validated the constraints (a query each); the fields again here.
    current.full_clean(validate_constraints=False)
    current.revision += 1
    current.save()
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.PROGRAM_CHANGED,
        clinic=current.program.clinic,
        patient=current.program.patient,
        target=current.program,
        detail={"change": "item_dose", "item": item.pk},
    )
    return current


@transaction.atomic
def item_remove(*, item: ProgramItem, user, revision, request=None) -> dict:
    """Remove an item; returns what is needed to put it back (undo)."""
    program = _lock(item.program, revision)
    undo = {
        "exercise": item.exercise_id,
        "order": item.order,
        "patient_note": item.patient_note,
        **{field: value for field, value in item.dose_values().items()},
    }
    item.delete()
    _renumber(program)
    _changed(program=program, user=user, change="item_removed", request=request, exercise=undo["exercise"])
    item.program.revision = program.revision
    return undo


def _renumber(program: Program, ordered_ids: list[int] | None = None):
    ids = ordered_ids or list(program.items.order_by("order", "pk").values_list("pk", flat=True))
    items = {item.pk: item for item in program.items.all()}
    for index, pk in enumerate(ids):
        items[pk].order = index
    ProgramItem.objects.bulk_update(items.values(), ["order"])


def _move_to(program: Program, item: ProgramItem, position: int):
    ids = [pk for pk in program.items.order_by("order", "pk").values_list("pk", flat=True) if pk != item.pk]
    position = max(0, min(position, len(ids)))
    ids.insert(position, item.pk)
    _renumber(program, ids)


@transaction.atomic
def items_reorder(*, program: Program, user, revision, ordered_ids: list[int], request=None) -> Program:
    """Put the items in the given order (drag and drop). The ids must be exactly the program's items."""
    locked = _lock(program, revision)
    current = set(locked.items.values_list("pk", flat=True))
    if set(ordered_ids) != current or len(ordered_ids) != len(current):
        raise ValidationError(_("The list of exercises changed; reload the page and try again."))
    _renumber(locked, ordered_ids)
    _changed(program=locked, user=user, change="items_reordered", request=request)
    program.revision = locked.revision
    return locked


@transaction.atomic
def item_move(*, item: ProgramItem, user, revision, offset: int, request=None) -> ProgramItem:
    """Move an item up (-1) or down (+1): the keyboard alternative to dragging."""
    program = _lock(item.program, revision)
    ids = list(program.items.order_by("order", "pk").values_list("pk", flat=True))
    index = ids.index(item.pk)
    _move_to(program, item, index + offset)
    _changed(program=program, user=user, change="item_moved", request=request, item=item.pk)
    item.program.revision = program.revision
    return item


@transaction.atomic
def conflicts_decide(*, program: Program, user, revision, remove: list[Conflict], keep: list[tuple], request=None):
    """Record the clinician's decision on each conflict before issuing.

    ``remove``: conflicts whose item leaves the program. ``keep``: ``(conflict, reason, patient_note)``
    for each conflict kept, stored as a ``ConflictAcknowledgement`` and audited with its reason.
    A decision already recorded (a double click) is not recorded twice.
    """
    locked = _lock(program, revision)
    # "Remove" a progression: the item stays, without its "When it gets easy" line.
    unprogressed = {c.item_id for c in remove if c.item_id and c.kind == PROGRESSION}
    removed = {c.item_id for c in remove if c.item_id and c.kind != PROGRESSION}
    for item in locked.items.filter(pk__in=unprogressed - removed).select_related("exercise"):
        item.progression_note = ""
        item.revision += 1
        item.save(update_fields=["progression_note", "revision"])
        _changed(program=locked, user=user, change="progression_removed", request=request, exercise=item.exercise_id)
    for item in locked.items.filter(pk__in=removed).select_related("exercise"):
        item.delete()
        _changed(program=locked, user=user, change="item_removed", request=request, exercise=item.exercise_id)
    if removed:
        _renumber(locked)
    items = set(locked.items.values_list("pk", flat=True))
    for conflict, reason, patient_note in keep:
        if conflict.item_id in removed or (conflict.item_id is not None and conflict.item_id not in items):
            continue
        identity = {"item_id": conflict.item_id, "clearance_note_id": conflict.note_id, "key": conflict.key}
        if not locked.conflict_acknowledgements.filter(**identity).exists():  # the program row is locked
            acknowledgement = ConflictAcknowledgement(
                program=locked, reason=reason, patient_note=patient_note, acknowledged_by=user, **identity
            )
            acknowledgement.full_clean()
            acknowledgement.save()
            _changed(
                program=locked,
                user=user,
                change="conflict_acknowledged",
                request=request,
                target=acknowledgement,
                exercise=conflict.exercise_name,
                restriction=conflict.message,
                reason=reason,
                patient_note=patient_note,
            )
    program.revision = locked.revision
    return locked


def clearance_save(*, note: ClearanceNote, user, revision, new_letter=None, request=None) -> ClearanceNote:
    """Save a clearance note and, when one was uploaded, its letter.

    The letter is written to the private storage first (a full disk leaves no file and raises
    ``StorageUnavailable``), then the note in one transaction; if that fails the file goes too.
    """
    stored_letter = ""
    if new_letter is not None:
        storage = ClearanceNote._meta.get_field("letter").storage
        stored_letter = save_or_clean_up(storage, clearance_letter_path(note, new_letter.name), new_letter)
        note.letter = stored_letter
    try:
        with transaction.atomic():
            program = _lock(note.program, revision)
            note.full_clean()
            note.save()
            _changed(
                program=program,
                user=user,
                change="clearance_saved",
                request=request,
                action=ProgramAction.CLEARANCE_CHANGED,
                target=note,
            )
    except BaseException:
        if stored_letter:
            ClearanceNote._meta.get_field("letter").storage.delete(stored_letter)
        raise
    note.program.revision = program.revision
    return note


@transaction.atomic
def clearance_remove(*, note: ClearanceNote, user, revision, request=None):
    program = _lock(note.program, revision)
    _changed(
        program=program,
        user=user,
        change="clearance_removed",
        request=request,
        action=ProgramAction.CLEARANCE_CHANGED,
        target=note,
    )
    note.delete()


@transaction.atomic
def program_archive(*, program: Program, user, request=None) -> Program:
    """Archive a program (or template): it leaves the lists, its handouts and links stay."""
    program.archive()
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.PROGRAM_ARCHIVED,
        clinic=program.clinic,
        patient=program.patient,
        target=program,
    )
    return program


@transaction.atomic
def template_rename(*, template: Program, user, title: str, request=None) -> Program:
    previous = template.title
    template.title = title
    template.full_clean()
    template.save(update_fields=["title", "updated_at"])
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.TEMPLATE_RENAMED,
        clinic=template.clinic,
        target=template,
        detail={"from": previous, "to": title},
    )
    return template


@transaction.atomic
def template_delete(*, template: Program, user, request=None) -> None:
    """Delete a clinic template. It has no patient and no handouts, so no clinical history is lost."""
    if not template.is_template:
        raise ValidationError(_("Only a template can be deleted; archive a patient's program instead."))
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.TEMPLATE_DELETED,
        clinic=template.clinic,
        target=template,
        detail={"title": template.title},
    )
    template.delete()
