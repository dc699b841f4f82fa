"""Hostile text prints as text, and the renderer fetches nothing outside what a handout may show."""

import io

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from pypdf import PdfReader

from core.tokens import hash_token
from prescriptions.handout import fetcher as handout_fetcher
from prescriptions.handout.pdf import make_url_fetcher
from prescriptions.models import ShareLink
from tests.factories import ExercisePictureFactory
from tests.prescriptions.test_handout_pdf import PNG, issue, make_handout_program, pdf_text, stored_pdf

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    "url(http://127.0.0.1:9/)",
    "</style><style>@import url(http://127.0.0.1:9/x.css)</style>",
]
TEXT = " ".join(HOSTILE)


@pytest.fixture
def fetch_log(monkeypatch):
    """Every URL the renderer asks for, whatever the answer."""
    log = []
    cls = type(make_url_fetcher())
    real_fetch = cls.fetch

    def recording_fetch(self, url, headers=None):
        log.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(cls, "fetch", recording_fetch)
    return log


def test_hostile_text_in_every_free_text_field_prints_as_text_and_fetches_nothing(
    clinic, patient, clinician, fetch_log
):
    clinic.name, clinic.handout_footer, clinic.safety_text, clinic.phone = TEXT[:120], TEXT[:200], TEXT, TEXT[:30]
    clinic.save()
    patient.first_name, patient.last_name = TEXT[:100], "Jensen"
    patient.save()
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=2)
    program.title, program.goal, program.general_instructions = TEXT[:120], TEXT, TEXT
    program.save()
    program.clearance_notes.update(
        cleared_by_name=TEXT[:120], cleared_by_role=TEXT[:120], scope=TEXT, restrictions=TEXT
    )
    program.items.update(patient_note=TEXT, load=TEXT[:100], progression_note=TEXT)
    for item in program.items.select_related("exercise"):
        exercise = item.exercise
        exercise.name, exercise.cautions = TEXT[:120], TEXT
        exercise.save()
        exercise.steps.update(text=TEXT)
        ExercisePictureFactory(exercise=exercise, alt_text=TEXT, caption=TEXT[:60])

    handout = issue(program, clinician)
    content = stored_pdf(handout)

    allowed = (handout_fetcher.RESOURCE_SCHEME, handout_fetcher.MEDIA_SCHEME + "exercise-pictures/")
    assert fetch_log, "the pictures and QR code were fetched through the safe fetcher"
    assert [url for url in fetch_log if not url.startswith(allowed)] == []
    text = pdf_text(content).replace("\n", " ")
    for hostile in HOSTILE:
        assert hostile in text
    assert b"/EmbeddedFile" not in content and b"root:x:0:0" not in content


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "data:text/html,<b>x</b>",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "homerx-media:../../etc/passwd",
        "homerx-media:exercise-pictures/../../settings.py",
        "homerx-media:exercise-pictures/%2e%2e/%2e%2e/etc/passwd",
        "homerx-media:clearance-letters/letter.pdf",
        "homerx-media:/etc/passwd",
        "homerx-static:../config/settings.py",
        "homerx-static:css/%2e%2e/%2e%2e/config/settings.py",
        "homerx-resource:not-generated-for-this-render.svg",
    ],
)
def test_fetcher_refuses_everything_outside_pictures_logos_and_static(url):
    fetcher = make_url_fetcher({"homerx-resource:qr.svg": (b"<svg/>", "image/svg+xml")})
    with pytest.raises(handout_fetcher.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.fetched == []


def test_fetcher_serves_generated_resources_pictures_logos_and_static_files(db):
    from django.core.files.storage import default_storage

    picture = ExercisePictureFactory(pose=None)
    picture.image.save("band.png", ContentFile(PNG))
    logo = default_storage.save("clinic-logos/logo.png", ContentFile(PNG))
    fetcher = make_url_fetcher({"homerx-resource:qr.svg": (b"<svg/>", "image/svg+xml")})

    assert fetcher.fetch("homerx-resource:qr.svg").read() == b"<svg/>"
    assert fetcher.fetch(handout_fetcher.MEDIA_SCHEME + picture.image.name).read() == PNG
    assert fetcher.fetch(handout_fetcher.MEDIA_SCHEME + logo).content_type == "image/png"
    assert b".handout" in fetcher.fetch("homerx-static:css/handout.css").read()
    assert fetcher.refused == []


def test_the_only_link_in_the_pdf_is_the_patients_own(clinic, patient, clinician):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    handout = issue(program, clinician)
    uris = []
    for page in PdfReader(io.BytesIO(stored_pdf(handout))).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
    assert len(uris) == 1
    assert uris[0].startswith(settings.SITE_URL + "/p/")
    link = ShareLink.objects.get(handout=handout)
    assert hash_token(uris[0].rstrip("/").rsplit("/", 1)[1]) == link.token_hash
