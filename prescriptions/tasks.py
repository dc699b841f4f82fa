"""Background work for handouts (run by ``manage.py db_worker`` with the database backend)."""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 500


def _sender(clinic) -> str:
    """The clinic's name on the project's sending address (the clinic's own domain may not allow us)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    name = " ".join(clinic.name.split())  # No line breaks in a header.
    return formataddr((name, address))


def build_handout_email(delivery, *, link_url: str, link_expires_at) -> EmailMessage:
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

    The link is created in the same savepoint as the send, so a failed send leaves no
    usable link behind; the delivery row stays locked meanwhile, so two workers never send
    the same delivery twice. Returns the delivery's final status.
    """
    from prescriptions.handouts import _create_link, new_token, public_link_url
    from prescriptions.models import Delivery, DeliveryStatus, ShareLinkChannel

    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("handout__program__clinic", "handout__program__patient", "requested_by")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.QUEUED:
            return delivery.status if delivery else "missing"
        delivery.attempts += 1
        try:
            with transaction.atomic():
                token = new_token()
                link = _create_link(
                    program=delivery.handout.program,
                    user=delivery.requested_by,
                    token=token,
                    channel=ShareLinkChannel.EMAIL,
                    delivery=delivery,
                )
                build_handout_email(delivery, link_url=public_link_url(token), link_expires_at=link.expires_at).send()
        except Exception as exc:  # Any backend failure is recorded for the clinician to see and retry.
            delivery.status = DeliveryStatus.FAILED
            delivery.error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
            # Ids only: the error text may name the recipient.
            logger.warning("Handout delivery %s failed (%s)", delivery.pk, type(exc).__name__)
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.error = ""
            delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "error", "attempts", "sent_at"])
        return delivery.status
