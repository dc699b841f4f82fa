"""How a handout reaches the patient by email: the request (one per click) and the background send.

``delivery_request`` queues one ``Delivery`` and enqueues ``send_handout_email``; a second
click for the same handout and address is refused as a duplicate. The task runs in
``manage.py db_worker`` (or in the request, with the immediate backend): it attaches the
stored PDF and mints the email's own patient link in the same savepoint as the send.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.audit import audit_record
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout.links import create_link, public_link_url
from prescriptions.handout.snapshot import snapshot_language
from prescriptions.models import DELIVERY_IN_FLIGHT, Delivery, DeliveryStatus, Handout, ShareLinkChannel

logger = logging.getLogger(__name__)

# A second "Email to patient" for the same handout and address within this window is a double click.
DUPLICATE_DELIVERY_WINDOW = timedelta(minutes=2)
ERROR_MAX_LENGTH = 500


class DuplicateDeliveryError(Exception):
    """The same handout was just sent (or is being sent) to the same address."""

    def __init__(self, delivery: Delivery):
        super().__init__(f"delivery #{delivery.pk} is already on its way")
        self.delivery = delivery


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
        ) or handout.deliveries.filter(to_email__iexact=to_email, status__in=DELIVERY_IN_FLIGHT).first()
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
                handout.deliveries.filter(to_email=to_email, status__in=DELIVERY_IN_FLIGHT).first() or delivery
            ) from None
        _audit_emailed(delivery, user=user, request=request)
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
        _audit_emailed(delivery, user=user, request=request, retry=True)
    _enqueue(delivery)
    delivery.refresh_from_db()
    return delivery


def _audit_emailed(delivery: Delivery, *, user, request, **detail) -> None:
    handout = delivery.handout
    detail = {"delivery": delivery.pk, **detail}
    audit_record(
        request=request,
        user=user,
        action=ProgramAction.HANDOUT_EMAILED,
        patient=handout.program.patient,
        target=handout,
        detail=detail,
    )


def _enqueue(delivery: Delivery) -> None:
    # With the database backend the task row commits (or rolls back) with the delivery;
    # the immediate backend sends right here.
    send_handout_email.enqueue(delivery_id=delivery.pk)


def _sender(clinic) -> str:
    """The clinic's name on the project's sending address (the clinic's own domain may not allow us)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    name = " ".join(clinic.name.split())  # No line breaks in a header.
    return formataddr((name, address))


def build_handout_email(delivery: Delivery, *, link_url: str, link_expires_at) -> EmailMessage:
    """The email in the handout's language (the patient's at issue), whoever queued it."""
    with translation.override(snapshot_language(delivery.handout.snapshot)):
        return _build_handout_email(delivery, link_url=link_url, link_expires_at=link_expires_at)


def _build_handout_email(delivery: Delivery, *, link_url: str, link_expires_at) -> EmailMessage:
    handout = delivery.handout
    clinic = handout.program.clinic
    snapshot = handout.snapshot
    context = {
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone,
        "patient_name": snapshot["patient"]["name"],
        "program_title": snapshot["program"]["title"],
        "version": handout.version,
        "link_url": link_url,
        "link_expires_on": timezone.localdate(link_expires_at),
        "safety_text": snapshot["clinic"]["safety_text"],
    }
    message = EmailMessage(
        subject=_("Your home exercise program from %(clinic)s") % {"clinic": " ".join(clinic.name.split())},
        body=render_to_string("prescriptions/handout_email.txt", context),
        from_email=_sender(clinic),
        to=[delivery.to_email],
        reply_to=[clinic.email] if clinic.email else None,
    )
    with handout.pdf.open("rb") as pdf:
        message.attach(handout.filename, pdf.read(), "application/pdf")
    return message


@task()
def send_handout_email(delivery_id: int) -> str:
    """Send one queued delivery: the stored PDF attached and a new private link in the text.

    Claim, send, record (DESIGN.md): the delivery is claimed (queued → sending) with its link in
    one short transaction, the email goes out with no transaction or lock held, and the outcome
    is recorded in another; a failed send deletes the link, which nobody has seen. A second
    worker finds the delivery already claimed and sends nothing. Returns the final status.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("handout__program__clinic", "handout__program__patient", "requested_by")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.QUEUED:
            return delivery.status if delivery else "missing"
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.save(update_fields=["status", "attempts"])
        link, token = create_link(
            program=delivery.handout.program,
            user=delivery.requested_by,
            channel=ShareLinkChannel.EMAIL,
            delivery=delivery,
        )
    try:
        build_handout_email(delivery, link_url=public_link_url(token), link_expires_at=link.expires_at).send()
    except Exception as exc:  # Any backend failure is recorded for the clinician to see and retry.
        # Ids only: the error text may name the recipient.
        logger.warning("Handout delivery %s failed (%s)", delivery.pk, type(exc).__name__)
        with transaction.atomic():
            link.delete()
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
            )
        return DeliveryStatus.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, error="", sent_at=timezone.now())
    return DeliveryStatus.SENT
