"""Two HomeRx deployments sharing one Redis database never read each other's cache entries.

Each deployment's keys start with ``CACHE_KEY_PREFIX``, by default derived from its database.
Redis on 127.0.0.1:6379 (running for the test suite) is the shared cache here.
"""

import subprocess
import sys

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from config.env import database_key_prefix

REDIS = "redis://127.0.0.1:6379/15"


def _settings_of(database_url: str, **env) -> str:
    """``CACHE_KEY_PREFIX`` as config/settings.py computes it for a deployment with this database."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['KEY_PREFIX'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url, "PATH": "/usr/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_prefix_follows_the_database_unless_set():
    first = _settings_of("postgres://homerx@db.example:5432/homerx")
    again = _settings_of("postgres://other-user:pw@db.example:5432/homerx")
    second = _settings_of("postgres://homerx@db.example:5432/homerx_staging")
    chosen = _settings_of("postgres://homerx@db.example:5432/homerx", CACHE_KEY_PREFIX="clinic-a")

    assert first == again, "every app server of one deployment uses one prefix (the password is no part of it)"
    assert first != second
    assert first.startswith("homerx-") and "homerx_staging" not in second
    assert chosen == "clinic-a"


def _redis(prefix: str) -> dict:
    return {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS, "KEY_PREFIX": prefix}
    }


@pytest.fixture
def shared_redis():
    try:
        import redis

        redis.Redis.from_url(REDIS).ping()
    except Exception as exc:
        # Redis is part of the machine HomeRx is tested on (README, "Configuration"): a missing
        # server is a broken test machine, said plainly, never a silent skip.
        pytest.fail(f"This test needs Redis on 127.0.0.1:6379 (start it with redis-server): {exc}")
    yield
    redis.Redis.from_url(REDIS).flushdb()


def test_two_deployments_on_one_redis_keep_their_own_entries(shared_redis):
    """The entries a second deployment overwrote for the first one (which then served a wrong .ics)."""
    deployment_a = database_key_prefix({"ENGINE": "django.db.backends.postgresql", "HOST": "a", "NAME": "homerx"})
    deployment_b = database_key_prefix({"ENGINE": "django.db.backends.postgresql", "HOST": "b", "NAME": "homerx"})
    keys = ["today-items:1", "handout-page-parts:1:en:1"]  # both deployments have a handout number 1

    with override_settings(CACHES=_redis(deployment_a)):
        cache.set_many(dict.fromkeys(keys, "deployment A"))
    with override_settings(CACHES=_redis(deployment_b)):
        assert cache.get_many(keys) == {}
        cache.set_many(dict.fromkeys(keys, "deployment B"))
    with override_settings(CACHES=_redis(deployment_a)):
        assert cache.get_many(keys) == dict.fromkeys(keys, "deployment A")


def test_the_test_settings_carry_a_prefix(settings):
    assert settings.CACHES["default"]["KEY_PREFIX"] == settings.CACHE_KEY_PREFIX
    assert caches["default"].key_prefix == settings.CACHE_KEY_PREFIX
