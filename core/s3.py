"""The S3 backend of ``STORAGES`` when ``S3_BUCKET`` is set (config/settings.py).

Every object stays private in the bucket. A file's URL is the app's own address for it
(``MEDIA_URL`` + name), never the bucket's: the app's views decide who may read each file
(``/media/`` only what is public by design, the rest behind a clinic or a patient link) and
stream it from the storage. Presigned URLs were the other choice; they were not taken because
a presigned URL is a bearer token that keeps working for its whole lifetime after a link is
revoked or a member leaves the clinic, and it would put the storage's host name in pages and
in the content-security policy.
"""

from urllib.parse import urljoin

from botocore.config import Config
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class AppServedS3Storage(S3Storage):
    """django-storages' S3 backend whose ``url()`` points at the app, not at the bucket."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


def s3_storages(
    *,
    bucket: str,
    endpoint_url: str,
    access_key: str | None,
    secret_key: str | None,
    region: str,
    connect_timeout: int = 3,
    read_timeout: int = 20,
) -> dict:
    """The ``default`` and ``private`` entries of ``STORAGES`` for one bucket.

    Public media under ``media/``, private files under ``private/``; all objects private.
    """
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "access_key": access_key,
        "secret_key": secret_key,
        "region_name": region,
        # A new name rather than overwriting: save_or_clean_up picks a free name before writing.
        "file_overwrite": False,
        "default_acl": "private",
        # An S3-compatible server on its own host name (MinIO, moto) is addressed by path.
        "addressing_style": "path" if endpoint_url else None,
        # An endpoint that is down fails in seconds with a clear error, not after a minute of retries.
        "client_config": Config(
            connect_timeout=connect_timeout, read_timeout=read_timeout, retries={"max_attempts": 2, "mode": "standard"}
        ),
    }
    backend = "core.s3.AppServedS3Storage"
    return {
        "default": {"BACKEND": backend, "OPTIONS": {**options, "location": "media"}},
        "private": {"BACKEND": backend, "OPTIONS": {**options, "location": "private"}},
    }
