"""Counting an address's failures in the shared cache, so every app server sees the same count."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from core.client import client_ip


class AddressThrottle:
    """At most ``limit`` failures of one kind per client address within ``window`` seconds."""

    def __init__(self, name: str, *, limit: int, window: int):
        self.name, self.limit, self.window = name, limit, window

    def _key(self, request: HttpRequest) -> str:
        # Hashed: the cache holds no addresses in the clear.
        address = client_ip(request) or "unknown"
        return f"throttle:{self.name}:" + hashlib.sha256(address.encode()).hexdigest()[:32]

    def is_exceeded(self, request: HttpRequest) -> bool:
        return cache.get(self._key(request), 0) >= self.limit

    def count_failure(self, request: HttpRequest) -> None:
        key = self._key(request)
        cache.add(key, 0, self.window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.window)
