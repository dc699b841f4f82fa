"""The safety check: which items of a program contradict its clearance notes.

``find_conflicts`` is pure (no database, no clock): the builder, the issue confirmation and the
issue service all call it with what they already loaded, so they can never disagree.

- an item whose exercise involves a movement a note restricts conflicts with that note, and so does
  one involving a movement the restriction rules out (``exercises.movements.RULES_OUT``: a
  non-weight-bearing note, which avoids partial weight bearing, also flags standing exercises);
- an item whose load (the dose's free text, "10 kg dumbbell", "8-10 lb") exceeds the note's
  lifting limit conflicts, whatever carries it, and so does an item of a weight-bearing exercise
  (dumbbell, ankle weight, machine) whose load text gives no number to compare, and any load
  whose number is not one a person could lift ("1111111111111111111111111111 kg");
- the progression ("When it gets easy: …") of an item that conflicts is a conflict of its own:
  it may undo what the decision allowed ("let the knees go a little further"), so it is not
  printed unless the clinician keeps it;
- a decision is tied to exactly what was decided: the movements, or the load text and the
  limit, or the progression text (``Conflict.key``). Any change asks again;
- restrictions past their until-date (by default the note's valid-until) no longer apply;
- an expired clearance is itself a conflict: issuing under it needs a decision too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formats import day_text
from exercises.movements import LOAD_BEARING, movement_label, movement_patient_words, movements_avoided

MOVEMENT, LOAD, EXPIRED, PROGRESSION = "movement", "load", "expired", "progression"
POUND_KG = Decimal("0.45359237")
# The heaviest load a person could be asked to lift at home, with room to spare: a number above
# it (or with more digits than a weight has) is a typing slip, never a weight to compare.
MAX_PLAUSIBLE_KG = Decimal(500)
_NUMBER = r"(?<![\d.,])(\d+(?:[.,]\d+)?)"
# "10 kg", "1.5kg", "2,5 kilos", "8-10 lb", "5 to 8 pounds": the upper end of a range counts.
_LOAD = re.compile(
    _NUMBER + r"(?:\s*(?:-|–|to)\s*" + _NUMBER + r")?\s*(kg|kgs|kilos?|kilograms?|lbs?|pounds?)\b", re.IGNORECASE
)
# ConflictAcknowledgement.key's max_length.
KEY_MAX_LENGTH = 200
_PLAUSIBLE_NUMBER = re.compile(r"\d{1,4}(?:[.,]\d{1,3})?")


class UnreadableLoad(ValueError):
    """The load text names a weight no person could lift (or a number too long to be one)."""


def parse_load_kg(text: str) -> Decimal | None:
    """The heaviest load the text names, in kg (pounds converted); None when it names none.

    Raises ``UnreadableLoad`` for a number no person could lift: bounded before any arithmetic,
    so a 28-digit number is refused, not rounded (``quantize`` would raise on it).
    """
    loads = []
    for low, high, unit in _LOAD.findall(text or ""):
        number = high or low
        if not _PLAUSIBLE_NUMBER.fullmatch(number):
            raise UnreadableLoad(number)
        value = Decimal(number.replace(",", "."))
        value = value * POUND_KG if unit.lower().startswith(("lb", "pound")) else value
        if value > MAX_PLAUSIBLE_KG:
            raise UnreadableLoad(number)
        loads.append(value)
    return max(loads).quantize(Decimal("0.1")) if loads else None


def _load_text(text: str) -> str:
    return " ".join((text or "").split())


@dataclass(frozen=True)
class Conflict:
    kind: str  # MOVEMENT, LOAD, PROGRESSION or EXPIRED
    note_id: int
    cleared_by: str
    until: date | None  # the restriction's last day (EXPIRED: the day the clearance ended)
    # What the decision is about, exactly: the movements; the limit and the load text; the
    # progression text; the expiry date. A decision recorded for another code does not match.
    code: str
    message: str
    item_id: int | None = None  # None for an expired clearance (the whole program)
    exercise_name: str = ""
    acknowledgement: object | None = None

    @property
    def key(self) -> str:
        """What a decision is stored under; a long text (a progression) by its digest, to fit."""
        key = f"{self.kind}:{self.code}"
        if len(key) <= KEY_MAX_LENGTH:
            return key
        return f"{self.kind}:sha256:{hashlib.sha256(self.code.encode()).hexdigest()}"

    @property
    def field_prefix(self) -> str:
        """Names this conflict's fields in the issue form."""
        return f"c{self.item_id or 0}-{self.note_id}-{self.kind}"

    @property
    def is_resolved(self) -> bool:
        return self.acknowledgement is not None


def _cleared_by(note) -> str:
    return f"{note.cleared_by_name}, {note.cleared_by_role}" if note.cleared_by_role else note.cleared_by_name


def _until_text(day: date | None) -> str:
    return _("until %(date)s") % {"date": day_text(day)} if day else _("with no end date")


