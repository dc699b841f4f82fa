"""The one vocabulary of movements and loads: what an exercise involves and what a clearance restricts.

Exercises list the movements they involve; a clearance note lists the movements it rules out.
Both use these codes, so a conflict is a plain set intersection. Stored as a sorted JSON list of
codes (``["lying-supine", "spinal-rotation"]``), which is also how the catalogue file carries them.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class Movement(models.TextChoices):
    SPINAL_FLEXION = "spinal-flexion", _("Spinal flexion (bending forward)")
    SPINAL_EXTENSION = "spinal-extension", _("Spinal extension (bending backward)")
    SPINAL_ROTATION = "spinal-rotation", _("Spinal rotation (twisting)")
    SPINAL_SIDE_BENDING = "spinal-side-bending", _("Spinal side bending")
    NECK_MOVEMENT = "neck-movement", _("Neck movement")
    LYING_PRONE = "lying-prone", _("Lying face down (prone)")
    LYING_SUPINE = "lying-supine", _("Lying on the back (supine)")
    LYING_SIDE = "lying-side", _("Lying on the side")
    KNEELING = "kneeling", _("Kneeling or on all fours")
    WEIGHT_BEARING = "weight-bearing", _("Standing weight bearing")
    SINGLE_LEG = "single-leg-weight-bearing", _("Single-leg weight bearing")
    OVERHEAD = "overhead-arm-work", _("Overhead arm work")
    LIFTING = "lifting", _("Lifting or carrying a load")
    IMPACT = "impact", _("Impact or jumping")
    BALANCE = "balance", _("Balance challenge")
    DEEP_HIP_FLEXION = "deep-hip-flexion", _("Hip flexion past 90°")
    ANKLE_WEIGHT = "ankle-weight", _("Ankle weight load")
    DUMBBELL = "dumbbell", _("Dumbbell load")
    BAND = "band", _("Resistance band load")
    MACHINE_WEIGHT = "machine-weight", _("Machine weight load")
    # What clearances restrict after shoulder, hand, hip and knee surgery or injury.
    SHOULDER_ABOVE_90 = "shoulder-elevation-above-90", _("Shoulder elevation above 90°")
    HAND_BEHIND_BACK = "hand-behind-back", _("Hand behind the back")
    RESISTED_SHOULDER_ROTATION = "resisted-shoulder-rotation", _("Resisted shoulder rotation")
    WEIGHT_THROUGH_ARMS = "weight-through-arms", _("Weight through the arms or hands")
    HIP_ADDUCTION_PAST_MIDLINE = "hip-adduction-past-midline", _("Hip adduction past the midline")
    HIP_INTERNAL_ROTATION = "hip-internal-rotation", _("Hip internal rotation")
    DEEP_KNEE_FLEXION = "deep-knee-flexion", _("Knee flexion past 90°")
    LOADED_WRIST_EXTENSION = "loaded-wrist-extension", _("Loaded wrist extension")
    GRIPPING = "gripping", _("Gripping")
    # Weight through the legs comes in steps: partial (pushing through the feet without standing on
    # them: a bridge, a hip thrust), full (standing: WEIGHT_BEARING above) and one leg (SINGLE_LEG).
    # An exercise is tagged with the most it asks; a clearance that avoids one step avoids every
    # step above it (RULES_OUT): "non weight bearing" is avoiding partial weight bearing, and
    # "partial weight bearing only" is avoiding (full) standing weight bearing.
    PARTIAL_WEIGHT_BEARING = "partial-weight-bearing", _("Partial weight bearing through the legs")
    EYES_CLOSED = "eyes-closed", _("Eyes closed")
    TURNING_OR_STEPPING = "turning-or-stepping", _("Turning or stepping for balance")


# Movements that put a weight in the patient's hands or on a limb: a lifting limit applies to them
# even when the dose's load text gives no number.
LOAD_BEARING = frozenset({Movement.LIFTING, Movement.ANKLE_WEIGHT, Movement.DUMBBELL, Movement.MACHINE_WEIGHT})


# Avoiding a movement also avoids those that ask more of the same thing: a patient told not to put
# part of their weight through a leg must not stand on it, nor on it alone.
RULES_OUT = {
    Movement.PARTIAL_WEIGHT_BEARING: frozenset({Movement.WEIGHT_BEARING, Movement.SINGLE_LEG}),
    Movement.WEIGHT_BEARING: frozenset({Movement.SINGLE_LEG}),
}


def movements_avoided(codes) -> set[str]:
    """The codes a restriction names, with every code they rule out (``RULES_OUT``)."""
    avoided = set(codes or [])
    for code in list(avoided):
        avoided.update(RULES_OUT.get(code, ()))
    return avoided


# The tick boxes of a clearance note (and of the admin), grouped the way a surgeon's letter reads.
MOVEMENT_GROUPS = [
    (
        _("Spine and neck"),
        [
            Movement.SPINAL_FLEXION,
            Movement.SPINAL_EXTENSION,
            Movement.SPINAL_ROTATION,
            Movement.SPINAL_SIDE_BENDING,
            Movement.NECK_MOVEMENT,
        ],
    ),
    (
        _("Shoulder, arm and hand"),
        [
            Movement.OVERHEAD,
            Movement.SHOULDER_ABOVE_90,
            Movement.HAND_BEHIND_BACK,
            Movement.RESISTED_SHOULDER_ROTATION,
            Movement.WEIGHT_THROUGH_ARMS,
            Movement.LOADED_WRIST_EXTENSION,
            Movement.GRIPPING,
        ],
    ),
    (
        _("Hip and knee"),
        [
            Movement.DEEP_HIP_FLEXION,
            Movement.HIP_ADDUCTION_PAST_MIDLINE,
            Movement.HIP_INTERNAL_ROTATION,
            Movement.DEEP_KNEE_FLEXION,
        ],
    ),
    (
        _("Weight bearing and balance"),
        [
            Movement.PARTIAL_WEIGHT_BEARING,
            Movement.WEIGHT_BEARING,
            Movement.SINGLE_LEG,
            Movement.IMPACT,
            Movement.BALANCE,
            Movement.EYES_CLOSED,
            Movement.TURNING_OR_STEPPING,
        ],
    ),
    (
        _("Positions"),
        [Movement.LYING_PRONE, Movement.LYING_SUPINE, Movement.LYING_SIDE, Movement.KNEELING],
    ),
    (
        _("Loads"),
        [Movement.LIFTING, Movement.DUMBBELL, Movement.ANKLE_WEIGHT, Movement.BAND, Movement.MACHINE_WEIGHT],
    ),
]


def grouped_choices() -> list:
    return [(group, [(code.value, code.label) for code in codes]) for group, codes in MOVEMENT_GROUPS]


def movement_label(code: str) -> str:
    try:
        return str(Movement(code).label)
    except ValueError:
        return code


def validate_movements(value) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Expected a list of movement codes."))
    unknown = sorted(set(value) - set(Movement.values))
    if unknown:
        raise ValidationError(
            _("Unknown movement(s): %(codes)s. Use the codes of the movement vocabulary."),
            params={"codes": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A movement is listed more than once."))


class MovementChoiceField(forms.TypedMultipleChoiceField):
    """Tick boxes for the vocabulary, in groups; the cleaned value is the sorted list the model stores."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", grouped_choices)
        super().__init__(**kwargs)

    def clean(self, value):
        return sorted(set(super().clean(value)))


