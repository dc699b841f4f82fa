"""Which files the PDF renderer may read: the project's own, nothing else.

A handout names its pictures with three private URL schemes, and ``resolve`` is the only way
from such a URL to bytes:

- ``homerx-resource:NAME``: drawings, the tracker grid and the QR code generated for this render;
- ``homerx-media:PATH``: uploaded exercise pictures and clinic logos in the media storage;
- ``homerx-static:PATH``: the project's own static files (the stylesheet and its fonts).

Everything else — ``file://``, the network, ``data:``, a path that climbs out of its folder —
raises ``RefusedURL``. ``pdf.py`` wraps this policy in WeasyPrint's fetcher interface.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage

RESOURCE_SCHEME = "homerx-resource:"
MEDIA_SCHEME = "homerx-media:"
STATIC_SCHEME = "homerx-static:"
# Folders of the media storage the PDF may show (uploaded exercise pictures, clinic logos).
MEDIA_PREFIXES = ("exercise-pictures/", "clinic-logos/")
CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "css": "text/css",
}

# Generated resources of one render: URL → (body, content type).
Resources = dict[str, tuple[bytes, str]]


class RefusedURL(ValueError):
    pass


def resolve(url: str, resources: Resources) -> tuple[bytes, str]:
    """The body and content type a handout URL names, or ``RefusedURL``."""
    if url in resources:
        return resources[url]
    if url.startswith(MEDIA_SCHEME):
        path = safe_path(url.removeprefix(MEDIA_SCHEME))
        if not path.startswith(MEDIA_PREFIXES):
            raise RefusedURL("not an exercise picture or logo")
        try:
            with default_storage.open(path, "rb") as handle:
                body = handle.read()
        except (OSError, ValueError) as exc:
            raise RefusedURL("missing media file") from exc
        return body, content_type(path)
    if url.startswith(STATIC_SCHEME):
        path = safe_path(url.removeprefix(STATIC_SCHEME))
        return Path(static_file(path)).read_bytes(), content_type(path)
    raise RefusedURL("not an allowed URL")


def static_file(path: str) -> str:
    """The file system path of a project static file (found by the finders, or collected)."""
    found = finders.find(path)
    if found:
        return found
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / path).resolve()
    if root not in candidate.parents or not candidate.is_file():
        raise RefusedURL("not a static file")
    return str(candidate)


def safe_path(raw: str) -> str:
    path = unquote(raw).replace("\\", "/")
    if not path or path.startswith("/") or "\x00" in path:
        raise RefusedURL("bad path")
    if any(part in ("..", ".") for part in path.split("/")) or posixpath.normpath(path) != path:
        raise RefusedURL("path escapes its folder")
    return path


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(path.rsplit(".", 1)[-1].lower(), "application/octet-stream")
