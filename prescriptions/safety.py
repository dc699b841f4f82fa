"""The safety check: which items of a program contradict its clearance notes.

``find_conflicts`` is pure (no database, no clock): the builder, the issue confirmation and the
issue service all call it with what they already loaded, so they can never disagree.

- an item whose exercise involves a movement a note restricts conflicts with that note;
- an item whose load (the dose's free text, "10 kg dumbbell", "8-10 lb") exceeds the note's
  lifting limit conflicts, whatever carries it, and so does an item of a weight-bearing exercise
  (dumbbell, ankle weight, machine) whose load text gives no number to compare;
- restrictions past their until-date (by default the note's valid-until) no longer apply;
- an expired clearance is itself a conflict: issuing under it needs a decision too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formats import day_text
from exercises.movements import LOAD_BEARING, movement_label

MOVEMENT, LOAD, EXPIRED = "movement", "load", "expired"
POUND_KG = Decimal("0.45359237")
_NUMBER = r"(\d+(?:[.,]\d+)?)"
# "10 kg", "1.5kg", "2,5 kilos", "8-10 lb", "5 to 8 pounds": the upper end of a range counts.
_LOAD = re.compile(
    _NUMBER + r"(?:\s*(?:-|–|to)\s*" + _NUMBER + r")?\s*(kg|kgs|kilos?|kilograms?|lbs?|pounds?)\b", re.IGNORECASE
)


def parse_load_kg(text: str) -> Decimal | None:
    """The heaviest load the text names, in kg (pounds converted); None when it names none."""
    loads = []
    for low, high, unit in _LOAD.findall(text or ""):
        value = Decimal((high or low).replace(",", "."))
        loads.append(value * POUND_KG if unit.lower().startswith(("lb", "pound")) else value)
    return max(loads).quantize(Decimal("0.1")) if loads else None


@dataclass(frozen=True)
class Conflict:
    kind: str  # MOVEMENT, LOAD or EXPIRED
    note_id: int
    cleared_by: str
    until: date | None  # the restriction's last day (EXPIRED: the day the clearance ended)
    code: str  # the movements, the load or the expiry date: what the decision was about
    message: str
    item_id: int | None = None  # None for an expired clearance (the whole program)
    exercise_name: str = ""
    acknowledgement: object | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"

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
        restricted = set(note.restricted_movements or [])
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
            if note.max_lift_kg is None:
                continue
            load = parse_load_kg(item.load)
            limit = Decimal(note.max_lift_kg)
            if load is not None and load > limit:
                message = _("Load %(load)s kg is over the %(limit)s kg limit set by %(who)s, %(until)s.")
                conflicts.append(
                    Conflict(
                        kind=LOAD,
                        code=f"{load}",
                        message=message
                        % {"load": _kg(load), "limit": _kg(limit), "who": who, "until": _until_text(until)},
                        **common,
                    )
                )
            elif load is None and (item.load or "").strip() and LOAD_BEARING.intersection(exercise.movements or []):
                message = _(
                    "Uses a load (%(load)s) with no weight given, and %(who)s set a %(limit)s kg limit "
                    "%(until)s: give the load in kg."
                )
                conflicts.append(
                    Conflict(
                        kind=LOAD,
                        code="unstated",
                        message=message % {"load": item.load, "limit": limit, "who": who, "until": _until_text(until)},
                        **common,
                    )
                )
    by_key = {(ack.item_id, ack.clearance_note_id, ack.key): ack for ack in acknowledgements}
    return [replace(c, acknowledgement=by_key.get((c.item_id, c.note_id, c.key))) for c in conflicts]


def restricted_movements(notes: Iterable, *, today: date) -> set[str]:
    """The movements the notes still restrict today: what the builder's search hides."""
    codes: set[str] = set()
    for note in notes:
        until = note.restrictions_end
        if until is None or until >= today:
            codes.update(note.restricted_movements or [])
    return codes
