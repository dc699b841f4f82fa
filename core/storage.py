"""Writing a file to a storage so that a failure leaves nothing behind."""

import logging

from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db.models import Model

logger = logging.getLogger(__name__)


class StorageUnavailable(OSError):
    """The storage refused the write (full, read-only, unreachable). Nothing was left in it."""


def save_or_clean_up(storage: Storage, name: str, content: File, max_length: int | None = None) -> str:
    """Save ``content`` under ``name`` (or the free name the storage picks) and return the name.

    On any failure the partly written file is deleted and ``StorageUnavailable`` raised: a full
    disk must not leave a truncated PDF, letter, photo or logo that a later request could serve.
    The free name is chosen first, so the clean-up never touches a file stored before.
    """
    name = storage.get_available_name(name, max_length=max_length)
    try:
        return storage.save(name, content, max_length=max_length)
    except Exception as exc:
        discard(storage, name)
        logger.error("Storage write failed (%s)", type(exc).__name__)
        raise StorageUnavailable(str(exc)) from exc


# A name no file is ever saved under: asking whether it exists is the cheapest round trip.
PROBE_NAME = ".homerx-probe"


def check_storage(storage: Storage) -> None:
    """Raise ``StorageUnavailable`` when ``storage`` does not answer (an S3 endpoint that is down).

    One existence check: a local disk always answers, an object store answers over the network.
    """
    try:
        storage.exists(PROBE_NAME)
    except Exception as exc:
        logger.error("Storage check failed (%s)", type(exc).__name__)
        raise StorageUnavailable(str(exc)) from exc


def discard(storage: Storage, name: str) -> None:
    """Delete ``name`` if it is there: a file written for a change that was then not saved."""
    try:
        if name and storage.exists(name):
            storage.delete(name)
    except Exception:
        logger.warning("Could not remove a file left by a failed save")


def store_upload(instance: Model, field_name: str, upload: File, name: str | None = None) -> str:
    """Write ``upload`` now for the file field ``field_name`` of ``instance``, and point the field at it.

    ``name`` is the file's name if not the upload's (a model validator may have renamed the
    field's file after its content: ``core.validators.name_by_content``).

    The same name and storage as saving the model would use, but written through
    ``save_or_clean_up``: a failed write leaves no file. Saving the model then writes no file;
    a caller whose transaction fails afterwards removes the returned name with ``discard``.
    """
    field = instance._meta.get_field(field_name)
    name = field.generate_filename(instance, name or upload.name)
    stored = save_or_clean_up(field.storage, name, upload, max_length=field.max_length)
    setattr(instance, field.attname, stored)
    return stored


class StorageAlias(Storage):
    """The storage ``settings.STORAGES[alias]``, looked up on every call.

    A FileField keeps its storage object for the life of the process; this one follows the
    setting, so a deployment (or a test) can point the private files elsewhere at any time.
    """

    def __init__(self, alias: str):
        self.alias = alias

    @property
    def target(self) -> Storage:
        return storages[self.alias]

    def open(self, name, mode="rb"):
        return self.target.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.target.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.target.generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self.target.get_available_name(name, max_length=max_length)

    def get_valid_name(self, name):
        return self.target.get_valid_name(name)

    def delete(self, name):
        return self.target.delete(name)

    def exists(self, name):
        return self.target.exists(name)

    def listdir(self, path):
        return self.target.listdir(path)

    def size(self, name):
        return self.target.size(name)

    def url(self, name):
        return self.target.url(name)

    def path(self, name):
        return self.target.path(name)

    def get_modified_time(self, name):
        return self.target.get_modified_time(name)
