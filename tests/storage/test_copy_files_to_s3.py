"""Moving a disk installation's files to S3: copied under the same names, verified, idempotent."""

import hashlib
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import override_settings


@pytest.fixture
def disk(tmp_path):
    media, private = tmp_path / "media", tmp_path / "private"
    files = {
        media / "clinic-logos" / "logo.png": b"\x89PNG logo bytes",
        media / "exercise-pictures" / "bridge.jpg": bytes(range(256)) * 4000,  # ~1 MB, more than one chunk
        private / "handouts" / "2026" / "homerx-v1.pdf": b"%PDF-1.7 handout",
        private / "clearance" / "letter.pdf": b"%PDF-1.7 letter",
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with override_settings(MEDIA_ROOT=media, PRIVATE_MEDIA_ROOT=private):
        yield files, media, private


def run(*args) -> str:
    out = StringIO()
    call_command("copy_files_to_s3", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_copies_every_file_under_its_name_and_a_second_run_copies_nothing(s3, disk):
    files, media, private = disk
    assert "copied 4, already there with the same bytes 0, problems 0" in run()
    for path, content in files.items():
        alias, root = ("default", media) if path.is_relative_to(media) else ("private", private)
        with storages[alias].open(path.relative_to(root).as_posix(), "rb") as stored:
            assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(content).digest()

    assert "copied 0, already there with the same bytes 4, problems 0" in run()


def test_a_different_object_under_the_same_name_is_reported_and_never_overwritten(s3, disk):
    storages["private"].save("clearance/letter.pdf", ContentFile(b"someone else's letter"))
    with pytest.raises(CommandError, match="1 file"):
        run()
    with storages["private"].open("clearance/letter.pdf", "rb") as stored:
        assert stored.read() == b"someone else's letter"


def test_a_dry_run_copies_nothing(s3, disk):
    assert "would copy 4" in run("--dry-run")
    assert not storages["private"].exists("clearance/letter.pdf")


def test_refuses_while_the_storage_is_still_local_disk(disk):
    with pytest.raises(CommandError, match="S3_BUCKET"):
        run()


def test_s3_create_bucket_makes_the_bucket_once(moto_server):
    from django.conf import settings

    with override_settings(STORAGES=moto_server.storages("homerx-new", settings.STORAGES), S3_BUCKET="homerx-new"):
        out = StringIO()
        call_command("s3_create_bucket", stdout=out)
        call_command("s3_create_bucket", stdout=out)
    assert out.getvalue().splitlines() == ["Created bucket homerx-new.", "Bucket homerx-new is there already."]
