"""Handout workflows: issuing a program, the patient's private links, and email deliveries.

Every function is keyword-only and atomic, validates with ``full_clean()`` and leaves one
audit entry (pass ``request`` from a view so the entry carries the address).

Raw link tokens exist only where a link is handed over: the QR code printed on an issued
PDF, an email, or the clinician's screen right after creating one. The database keeps a
hash. So each hand-over gets its own ``ShareLink`` (``channel`` says which), and every
usable link of a program opens its newest issued version.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.audit import audit_record
from patients.models import AuditAction
from prescriptions.models import (
    Delivery,
    DeliveryStatus,
    Handout,
    Program,
    ShareLink,
    ShareLinkChannel,
)
from prescriptions.rendering import build_snapshot, render_handout_pdf
from prescriptions.services import StaleProgramError

# A link lives until the program ends plus this, unless the clinician extends it.
LINK_GRACE = timedelta(days=90)
LINK_MAX_LIFETIME = timedelta(days=2 * 365)
# A second "Email to patient" for the same handout and address within this window is a double click.
DUPLICATE_DELIVERY_WINDOW = timedelta(minutes=2)
ISSUE_ATTEMPTS = 3


class DuplicateDeliveryError(Exception):
    """The same handout was just sent (or is being sent) to the same address."""

    def __init__(self, delivery: Delivery):
        super().__init__(f"delivery #{delivery.pk} is already on its way")
        self.delivery = delivery


# ----------------------------------------------------------------------------- issuing


def issue_warnings(program: Program, clearance_notes=None) -> list[str]:
    """What a clinician should confirm before issuing: missing or expired clearance."""
    notes = list(program.clearance_notes.all()) if clearance_notes is None else list(clearance_notes)
    if not notes:
        return [_("This program has no clearance note.")]
    expired = [note for note in notes if note.is_expired]
    return [
        _("The clearance by %(name)s expired on %(date)s.")
        % {"name": note.cleared_by_name, "date": note.valid_until.strftime("%-d %b %Y")}
        for note in expired
    ]


def handout_issue(*, program: Program, user, revision=None, request=None) -> Handout:
    """Freeze the program as its next numbered version: snapshot, PDF rendered once and stored.

    The program row is locked while the version number is chosen; on a database without row
    locks, a clash on the unique (program, version) constraint is retried with the next number.
    """
    for attempt in range(ISSUE_ATTEMPTS):
        try:
            return _issue_once(program=program, user=user, revision=revision, request=request)
        except IntegrityError:
            if attempt == ISSUE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _issue_once(*, program, user, revision, request) -> Handout:
    with transaction.atomic():
        locked = Program.objects.select_for_update(of=("self",)).select_related("patient__clinic").get(pk=program.pk)
        if revision not in (None, "") and str(locked.revision) != str(revision):
            raise StaleProgramError
        if locked.patient_id is None:
            raise ValidationError(_("A template has no patient: start a program from it to issue a handout."))
        if locked.archived_at is not None:
            raise ValidationError(_("This program is archived. Restore it or copy it to issue a handout."))
        if not locked.items.exists():
            raise ValidationError(_("Add at least one exercise before issuing the handout."))

        version = (Handout.objects.filter(program=locked).aggregate(last=Max("version"))["last"] or 0) + 1
        issued_at = timezone.now()
        snapshot = build_snapshot(locked, version=version, issued_by=user, issued_at=issued_at)
        token = new_token()
        rendered = render_handout_pdf(snapshot, link_url=public_link_url(token))

        handout = Handout(
            program=locked,
            version=version,
            snapshot=snapshot,
            pdf_sha256=hashlib.sha256(rendered.content).hexdigest(),
            page_count=rendered.page_count,
            issued_by=user,
            issued_at=issued_at,
        )
        handout.pdf.save(rendered.filename, ContentFile(rendered.content), save=False)
        try:
            # The unique version is left to the database constraint, so a race surfaces as
            # IntegrityError and is retried with the next number.
            handout.full_clean(validate_unique=False, validate_constraints=False)
            with transaction.atomic():
                handout.save()
            _create_link(program=locked, user=user, token=token, channel=ShareLinkChannel.PRINTED, handout=handout)
        except BaseException:
            handout.pdf.delete(save=False)
            raise
        audit_record(
            request=request,
            user=user,
            action=AuditAction.HANDOUT_ISSUED,
            patient=locked.patient,
            target=handout,
            detail={"version": version},
        )
        return handout


# ----------------------------------------------------------------------------- links


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def public_link_url(token: str) -> str:
    return settings.SITE_URL + reverse("public:handout", args=[token])


def default_link_expiry(program: Program) -> datetime:
    """The end of the day 90 days after the program ends (or after today, if it already has)."""
    today = timezone.localdate()
    end = program.end_date or today + timedelta(weeks=program.duration_weeks)
    last_day = max(end, today) + LINK_GRACE
    return timezone.make_aware(datetime.combine(last_day, time(23, 59, 59)))


def _create_link(*, program, user, token, channel, handout=None, delivery=None, expires_at=None) -> ShareLink:
    link = ShareLink(
        program=program,
        token_hash=ShareLink.hash_token(token),
        channel=channel,
        handout=handout,
        delivery=delivery,
        created_by=user,
        expires_at=expires_at or default_link_expiry(program),
    )
    link.full_clean()
    link.save()
    return link


def _check_expiry(expires_at: datetime) -> None:
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_on": _("Choose a date after today.")})
    if expires_at > now + LINK_MAX_LIFETIME:
        raise ValidationError({"expires_on": _("Choose a date within two years from today.")})


def share_link_create(*, program: Program, user, expires_at=None, request=None) -> tuple[ShareLink, str]:
    """A new link for the clinician to copy. Returns the link and its raw token (shown once)."""
    with transaction.atomic():
        if not program.handouts.exists():
            raise ValidationError(_("Issue the handout first: the link opens the newest issued version."))
        if expires_at is not None:
            _check_expiry(expires_at)
        token = new_token()
        link = _create_link(
            program=program, user=user, token=token, channel=ShareLinkChannel.COPIED, expires_at=expires_at
        )
        audit_record(request=request, user=user, action=AuditAction.LINK_CREATED, patient=program.patient, target=link)
    return link, token


def share_link_extend(*, link: ShareLink, user, expires_at: datetime, request=None) -> ShareLink:
    with transaction.atomic():
        link = ShareLink.objects.select_for_update(of=("self",)).select_related("program__patient").get(pk=link.pk)
        if link.revoked_at is not None:
            raise ValidationError(_("This link was revoked. Create a new one instead."))
        _check_expiry(expires_at)
        previous = link.expires_at
        link.expires_at = expires_at
        link.full_clean()
        link.save(update_fields=["expires_at"])
        audit_record(
            request=request,
            user=user,
            action=AuditAction.LINK_CHANGED,
            patient=link.program.patient,
            target=link,
            detail={"from": previous.isoformat(), "to": expires_at.isoformat()},
        )
    return link


def share_link_revoke(*, link: ShareLink, user, request=None) -> ShareLink:
    with transaction.atomic():
        link = ShareLink.objects.select_for_update(of=("self",)).select_related("program__patient").get(pk=link.pk)
        if link.revoked_at is None:
            link.revoke()
            audit_record(
                request=request, user=user, action=AuditAction.LINK_REVOKED, patient=link.program.patient, target=link
            )
    return link


def share_link_replace(*, link: ShareLink, user, request=None) -> tuple[ShareLink, str]:
    """Revoke a link (say it reached the wrong person) and make a new one to copy.

    One audit entry: the new link's creation, naming the link it replaces.
    """
    with transaction.atomic():
        old = ShareLink.objects.select_for_update(of=("self",)).select_related("program__patient").get(pk=link.pk)
        if old.revoked_at is None:
            old.revoke()
        expires_at = old.expires_at if old.expires_at > timezone.now() else None
        token = new_token()
        new = _create_link(
            program=old.program, user=user, token=token, channel=ShareLinkChannel.COPIED, expires_at=expires_at
        )
        audit_record(
            request=request,
            user=user,
            action=AuditAction.LINK_CREATED,
            patient=old.program.patient,
            target=new,
            detail={"replaces": old.pk},
        )
    return new, token


# ----------------------------------------------------------------------------- email


def delivery_request(*, handout: Handout, to_email: str, user, request=None) -> Delivery:
    """Queue the handout for email to ``to_email`` and start the background send.

    A second request for the same handout and address while one is queued, or within a
    couple of minutes of one, raises ``DuplicateDeliveryError`` instead of sending twice.
    """
    to_email = (to_email or "").strip()
    try:
        validate_email(to_email)
    except ValidationError:
        raise ValidationError({"to_email": _("Enter a valid email address, like name@example.org.")}) from None
    with transaction.atomic():
        # Lock the handout so two clicks arriving together are decided one after the other.
        handout = Handout.objects.select_for_update(of=("self",)).select_related("program__patient").get(pk=handout.pk)
        recent = (
            handout.deliveries.filter(to_email__iexact=to_email)
            .exclude(status=DeliveryStatus.FAILED)
            .filter(created_at__gte=timezone.now() - DUPLICATE_DELIVERY_WINDOW)
            .first()
        ) or handout.deliveries.filter(to_email__iexact=to_email, status=DeliveryStatus.QUEUED).first()
        if recent is not None:
            raise DuplicateDeliveryError(recent)
        delivery = Delivery(handout=handout, to_email=to_email, requested_by=user)
        delivery.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:
            # The partial unique constraint: another request queued it in between.
            raise DuplicateDeliveryError(
                handout.deliveries.filter(to_email=to_email, status=DeliveryStatus.QUEUED).first() or delivery
            ) from None
        audit_record(
            request=request,
            user=user,
            action=AuditAction.HANDOUT_EMAILED,
            patient=handout.program.patient,
            target=handout,
            detail={"delivery": delivery.pk},
        )
    _enqueue(delivery)
    delivery.refresh_from_db()
    return delivery


def delivery_retry(*, delivery: Delivery, user, request=None) -> Delivery:
    """Send a failed delivery again. Only a failed one: a second click finds it queued and stops."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
                    status=DeliveryStatus.QUEUED, error=""
                )
        except IntegrityError:
            claimed = 0  # The same handout is already queued for this address.
        if not claimed:
            raise DuplicateDeliveryError(delivery)
        delivery = Delivery.objects.select_related("handout__program__patient").get(pk=delivery.pk)
        audit_record(
            request=request,
            user=user,
            action=AuditAction.HANDOUT_EMAILED,
            patient=delivery.handout.program.patient,
            target=delivery.handout,
            detail={"delivery": delivery.pk, "retry": True},
        )
    _enqueue(delivery)
    delivery.refresh_from_db()
    return delivery


def _enqueue(delivery: Delivery) -> None:
    from prescriptions.tasks import send_handout_email

    # With the database backend the task row commits (or rolls back) with the delivery;
    # the immediate backend sends right here.
    send_handout_email.enqueue(delivery_id=delivery.pk)
