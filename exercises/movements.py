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
    # Weight bearing through a leg comes in two steps: partial (seated, or standing with most of
    # the weight on the other leg or a support) and full (standing on it: WEIGHT_BEARING above).
    # A "non weight bearing" clearance avoids both; "partial weight bearing" avoids the full one.
    PARTIAL_WEIGHT_BEARING = "partial-weight-bearing", _("Partial weight bearing through the legs")
    EYES_CLOSED = "eyes-closed", _("Eyes closed")
    TURNING_OR_STEPPING = "turning-or-stepping", _("Turning or stepping for balance")


# Movements that put a weight in the patient's hands or on a limb: a lifting limit applies to them
# even when the dose's load text gives no number.
LOAD_BEARING = frozenset({Movement.LIFTING, Movement.ANKLE_WEIGHT, Movement.DUMBBELL, Movement.MACHINE_WEIGHT})


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
    """Tick boxes for the vocabulary; the cleaned value is the sorted list the model stores."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Movement.choices)
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
