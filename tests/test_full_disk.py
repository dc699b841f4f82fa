"""A full public disk (photos, logos, pictures) leaves no file and no row, and answers with a message.

The private storage (PDFs, letters) already cleaned up after itself; the public one left a
truncated clinic photo and an empty logo behind, with a 500.
"""

import errno
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.storage import StorageUnavailable, save_or_clean_up
from exercises.models import Exercise, ExercisePicture
from prescriptions.models import ClinicExercise
from tests.access_fixtures_prescriptions import png_bytes
from tests.exercises.test_admin import exercise_form
from tests.patients.test_clinic_admin import _settings_data
from tests.prescriptions.test_clinic_exercises import edit_data, exercise_data, make_clinic_exercise


class FullDiskStorage(FileSystemStorage):
    """Writes the first bytes of a file, then fails as a full disk does (ENOSPC)."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(content.read(10))
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def full_disk(settings, tmp_path):
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FullDiskStorage", "OPTIONS": {"location": media}},
    }
    storages._storages = {}
    yield media
    storages._storages = {}


def files_in(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")


def test_new_clinic_exercise_with_a_photo_on_a_full_disk_leaves_no_file_and_no_row(clinician_client, full_disk):
    response = clinician_client.post(
        reverse("prescriptions:clinic-exercise-create"), exercise_data(photo=photo(), photo_alt="Hips lifted")
    )

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "The photo could not be stored" in response.content.decode()
    assert not ClinicExercise.objects.exists()
    assert not ExercisePicture.objects.exists()
    assert files_in(full_disk) == []


def test_photo_added_to_a_clinic_exercise_on_a_full_disk_leaves_no_file_and_no_row(
    clinician_client, clinician, clinic, full_disk
):
    exercise = make_clinic_exercise(clinic, clinician, name="Own bridge")
    url = reverse("prescriptions:clinic-exercise-update", args=[exercise.pk])
    before = exercise.updated_at
    response = clinician_client.post(url, edit_data(exercise, photo=photo(), photo_alt="Hips lifted", name="Renamed"))

    assert response.status_code == 503
    assert "The photo could not be stored" in response.content.decode()
    exercise.refresh_from_db()
    assert (exercise.name, exercise.updated_at) == ("Own bridge", before)
    assert not exercise.pictures.exists()
    assert files_in(full_disk) == []


def test_clinic_logo_on_a_full_disk_leaves_no_file_and_no_change(clinic_admin_client, clinic, full_disk):
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = clinic_admin_client.post(reverse("patients:clinic-settings"), {**_settings_data(), "logo": logo})

    assert response.status_code == 503
    assert "The logo could not be stored" in response.content.decode()
    clinic.refresh_from_db()
    assert not clinic.logo
    assert clinic.paper_size != "letter"
    assert files_in(full_disk) == []


def test_catalogue_picture_on_a_full_disk_leaves_no_file_and_no_row(catalogue_admin_client, full_disk):
    upload = SimpleUploadedFile("clam.png", png_bytes(), content_type="image/png")
    response = catalogue_admin_client.post(
        reverse("admin:exercises_exercise_add"), exercise_form(**{"pictures-0-image": upload}), follow=True
    )

    assert response.status_code == 200
    assert "The picture could not be stored" in response.content.decode()
    assert not Exercise.objects.filter(slug="clam-shell").exists()
    assert not ExercisePicture.objects.exists()
    assert files_in(full_disk) == []


def test_clean_up_never_removes_a_file_stored_before_under_the_same_name(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    storage.save("pictures/photo.png", ContentFile(b"the first photo"))
    failing = FullDiskStorage(location=tmp_path)

    with pytest.raises(StorageUnavailable):
        save_or_clean_up(failing, "pictures/photo.png", ContentFile(b"a second photo"))

    assert files_in(tmp_path) == ["pictures/photo.png"]
    assert storage.open("pictures/photo.png").read() == b"the first photo"