def expired_notice(note) -> str:
    """What a clinician reads of a clearance note past its valid-until date."""
    return _("The clearance by %(who)s expired on %(date)s.") % {
        "who": _cleared_by(note),
        "date": day_text(note.valid_until),
    }


def _kg(value: Decimal) -> str:
    """5 rather than 5.0, 2.5 as is."""
    return f"{value.normalize():f}"


def _load_conflict(item, note, common: dict, *, who: str, until) -> Conflict | None:
    """The item's load against the note's lifting limit (None when within it)."""
    limit = Decimal(note.max_lift_kg)
    text = _load_text(item.load)
    code = f"{_kg(limit)}kg|{text}"  # the limit and the exact text: either changing asks again
    values = {"load": text, "limit": _kg(limit), "who": who, "until": _until_text(until)}
    try:
        load = parse_load_kg(text)
    except UnreadableLoad:
        message = _(
            "The load “%(load)s” is not a weight a person could lift, and %(who)s set a %(limit)s kg limit "
            "%(until)s: give the load in kg."
        )
        return Conflict(kind=LOAD, code=code, message=message % values, **common)
    if load is not None and load > limit:
        message = _("Load %(load)s kg is over the %(limit)s kg limit set by %(who)s, %(until)s.")
        return Conflict(kind=LOAD, code=code, message=message % {**values, "load": _kg(load)}, **common)
    if load is None and text and LOAD_BEARING.intersection(item.exercise.movements or []):
        message = _(
            "Uses a load (%(load)s) with no weight given, and %(who)s set a %(limit)s kg limit %(until)s: "
            "give the load in kg."
        )
        return Conflict(kind=LOAD, code=code, message=message % values, **common)
    return None


def find_conflicts(items: Iterable, notes: Iterable, *, today: date, acknowledgements: Iterable = ()) -> list[Conflict]:
    """Items × clearance notes → the conflicts, each with its acknowledgement when one matches.

    ``items`` are program items with their exercise loaded; ``notes`` the program's clearance
    notes; ``acknowledgements`` its ``ConflictAcknowledgement`` rows.
    """
    items, notes = list(items), list(notes)
    conflicts: list[Conflict] = []
    for note in notes:
        who = _cleared_by(note)
        if note.valid_until is not None and note.valid_until < today:
            conflicts.append(
                Conflict(
                    kind=EXPIRED,
                    note_id=note.pk,
                    cleared_by=who,
                    until=note.valid_until,
                    code=note.valid_until.isoformat(),
                    message=expired_notice(note),
                )
            )
        until = note.restrictions_end
        if until is not None and until < today:
            continue  # the restrictions have run their course
        restricted = movements_avoided(note.restricted_movements)
        for item in items:
            exercise = item.exercise
            involved = sorted(restricted.intersection(exercise.movements or []))
            common = {
                "note_id": note.pk,
                "cleared_by": who,
                "until": until,
                "item_id": item.pk,
                "exercise_name": exercise.name,
            }
            if involved:
                conflicts.append(
                    Conflict(
                        kind=MOVEMENT,
                        code=",".join(involved),
                        message=_("%(movements)s: avoid, says %(who)s, %(until)s.")
                        % {
                            "movements": ", ".join(movement_label(code) for code in involved),
                            "who": who,
                            "until": _until_text(until),
                        },
                        **common,
                    )
                )
            if note.max_lift_kg is not None:
                load_conflict = _load_conflict(item, note, common, who=who, until=until)
                if load_conflict is not None:
                    conflicts.append(load_conflict)
            progression = " ".join((getattr(item, "progression_note", "") or "").split())
            if progression and any(c.item_id == item.pk and c.note_id == note.pk for c in conflicts):
                conflicts.append(
                    Conflict(
                        kind=PROGRESSION,
                        code=progression,
                        message=_(
                            "“When it gets easy: %(text)s” may go past what %(who)s allows for this exercise "
                            "(%(until)s): it is printed only if you keep it."
                        )
                        % {"text": progression, "who": who, "until": _until_text(until)},
                        **common,
                    )
                )
    by_key = {(ack.item_id, ack.clearance_note_id, ack.key): ack for ack in acknowledgements}
    return [replace(c, acknowledgement=by_key.get((c.item_id, c.note_id, c.key))) for c in conflicts]


def restrictions_in_force(note, *, today: date) -> list[str]:
    """What the note still rules out today, in a patient's words ("twisting your back", "lifting
    more than 5 kg"): the same structured restrictions, and the same end date, the check uses."""
    until = note.restrictions_end
    if until is not None and until < today:
        return []
    avoid = [movement_patient_words(code) for code in note.restricted_movements or []]
    if note.max_lift_kg is not None:
        avoid.append(_("lifting more than %(limit)s kg") % {"limit": _kg(Decimal(note.max_lift_kg))})
    return avoid


def restricted_movements(notes: Iterable, *, today: date) -> set[str]:
    """The movements the notes still restrict today: what the builder's search hides."""
    codes: set[str] = set()
    for note in notes:
        until = note.restrictions_end
        if until is None or until >= today:
            codes.update(movements_avoided(note.restricted_movements))
    return codes
