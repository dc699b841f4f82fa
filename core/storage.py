"""Writing a file to a storage so that a failure leaves nothing behind."""

import logging

from django.core.files.base import File
from django.core.files.storage import Storage

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
        except Exception:  # noqa: BLE001 - the storage is failing; the first error is what matters
            logger.warning("Could not remove a partly written file after a storage failure")
        logger.error("Storage write failed (%s)", type(exc).__name__)
        raise StorageUnavailable(str(exc)) from exc
