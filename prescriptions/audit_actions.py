"""What the prescriptions app writes to the audit log (``core.audit_actions``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import register_actions


@register_actions
class ProgramAction(models.TextChoices):
    PROGRAM_CREATED = "program.created", _("Created program")
    PROGRAM_CHANGED = "program.changed", _("Changed program")
    PROGRAM_ARCHIVED = "program.archived", _("Archived program")
    TEMPLATE_SAVED = "program.template_saved", _("Saved program as template")
    TEMPLATE_RENAMED = "program.template_renamed", _("Renamed template")
    TEMPLATE_DELETED = "program.template_deleted", _("Deleted template")
    STARTER_COPIED = "program.starter_copied", _("Copied starter template")
    CLEARANCE_CHANGED = "clearance.changed", _("Changed clearance note")
    CLEARANCE_LETTER_VIEWED = "clearance.letter_viewed", _("Viewed clearance letter")
    HANDOUT_ISSUED = "handout.issued", _("Issued handout")
    HANDOUT_VIEWED = "handout.viewed", _("Viewed handout")
    HANDOUT_DOWNLOADED = "handout.downloaded", _("Downloaded handout")
    HANDOUT_EMAILED = "handout.emailed", _("Emailed handout")
    LINK_CREATED = "link.created", _("Created patient link")
    LINK_CHANGED = "link.changed", _("Changed patient link expiry")
    LINK_REVOKED = "link.revoked", _("Revoked patient link")
    LOG_WRITTEN = "log.written", _("Patient logged exercises")
    LOG_TRANSCRIBED = "log.transcribed", _("Transcribed paper tracker")
    LOG_VIEWED = "log.viewed", _("Viewed exercise logs")
    ATTENTION_VIEWED = "attention.viewed", _("Viewed needs attention")
    ATTENTION_SEEN = "attention.seen", _("Marked attention seen")
    CLINIC_EXERCISE_CREATED = "exercise.created", _("Created clinic exercise")
    CLINIC_EXERCISE_CHANGED = "exercise.changed", _("Changed clinic exercise")
    CLINIC_EXERCISE_RETIRED = "exercise.retired", _("Retired clinic exercise")
    CLINIC_EXERCISE_RESTORED = "exercise.restored", _("Restored clinic exercise")
    CLINIC_EXERCISE_DELETED = "exercise.deleted", _("Deleted clinic exercise")
    CLINIC_EXERCISES_EXPORTED = "exercise.exported", _("Exported clinic exercises")
    CLINIC_EXERCISES_IMPORTED = "exercise.imported", _("Imported clinic exercises")