class MovementsField(models.JSONField):
    """A sorted list of movement codes, edited as tick boxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_movements)

    def formfield(self, **kwargs):
        return MovementChoiceField(label=capfirst(self.verbose_name), help_text=self.help_text, required=not self.blank)

    def display(self, value) -> list[str]:
        return [movement_label(code) for code in value or []]


# What a patient reads for each movement a clearance rules out ("Avoid: twisting your back"):
# the labels above are for clinicians. tests/exercises/test_movement_words.py checks every code has one.
PATIENT_WORDS = {
    Movement.SPINAL_FLEXION: _("bending your back forward"),
    Movement.SPINAL_EXTENSION: _("bending your back backwards"),
    Movement.SPINAL_ROTATION: _("twisting your back"),
    Movement.SPINAL_SIDE_BENDING: _("bending your back to the side"),
    Movement.NECK_MOVEMENT: _("moving your neck"),
    Movement.LYING_PRONE: _("lying on your front"),
    Movement.LYING_SUPINE: _("lying on your back"),
    Movement.LYING_SIDE: _("lying on your side"),
    Movement.KNEELING: _("kneeling or going on all fours"),
    Movement.WEIGHT_BEARING: _("standing with your full weight on your legs"),
    Movement.SINGLE_LEG: _("standing on one leg"),
    Movement.OVERHEAD: _("working with your arms above your head"),
    Movement.LIFTING: _("lifting or carrying things"),
    Movement.IMPACT: _("jumping, hopping or running"),
    Movement.BALANCE: _("exercises that test your balance"),
    Movement.DEEP_HIP_FLEXION: _("bending your hip further than a right angle"),
    Movement.ANKLE_WEIGHT: _("using ankle weights"),
    Movement.DUMBBELL: _("using hand weights"),
    Movement.BAND: _("using a resistance band"),
    Movement.MACHINE_WEIGHT: _("using weight machines"),
    Movement.SHOULDER_ABOVE_90: _("lifting your arm above shoulder height"),
    Movement.HAND_BEHIND_BACK: _("reaching your hand behind your back"),
    Movement.RESISTED_SHOULDER_ROTATION: _("turning your arm in or out against a band or weight"),
    Movement.WEIGHT_THROUGH_ARMS: _("leaning or pushing on your arms or hands"),
    Movement.HIP_ADDUCTION_PAST_MIDLINE: _("crossing your legs or bringing your knee across your body"),
    Movement.HIP_INTERNAL_ROTATION: _("turning your knee and foot inwards"),
    Movement.DEEP_KNEE_FLEXION: _("bending your knee further than a right angle"),
    Movement.LOADED_WRIST_EXTENSION: _("bending your wrist back while holding something"),
    Movement.GRIPPING: _("gripping or squeezing things"),
    Movement.PARTIAL_WEIGHT_BEARING: _("putting any weight through your leg"),
    Movement.EYES_CLOSED: _("balancing with your eyes closed"),
    Movement.TURNING_OR_STEPPING: _("turning or stepping quickly"),
}


def movement_patient_words(code: str) -> str:
    """The movement as a patient reads it on the handout (an unknown code: its clinician label)."""
    try:
        return str(PATIENT_WORDS[Movement(code)])
    except (ValueError, KeyError):
        return movement_label(code)
