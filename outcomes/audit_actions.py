"""What the outcomes app writes to the audit log (``core.audit_actions``): its own dotted names,
registered when the app is ready, so a new action needs no migration of core."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import register_actions


@register_actions
class OutcomeAction(models.TextChoices):
    MEASURE_SCHEDULED = "outcome.scheduled", _("Scheduled outcome measure")
    ANSWERS_TYPED_IN = "outcome.transcribed", _("Typed in questionnaire answers")
    ANSWERS_GIVEN = "outcome.answered", _("Patient answered questionnaire")
    RESULTS_VIEWED = "outcome.viewed", _("Viewed outcome measures")
