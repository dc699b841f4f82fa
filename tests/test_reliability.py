"""Faults and hostile requests get an honest answer and leave nothing behind (issue 12).

Tokens never reach a log line, a database outage is a 503 with Retry-After, control characters
are refused, the client address is read through trusted proxies only, uploads are stored as
what they are, and a failing private storage leaves no file and no row.
"""

import io
import logging
import mimetypes

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image

from core.client import client_ip
from core.logging import RedactTokens
from core.svg import check_svg
from prescriptions.handout.links import share_link_create
from prescriptions.models import ClearanceNote, HandoutQuerySet
from tests.factories import PASSWORD, ExercisePictureFactory
from tests.patients.test_clinic_admin import _settings_data
from tests.prescriptions.test_handout_pdf import issue, make_handout_program

HTML_TAIL = b"<html><script>alert(document.cookie)</script></html>"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def log_output():
    """What the project's own log handler writes (the one make run and make serve use)."""
    handler = next(h for h in logging.getLogger("django").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def patient_link(clinic, patient, clinician):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    issue(program, clinician)
    _link, token = share_link_create(program=program, user=clinician)
    return token


# --- logs --------------------------------------------------------------------------------------


def test_a_patient_page_failing_on_the_database_logs_no_token(patient_link, log_output, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed")

    monkeypatch.setattr(HandoutQuerySet, "newest_for_token", database_down)
    response = Client(raise_request_exception=False).get(reverse("public:handout", args=[patient_link]))

    assert response.status_code == 503
    logged = log_output.getvalue()
    assert "/p/<redacted>/" in logged, logged
    assert patient_link not in logged


def test_runserver_and_gunicorn_request_lines_are_redacted(patient_link, log_output):
    logging.getLogger("django.server").info('"GET /p/%s/ HTTP/1.1" 200 1234', patient_link)
    assert patient_link not in log_output.getvalue()
    assert '"GET /p/<redacted>/ HTTP/1.1" 200' in log_output.getvalue()

    # gunicorn's access log passes its atoms as a dict (config/gunicorn.py attaches this filter).
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s', None, None)
    record.args = {"r": f"GET /p/{patient_link}/handout.pdf HTTP/1.1", "s": "200"}
    RedactTokens().filter(record)
    assert record.getMessage() == '"GET /p/<redacted>/handout.pdf HTTP/1.1" 200'


def test_gunicorn_config_uses_the_redacting_filter():
    from config import gunicorn

    filters = gunicorn.logconfig_dict["filters"]
    assert filters["redact_tokens"]["()"] == "core.logging.RedactTokens"
    assert all("redact_tokens" in h["filters"] for h in gunicorn.logconfig_dict["handlers"].values())
    assert "%(f)s" not in gunicorn.access_log_format, "the referrer can hold a patient link"


# --- outage ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["patients:patient-list", "prescriptions:template-list"])
def test_a_database_outage_is_a_503_with_retry_after(clinician_client, url_name, monkeypatch):
    from patients.models import PatientQuerySet
    from prescriptions.models import ProgramQuerySet

    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(PatientQuerySet, "for_user", database_down)
    monkeypatch.setattr(ProgramQuerySet, "for_user", database_down)
    clinician_client.raise_request_exception = False
    response = clinician_client.get(reverse(url_name))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "briefly unavailable" in response.content.decode()
    assert "nothing you saved is lost" in response.content.decode().lower()


# --- control characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/patients/", "/catalogue/", "/programs/templates/", "/patients/clinic/audit/", "/p/x/"]
)
def test_a_nul_byte_in_a_query_is_a_400(clinic_admin_client, url):
    response = clinic_admin_client.get(url + "?q=x%00y")
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_400_and_saves_nothing(clinician_client, patient):
    response = clinician_client.post(
        reverse("patients:patient-update", args=[patient.pk]), {"first_name": "Ma\x00ria", "last_name": "Silva"}
    )
    assert response.status_code == 400
    patient.refresh_from_db()
    assert "\x00" not in patient.first_name


# --- client address ----------------------------------------------------------------------------


def test_the_client_address_is_read_through_trusted_proxies_only(settings):
    factory = RequestFactory()
    forged = factory.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_ip(forged) == "10.0.0.1"
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1
    assert client_ip(forged) == "203.0.113.9"  # what our load balancer appended; 6.6.6.6 was typed
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(forged) == "6.6.6.6"
    garbage = factory.get("/", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(garbage) == "10.0.0.1"


def test_behind_a_proxy_one_accounts_lockout_spares_other_clients_and_colleagues(clinician, colleague, settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1
    proxy = "10.0.0.1"  # every request arrives from the load balancer
    client_a = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.10")
    client_b = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    for _ in range(5):
        client_a.post(reverse("login"), {"username": clinician.username, "password": "wrong-password-1"})
    assert client_a.post(reverse("login"), {"username": clinician.username, "password": PASSWORD}).status_code == 429
    assert client_b.post(reverse("login"), {"username": clinician.username, "password": PASSWORD}).status_code == 302
    colleague_at_a = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert (
        colleague_at_a.post(reverse("login"), {"username": colleague.username, "password": PASSWORD}).status_code == 302
    )


def test_bad_patient_tokens_are_throttled_per_real_client(patient_link, settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1
    scanner = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    patient = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    for index in range(25):
        scanner.get(reverse("public:handout", args=[f"{index:0>43}"]))
    assert scanner.get(reverse("public:handout", args=[patient_link])).status_code == 429
    assert patient.get(reverse("public:handout", args=[patient_link])).status_code == 200


# --- uploads -----------------------------------------------------------------------------------


def test_a_png_with_html_appended_named_html_is_stored_and_served_as_a_png(db):
    upload = SimpleUploadedFile("x.html", png_bytes() + HTML_TAIL, content_type="text/html")
    picture = ExercisePictureFactory.build(pose={}, image=upload)
    picture.exercise.save()
    picture.exercise = picture.exercise
    picture.full_clean()
    picture.save()
    assert picture.image.name.endswith(".png")
    assert mimetypes.guess_type(picture.image.name)[0] == "image/png"


def test_a_clinic_logo_is_named_by_its_content(clinic_admin_client, clinic):
    upload = SimpleUploadedFile("logo.jpg", png_bytes(), content_type="image/jpeg")
    response = clinic_admin_client.post(
        reverse("patients:clinic-settings"),
        {**_settings_data(), "logo": upload},
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.logo.name.endswith(".png")


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(#a);stroke:url(http://127.0.0.1:8399/x)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url( \'http://x/\' )"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(http://x/)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><use x:href="http://x/#a"/></svg>',
    ],
)
def test_svg_uploads_that_reach_outside_are_refused(svg):
    with pytest.raises(ValidationError):
        check_svg(svg)


def test_a_plain_svg_drawing_is_accepted():
    check_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="a"/></defs>'
        b'<rect width="10" height="10" style="fill:url(#a)" stroke="#333"/></svg>'
    )


# --- storage -----------------------------------------------------------------------------------


def test_a_full_storage_keeps_no_letter_and_no_note(clinic, patient, clinician, clinician_client, monkeypatch):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    before = ClearanceNote.objects.count()
    storage = storages["private"]
    real_save = type(storage)._save
    written = []

    def full_disk(self, name, content):
        real_save(self, name, content)
        written.append(name)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(storage), "_save", full_disk)
    response = clinician_client.post(
        reverse("prescriptions:clearance-create", args=[program.pk]),
        {
            "revision": program.revision,
            "cleared_by_name": "Dr B. Jones",
            "scope": "a gentle home program",
            "cleared_on": "2026-11-01",
            "letter": SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter", content_type="application/pdf"),
        },
    )
    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    assert written and not any(storage.exists(name) for name in written)
    assert ClearanceNote.objects.count() == before
