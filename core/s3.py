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

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class AppServedS3Storage(S3Storage):
    """django-storages' S3 backend whose ``url()`` points at the app, not at the bucket."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
