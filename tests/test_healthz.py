"""/healthz reports the database, the cache, the file storage and the render queue's age (issue 31)."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from prescriptions.models import HandoutClaim
from tests.prescriptions.test_handout_pdf import make_handout_program

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_service_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "oldest_queued_render_seconds": None,
    }


def test_healthz_gives_the_age_of_the_oldest_waiting_render_not_of_failed_ones(
    client, clinic, patient, clinician, colleague
):
    waiting = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    failed = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    now = timezone.now()
    HandoutClaim.objects.create(program=waiting, version=1, claimed_by=clinician, claimed_at=now - timedelta(minutes=2))
    HandoutClaim.objects.create(
        program=failed, version=1, claimed_by=colleague, claimed_at=now - timedelta(hours=1), failed_at=now
    )
    age = json.loads(client.get(reverse("healthz")).content)["oldest_queued_render_seconds"]
    assert 119 <= age <= 180


@pytest.mark.parametrize("service", ["cache", "storage"])
def test_healthz_503_names_the_service_that_does_not_answer(client, monkeypatch, service):
    def down(*args, **kwargs):
        raise ConnectionError("refused")

    if service == "cache":
        monkeypatch.setattr(cache, "get", down)
    else:
        monkeypatch.setattr(storages["private"], "exists", down)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = json.loads(response.content)
    assert body["status"] == "error" and body[service] == "unreachable" and body["database"] == "ok"
