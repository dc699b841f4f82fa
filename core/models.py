"""The audit log: who viewed, changed, issued, emailed or downloaded which patient's data.

Every app writes it through ``core.audit.audit_record``. A generic record, as Django admin's
``LogEntry`` and pretix's ``log_action``: the object acted on by content type and id, and a
dotted action name ("patient.viewed") that the app which writes it registers
(``core.audit.register_actions``). The clinic and patient an entry concerns are kept by id, so
that the clinic's audit page can read its own: core holds no key to an app above it.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit_actions import action_label, validate_action


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
        return self.filter(models.Q(clinic_id=clinic.pk) | (models.Q(clinic_id__isnull=True) & account_level))

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
    # By id, not by foreign key: the clinic and the patient live in an app above core.
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=60, db_index=True, validators=[validate_action])
    # The object acted on: its content type by natural key ("prescriptions.handout", as
    # ``Model._meta.label_lower``: no query to write it) and its primary key.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username or self.user_id} {self.action}"

    def save(self, *args, **kwargs):
        validate_action(self.action)
        if self.pk is not None:
            raise PermissionDenied("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries are append-only.")

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def content_type(self) -> ContentType | None:
        """The acted-on object's content type, or None."""
        if not self.object_type:
            return None
        return ContentType.objects.get_by_natural_key(*self.object_type.split(".", 1))
