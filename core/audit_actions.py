"""The audit log's vocabulary: dotted action names, each registered by the app that writes it.

As pretix's ``log_action("pretix.event.order.paid")``: an app names its actions "object.verb"
("handout.viewed") and registers them with their labels in its ``audit_actions.py``
(``register_actions``, a class decorator on a ``TextChoices``, imported by the app's
``ready()``), so a new feature adds an action without a migration of core. A name registered
twice with different labels, or an entry with an unregistered action, is refused: a typo cannot
slip into the log.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, str] = {}


def register_actions(choices: type[models.TextChoices]) -> type[models.TextChoices]:
    """Add an app's actions (a ``TextChoices``: dotted name and label) to the registry."""
    for value, label in choices.choices:
        if _LABELS.get(value, label) != label:
            raise ValueError(f"Audit action {value!r} is registered twice with different labels.")
        _LABELS[value] = label
    return choices


def validate_action(value: str) -> None:
    if value not in _LABELS:
        raise ValidationError(_("%(action)s is not a registered audit action."), params={"action": value})


def action_label(value: str) -> str:
    return str(_LABELS.get(value, value))


def action_choices() -> list[tuple[str, str]]:
    """Every registered action and its label, by label (for a filter's choices)."""
    return sorted(((value, str(label)) for value, label in _LABELS.items()), key=lambda choice: choice[1])
