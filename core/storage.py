"""Writing a file to a storage so that a failure leaves nothing behind."""

import logging

from django.core.files.base import File
from django.core.files.storage import Storage, storages

logger = logging.getLogger(__name__)


class StorageUnavailable(OSError):
    """The storage refused the write (full, read-only, unreachable). Nothing was left in it."""


def save_or_clean_up(storage: Storage, name: str, content: File) -> str:
    """Save ``content`` under ``name`` (or the free name the storage picks) and return the name.

    On any failure the partly written file is deleted and ``StorageUnavailable`` raised: a full
    disk must not leave a truncated PDF or letter that a later request could serve.
    """
    try:
        return storage.save(name, content)
    except Exception as exc:
        try:
            if storage.exists(name):
                storage.delete(name)
        except Exception:  # the storage is failing; the first error is what matters
            logger.warning("Could not remove a partly written file after a storage failure")
        logger.error("Storage write failed (%s)", type(exc).__name__)
        raise StorageUnavailable(str(exc)) from exc


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
