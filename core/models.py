"""The audit log: who viewed, changed, issued, emailed or downloaded which patient's data.

Every app writes it through ``core.audit.audit_record``. The actions are the log's own
vocabulary (a closed list, so the clinic's audit page can filter and label them).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    PATIENT_VIEWED = "patient.viewed", _("Viewed patient")
    PATIENT_CREATED = "patient.created", _("Created patient")
    PATIENT_CHANGED = "patient.changed", _("Changed patient")
    PATIENT_ARCHIVED = "patient.archived", _("Archived patient")
    PATIENT_RESTORED = "patient.restored", _("Restored patient")
    PROGRAM_CREATED = "program.created", _("Created program")
    PROGRAM_CHANGED = "program.changed", _("Changed program")
    PROGRAM_ARCHIVED = "program.archived", _("Archived program")
    TEMPLATE_SAVED = "program.template_saved", _("Saved program as template")
    TEMPLATE_RENAMED = "program.template_renamed", _("Renamed template")
    TEMPLATE_DELETED = "program.template_deleted", _("Deleted template")
    CLEARANCE_CHANGED = "clearance.changed", _("Changed clearance note")
    CLEARANCE_LETTER_VIEWED = "clearance.letter_viewed", _("Viewed clearance letter")
    HANDOUT_ISSUED = "handout.issued", _("Issued handout")
    HANDOUT_VIEWED = "handout.viewed", _("Viewed handout")
    HANDOUT_DOWNLOADED = "handout.downloaded", _("Downloaded handout")
    HANDOUT_EMAILED = "handout.emailed", _("Emailed handout")
    LINK_CREATED = "link.created", _("Created patient link")
    LINK_CHANGED = "link.changed", _("Changed patient link expiry")
    LINK_REVOKED = "link.revoked", _("Revoked patient link")
    MEMBER_INVITED = "member.invited", _("Invited member")
    MEMBER_CHANGED = "member.changed", _("Changed member")
    MEMBER_JOINED = "member.joined", _("Accepted invitation")
    MEMBER_UNLOCKED = "member.unlocked", _("Unlocked member's sign-in")
    INVITATION_REVOKED = "member.invitation_revoked", _("Withdrew invitation")
    CLINIC_CHANGED = "clinic.changed", _("Changed clinic settings")
    SIGNIN_SUCCEEDED = "auth.signin", _("Signed in")
    SIGNIN_FAILED = "auth.signin_failed", _("Failed sign-in")
    SIGNED_OUT = "auth.signout", _("Signed out")
    AUDIT_EXPORTED = "audit.exported", _("Exported audit log")
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


class AuditEntryQuerySet(models.QuerySet):
    def for_clinic(self, clinic):
        """What a clinic's admin may read: the clinic's entries and its members' sign-ins.

        Sign-in entries belong to no clinic (an account may work in several), so they are
        matched through the clinic's memberships; failed sign-ins by the name that was tried.
        """
        members = clinic.memberships.all()
        account_level = models.Q(user_id__in=members.values("user_id")) | models.Q(
            user__isnull=True, username__in=members.values("user__username")
        )
        return self.filter(models.Q(clinic=clinic) | (models.Q(clinic__isnull=True) & account_level))

    def update(self, **kwargs):
        raise PermissionDenied("Audit entries are append-only.")

    def delete(self):
        raise PermissionDenied("Audit entries are append-only.")


class AuditEntry(models.Model):
    """Append-only record of who did what to which patient's data, and when.

    Holds ids and action names only, never clinical text, so the log itself
    adds no patient data beyond what the linked rows already hold.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A failed sign-in has no user; keep the name that was tried.
    username = models.CharField(max_length=150, blank=True)
    # By name, not import: core knows no app's models, and the table predates the move.
    clinic = models.ForeignKey(
        "patients.Clinic", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # The table was created by the patients app before the audit log moved to core.
        db_table = "patients_auditentry"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username or self.user_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries are append-only.")
