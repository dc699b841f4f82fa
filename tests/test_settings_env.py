import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envint, envlist, envsecret


def test_envbool_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG", False)


def test_envint_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        envint("X_NUM", 1)


def test_envlist_and_defaults(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,")
    assert envlist("X_HOSTS", []) == ["a.example", "b.example"]
    assert envbool("X_UNSET_FLAG", True) is True


def test_secret_from_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert envsecret("X_SECRET") == "s3cr3t"


def test_production_settings_need_a_secret_key(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_redis_url_gives_a_shared_cache_that_works(tmp_path):
    """README's REDIS_URL: the cache (rate limits, cached pages) is Redis, and its client is installed."""
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from django.core.cache import caches;"
        "cache = caches['default'];"
        "cache.set('homerx-settings-test', 42, 5);"
        "print(type(cache).__name__, cache.get('homerx-settings-test'));"
        "cache.delete('homerx-settings-test')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PATH": "/usr/bin",
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "42"]
