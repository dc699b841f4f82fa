"""Error pages in HomeRx's own layout, a first page for every role, and honest health answers.

Before: a catalogue editor signing in landed on Django's bare "Not Found" (no 404 template, and
no 400 or 403 either); /healthz's 503 said nothing of when to retry.
"""

import json

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

from patients.models import PatientQuerySet
from tests.factories import PASSWORD, UserFactory
from tests.prescriptions.test_clinic_exercises import make_clinic_exercise

LAYOUT = "css/homerx.css"


def test_404_is_homerx_styled_for_anyone(client, clinician):
    anonymous = Client().get("/p/no-such-link/handout.pdf/x")
    client.force_login(clinician)
    signed_in = client.get("/patients/999999/")

    for response in (anonymous, signed_in):
        html = response.content.decode()
        assert response.status_code == 404
        assert "Page not found" in html and LAYOUT in html
    assert "Sign out" in signed_in.content.decode()  # the signed-in menu is there


def test_403_says_why_in_homerx_style(client, clinician, colleague, clinic):
    exercise = make_clinic_exercise(clinic, clinician, name="Mine")
    from prescriptions.models import ClinicExercise

    ClinicExercise.objects.filter(exercise=exercise).update(created_by=clinician)
    client.force_login(colleague)
    response = client.post(reverse("prescriptions:clinic-exercise-retire", args=[exercise.pk]))

    html = response.content.decode()
    assert response.status_code == 403
    assert "Only a clinic admin or the clinician who created this exercise can change it." in html
    assert LAYOUT in html


def test_400_is_homerx_styled(clinician_client, clinic, patient):
    from tests.factories import ProgramFactory

    program = ProgramFactory(patient=patient)
    response = clinician_client.post(
        reverse("prescriptions:item-add", args=[program.pk]), {"exercise": "①", "revision": program.revision}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "could not understand that request" in html and LAYOUT in html


def test_500_is_homerx_styled_and_needs_no_database(rf, monkeypatch, clinician_client):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(PatientQuerySet, "for_user", broken)
    clinician_client.raise_request_exception = False
    response = clinician_client.get(reverse("patients:patient-list"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode() and LAYOUT in response.content.decode()

    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page asked the database")

    with connection.execute_wrapper(no_database):
        page = server_error(rf.get("/"))
    assert page.status_code == 500 and "Something went wrong" in page.content.decode()


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [
        ("clinician", "/patients/"),
        ("clinic_admin", "/patients/"),
        ("catalogue_admin", "/admin/"),
        ("nobody", "/"),
    ],
)
def test_every_role_lands_on_a_page_it_may_see_after_signing_in(db, request, who, lands_on):
    user = UserFactory(username="no-clinic") if who == "nobody" else request.getfixturevalue(who)
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)

    assert response.redirect_chain, "the sign-in did not succeed"
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == lands_on
    if who == "nobody":
        assert "Your account is not part of a clinic" in response.content.decode()


def test_healthz_503_carries_retry_after(client, monkeypatch):
    def down(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(connection, "cursor", down)
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert json.loads(response.content) == {"status": "error", "database": "unreachable"}


@pytest.mark.parametrize("template", ["base.html", "prescriptions/_today_head.html"])
def test_htmx_adds_no_inline_indicator_styles(template):
    """htmx would insert a <style> element (a CSP violation under style-src 'self'); the CSS styles it."""
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "templates" / template).read_text()
    config = json.loads(text.split('name="htmx-config" content=\'', 1)[1].split("'", 1)[0])
    assert config["includeIndicatorStyles"] is False
    css = (Path(settings.BASE_DIR) / "static" / "css" / "homerx.css").read_text()
    assert ".htmx-indicator" in css
