"""Emailing the handout: the PDF and a private link, recorded, retried, never sent twice."""

import re
import smtplib
from email.utils import parseaddr

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from core.models import AuditEntry
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout import delivery as handout_delivery
from prescriptions.models import Delivery, DeliveryStatus, ShareLink
from tests.prescriptions.test_handout_pdf import issue, make_handout_program, stored_pdf

HTMX = {"HTTP_HX_REQUEST": "true"}
SEND_ATTEMPTS = []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        SEND_ATTEMPTS.append(len(messages))
        raise smtplib.SMTPRecipientsRefused({"maria@example.org": (550, b"mailbox unavailable")})


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SEND_ATTEMPTS.clear()


@pytest.fixture
def program(clinic, patient, clinician):
    clinic.email = "front-desk@riverside.example"
    clinic.save()
    return make_handout_program(clinic=clinic, patient=patient, user=clinician)


@pytest.fixture
def handout(program, clinician):
    return issue(program, clinician)


def email_url(program):
    return reverse("prescriptions:delivery-create", args=[program.pk])


def test_email_carries_the_pdf_and_a_working_private_link(clinician_client, client, program, handout, settings):
    response = clinician_client.post(email_url(program), {"to_email": "maria@example.org"}, **HTMX)

    assert "Emailed to maria@example.org." in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["maria@example.org"]
    # From the site's address, under the clinic's name: the patient knows who sent it.
    assert parseaddr(message.from_email) == ("Riverside Physio", parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    assert message.reply_to == ["front-desk@riverside.example"]
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (handout.filename, "application/pdf")
    assert content == stored_pdf(handout)
    link = re.search(r"http://127\.0\.0\.1:8000(/p/[A-Za-z0-9_-]{43}/)", message.body)
    assert link
    assert client.get(link.group(1)).status_code == 200
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.SENT, 1, "")
    assert ShareLink.objects.get(channel="email").delivery == delivery
    assert AuditEntry.objects.filter(action=ProgramAction.HANDOUT_EMAILED).count() == 1


def test_the_address_can_be_edited_and_bad_ones_are_refused(clinician_client, program, handout):
    response = clinician_client.post(email_url(program), {"to_email": "not an address"}, **HTMX)
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not mail.outbox and not Delivery.objects.exists()

    clinician_client.post(email_url(program), {"to_email": "daughter@example.net"}, **HTMX)
    assert mail.outbox[0].to == ["daughter@example.net"]


def test_a_double_click_sends_once(clinician_client, program, handout):
    first = clinician_client.post(email_url(program), {"to_email": "maria@example.org"}, **HTMX)
    second = clinician_client.post(email_url(program), {"to_email": "Maria@example.org"}, **HTMX)

    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1
    assert "Emailed to" in first.content.decode()
    assert "already sent to maria@example.org a moment ago" in second.content.decode()
    assert AuditEntry.objects.filter(action=ProgramAction.HANDOUT_EMAILED).count() == 1


def test_a_queued_delivery_blocks_a_second_one_for_the_same_address(program, handout, clinician, monkeypatch):
    # As with the database backend before the worker picks the task up.
    monkeypatch.setattr(handout_delivery, "_enqueue", lambda delivery: None)
    queued = handout_delivery.delivery_request(handout=handout, to_email="maria@example.org", user=clinician)
    with pytest.raises(handout_delivery.DuplicateDeliveryError):
        handout_delivery.delivery_request(handout=handout, to_email="maria@example.org", user=clinician)

    assert queued.status == DeliveryStatus.QUEUED
    assert Delivery.objects.count() == 1 and not mail.outbox


def test_a_failing_mail_server_is_recorded_and_retry_sends_once(clinician_client, program, handout, settings):
    settings.EMAIL_BACKEND = "tests.prescriptions.test_delivery.FailingBackend"
    response = clinician_client.post(email_url(program), {"to_email": "maria@example.org"}, **HTMX)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "SMTPRecipientsRefused" in delivery.error
    assert "could not be sent" in response.content.decode()
    assert "Retry email to maria@example.org" in response.content.decode()
    assert not ShareLink.objects.filter(channel="email").exists()  # The failed send left no usable link.

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retry_url = reverse("prescriptions:delivery-retry", args=[program.pk, delivery.pk])
    clinician_client.post(retry_url, **HTMX)
    again = clinician_client.post(retry_url, **HTMX)

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.SENT, 2, "")
    assert "already being sent again" in again.content.decode()
    assert SEND_ATTEMPTS == [1]
    assert AuditEntry.objects.filter(action=ProgramAction.HANDOUT_EMAILED).count() == 2  # request and one retry


def test_emailing_needs_an_issued_handout(clinician_client, program):
    response = clinician_client.post(email_url(program), {"to_email": "maria@example.org"}, **HTMX)
    assert response.status_code == 400
    assert "Issue the handout before emailing it." in response.content.decode()
    assert not mail.outbox


def test_outsider_cannot_email_or_retry(client, outsider, program, handout):
    client.force_login(outsider)
    assert client.post(email_url(program), {"to_email": "x@example.org"}).status_code == 404
    assert not mail.outbox


class TransactionRecordingBackend(BaseEmailBackend):
    """Records whether a database transaction was open while the email went out."""

    in_transaction: list[bool] = []

    def send_messages(self, messages):
        from django.db import connection

        TransactionRecordingBackend.in_transaction.append(connection.in_atomic_block)
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_the_email_goes_out_with_no_transaction_or_lock_held(clinic, patient, clinician, settings):
    settings.EMAIL_BACKEND = f"{__name__}.TransactionRecordingBackend"
    TransactionRecordingBackend.in_transaction = []
    handout = issue(make_handout_program(clinic=clinic, patient=patient, user=clinician), clinician)
    delivery = handout_delivery.delivery_request(handout=handout, to_email="maria@example.org", user=clinician)
    assert delivery.status == DeliveryStatus.SENT
    assert TransactionRecordingBackend.in_transaction == [False]
    assert handout_delivery.send_handout_email.call(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert TransactionRecordingBackend.in_transaction == [False], "a second run sent the email again"
