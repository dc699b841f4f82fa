"""Clinic administration workflows: each is atomic and leaves one audit entry."""

from axes.utils import reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.storage import discard, store_upload
from patients.audit_actions import PatientAction
from patients.models import Invitation, Membership
from patients.tasks import send_invitation_email


def invitation_accept_url(token: str) -> str:
    return settings.SITE_URL + reverse("patients:invitation-accept", args=[token])


@transaction.atomic
def invitation_create(*, clinic, email: str, role: str, invited_by, request=None) -> tuple[Invitation, str]:
    """Invite ``email`` to ``clinic``; returns the invitation and the raw token for the link.

    An earlier invitation still pending for the same address is withdrawn, so only the newest
    link works.
    """
    email = email.strip()
    Invitation.objects.pending().filter(clinic=clinic, email__iexact=email).update(revoked_at=timezone.now())
    invitation = Invitation(
        clinic=clinic,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    token = invitation.set_new_token()
    invitation.full_clean()
    invitation.save()
    audit_record(
        request=request,
        user=invited_by,
        action=PatientAction.MEMBER_INVITED,
        clinic=clinic,
        target=invitation,
        detail={"email": email, "role": role},
    )
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk, invitation_accept_url(token)))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user, request=None) -> None:
    invitation.revoke()
    audit_record(
        request=request,
        user=user,
        action=PatientAction.INVITATION_REVOKED,
        clinic=invitation.clinic,
        target=invitation,
        detail={"email": invitation.email},
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, request=None) -> Membership:
    """Make ``user`` a member of the invitation's clinic and use the invitation up.

    The row is locked first, so two tabs accepting the same link cannot both succeed.
    """
    invitation = Invitation.objects.select_for_update().select_related("clinic").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has already been used, withdrawn or has expired."))
    membership, created = Membership.objects.get_or_create(
        user=user, clinic=invitation.clinic, defaults={"role": invitation.role}
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        request=request,
        user=user,
        action=PatientAction.MEMBER_JOINED,
        clinic=invitation.clinic,
        target=membership,
        detail={"invitation": invitation.pk, "role": invitation.role},
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, role: str, is_active: bool, user, request=None) -> list[str]:
    """Change a member's role or active state; returns the names of what changed.

    A deactivated member loses access to the clinic at once. When it was their last active
    clinic, their account is switched off as well, so they cannot sign in at all (their
    sessions stop working on the next request); their programs stay with the clinic.
    """
    if membership.user_id == user.pk:
        raise ValidationError(_("You cannot change your own membership; ask another clinic admin."))
    changes = {}
    if membership.role != role:
        changes["role"] = [membership.role, role]
    if membership.is_active != is_active:
        changes["active"] = [membership.is_active, is_active]
    if not changes:
        return []
    membership.role = role
    membership.is_active = is_active
    membership.full_clean()
    membership.save(update_fields=["role", "is_active"])

    member = membership.user
    has_other_clinic = Membership.objects.active().filter(user=member).exclude(pk=membership.pk).exists()
    account_active = is_active or has_other_clinic or member.is_staff
    if member.is_active != account_active:
        member.is_active = account_active
        member.save(update_fields=["is_active"])
        changes["account_active"] = [not account_active, account_active]

    audit_record(
        request=request,
        user=user,
        action=PatientAction.MEMBER_CHANGED,
        clinic=membership.clinic,
        target=membership,
        detail={"member": member.get_username(), **changes},
    )
    return sorted(changes)


@transaction.atomic
def member_unlock(*, membership: Membership, user, request=None) -> int:
    """Clear the failed sign-ins that lock this member out; returns how many were cleared."""
    cleared = reset(username=membership.user.get_username())
    audit_record(
        request=request,
        user=user,
        action=PatientAction.MEMBER_UNLOCKED,
        clinic=membership.clinic,
        target=membership,
        detail={"member": membership.user.get_username(), "cleared": cleared},
    )
    return cleared


def clinic_settings_save(*, form, request=None):
    """Save a valid ``ClinicForm`` with its audit entry; a new logo is written first.

    A full disk leaves no file and raises ``StorageUnavailable``; if the rows then fail to save,
    the new logo goes too.
    """
    clinic = form.save(commit=False)
    logo = form.cleaned_data.get("logo")
    stored = store_upload(clinic, "logo", logo, name=clinic.logo.name) if "logo" in form.changed_data and logo else ""
    try:
        with transaction.atomic():
            clinic.save()
            form.save_m2m()
            audit_record(
                request=request,
                action=PatientAction.CLINIC_CHANGED,
                clinic=clinic,
                target=clinic,
                detail={"fields": sorted(form.changed_data)},
            )
    except BaseException:
        discard(clinic.logo.storage, stored)
        raise
    return clinic
