"""Clinic-private means private: a clinic's photos are served only to its members and its patients' links.

``/media/`` serves what is public by design (the catalogue's pictures, clinic logos), with DEBUG
on or off; a clinic's photo was served there to anyone who knew its name, and with DEBUG off
``/media/`` served nothing at all (the catalogue's pictures broke in production).
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prescriptions.handout.links import create_link
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import ClinicExercise, Handout, ShareLinkChannel
from tests.access_fixtures_prescriptions import TINY_PDF, png_bytes
from tests.factories import ExerciseFactory, ExercisePictureFactory, ProgramFactory, ProgramItemFactory


def _photo(exercise, name="photo.png"):
    return ExercisePictureFactory(exercise=exercise, pose=None, image=SimpleUploadedFile(name, png_bytes()))


@pytest.fixture
def clinic_photo(clinic, clinician):
    exercise = ExerciseFactory(name="Our own bridge", in_catalogue=False)
    ClinicExercise.objects.create(exercise=exercise, clinic=clinic, created_by=clinician)
    return _photo(exercise, "own.png")


@pytest.fixture
def catalogue_photo(db):
    return _photo(ExerciseFactory(name="Bridge"), "bridge.png")


@pytest.fixture
def patient_link(clinic, patient, clinician, clinic_photo, catalogue_photo):
    program = ProgramFactory(clinic=clinic, patient=patient, created_by=clinician)
    ProgramItemFactory(program=program, exercise=clinic_photo.exercise, order=1)
    ProgramItemFactory(program=program, exercise=catalogue_photo.exercise, order=2)
    handout = Handout(
        program=program,
        version=1,
        snapshot=build_snapshot(program, version=1, issued_by=clinician),
        pdf_sha256="0" * 64,
        page_count=1,
        issued_by=clinician,
    )
    handout.pdf.save("v1.pdf", ContentFile(TINY_PDF), save=False)
    handout.save()
    _link, token = create_link(program=program, user=clinician, channel=ShareLinkChannel.COPIED)
    return token


@pytest.mark.parametrize("debug", [True, False])
def test_media_serves_the_catalogue_pictures_and_logos_with_debug_on_or_off(
    settings, client, catalogue_photo, clinic, debug
):
    settings.DEBUG = debug
    clinic.logo.save("logo.png", ContentFile(png_bytes()))

    picture = client.get(catalogue_photo.image.url)
    logo = client.get(clinic.logo.url)

    assert (picture.status_code, logo.status_code) == (200, 200)
    assert b"".join(picture.streaming_content) == png_bytes()


@pytest.mark.parametrize("who", ["anonymous", "clinician", "outsider", "catalogue_admin"])
def test_media_never_serves_a_clinics_photo(request, clinic_photo, who):
    client = Client()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(clinic_photo.image.url).status_code == 404
    assert client.get("/media/../private/whatever.pdf").status_code in (400, 404)
    assert client.get("/media/exercise-pictures/nothing-here.png").status_code == 404


def test_clinicians_see_their_clinics_photo_through_the_clinic_view(clinician, outsider, clinic_photo):
    url = reverse("prescriptions:clinic-exercise-picture", args=[clinic_photo.exercise_id, clinic_photo.pk])
    member, stranger = Client(), Client()
    member.force_login(clinician)
    stranger.force_login(outsider)
    assert member.get(url).status_code == 200
    assert stranger.get(url).status_code == 404


def test_the_patient_page_shows_the_clinic_photo_through_its_own_link(client, patient_link, clinic_photo):
    page = client.get(reverse("public:handout", args=[patient_link])).content.decode()

    assert f'src="pictures/{clinic_photo.image.name}"' in page
    assert "/media/" + clinic_photo.image.name not in page
    url = reverse("public:picture", args=[patient_link, clinic_photo.image.name])
    assert url == f"/p/{patient_link}/pictures/{clinic_photo.image.name}"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert "no-cache" in response["Cache-Control"]


def test_a_patient_link_serves_only_the_pictures_of_its_own_handout(client, patient_link, clinic, clinician):
    elsewhere = _photo(ExerciseFactory(name="Not on this handout", in_catalogue=False), "other.png")
    ClinicExercise.objects.create(exercise=elsewhere.exercise, clinic=clinic, created_by=clinician)

    assert client.get(reverse("public:picture", args=[patient_link, elsewhere.image.name])).status_code == 404
    assert client.get(reverse("public:picture", args=[patient_link, "../private/x.pdf"])).status_code in (400, 404)
    assert client.get(reverse("public:picture", args=["x" * 43, elsewhere.image.name])).status_code == 404
