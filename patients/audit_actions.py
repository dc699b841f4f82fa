"""What the patients app writes to the audit log (``core.audit_actions``): patients, members, sign-ins."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import register_actions


@register_actions
class PatientAction(models.TextChoices):
    PATIENT_VIEWED = "patient.viewed", _("Viewed patient")
    PATIENT_CREATED = "patient.created", _("Created patient")
    PATIENT_CHANGED = "patient.changed", _("Changed patient")
    PATIENT_ARCHIVED = "patient.archived", _("Archived patient")
    PATIENT_RESTORED = "patient.restored", _("Restored patient")
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
