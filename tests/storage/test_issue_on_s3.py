"""Issued PDFs in S3 (moto's server on loopback), served through the app's checked views; an
S3 endpoint that is down refuses the issue clearly and leaves nothing; once back, a retry works."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from core.models import AuditEntry
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import Handout, HandoutClaim, ShareLink
from tests.prescriptions.test_handout_pdf import make_handout_program, pdf_text
from tests.s3 import MotoServer

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def program(clinic, patient, clinician):
    return make_handout_program(clinic=clinic, patient=patient, user=clinician)


def issue(client, program):
    return client.post(
        reverse("prescriptions:handout-issue", args=[program.pk]),
        {"revision": program.revision, "confirm": "yes"},
        **HTMX,
    )


def test_the_issued_pdf_is_stored_in_the_bucket_and_served_by_the_app(s3, program, clinician_client):
    assert issue(clinician_client, program).status_code == 200
    handout = Handout.objects.get(program=program)
    listing = s3.client().list_objects_v2(Bucket=settings.S3_BUCKET, Prefix="private/")
    assert [obj["Key"] for obj in listing["Contents"]] == [f"private/{handout.pdf.name}"]
    response = clinician_client.get(reverse("prescriptions:handout-download", args=[program.pk, handout.pk]))
    assert response.status_code == 200
    assert "Bridge" in pdf_text(b"".join(response.streaming_content))
    # Never a bucket address in a page: the file's URL is the app's own.
    assert handout.pdf.url.startswith(settings.MEDIA_URL)


def test_an_s3_endpoint_that_is_down_refuses_the_issue_and_a_retry_works_once_it_is_back(program, clinician_client):
    server = MotoServer().start()
    server.create_bucket("homerx-down")
    try:
        with override_settings(STORAGES=server.storages("homerx-down", settings.STORAGES), S3_BUCKET="homerx-down"):
            server.stop()
            response = issue(clinician_client, program)
            assert response.status_code == 503
            assert "could not be stored" in response.content.decode()
            assert not Handout.objects.exists() and not HandoutClaim.objects.exists()
            assert not ShareLink.objects.exists()
            assert not AuditEntry.objects.filter(action=ProgramAction.HANDOUT_ISSUED).exists()

            server.start()  # the same address; a new moto keeps nothing, so the bucket is made again
            server.create_bucket("homerx-down")
            response = issue(clinician_client, program)
            assert response.status_code == 200
            assert "Version 1 issued" in response.content.decode()
            assert Handout.objects.filter(program=program).count() == 1
    finally:
        server.stop()
