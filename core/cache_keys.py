"""Keys for what is cached across requests: named by what it shows, so it is never stale.

Data or a rendered fragment kept in the cache is keyed by the values it depends on
(``content_key``); rendered HTML also by a fingerprint of its templates' source
(``template_version``), so a deploy that changes a template never serves HTML cached from the
old one. Nothing of a request (a token, a CSRF value, the user) goes into what is cached.
"""

import functools
import hashlib

from django.template.loader import get_template


@functools.cache
def template_version(*names: str) -> str:
    """12 hex digits that change when the source of any of ``names`` does (read once per process)."""
    sources = "\x00".join(get_template(name).template.source for name in names)
    return hashlib.sha256(sources.encode()).hexdigest()[:12]


def content_key(prefix: str, *parts) -> str:
    """``prefix:`` and a digest of ``parts`` (each as ``str``): short, and safe for any cache backend."""
    stamp = "\x1f".join(str(part) for part in parts)
    return f"{prefix}:{hashlib.sha256(stamp.encode()).hexdigest()}"
