"""Environment for benchmark processes: production-like settings on a throw-away database."""

import os
from pathlib import Path

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/homerx-bench"))


def configure() -> dict:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghijkl",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "0",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"),
        "MEDIA_ROOT": str(BENCH_DIR / "media"),
        "PRIVATE_MEDIA_ROOT": str(BENCH_DIR / "private"),
        "TASKS_BACKEND": "immediate",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": "http://127.0.0.1:8000",
    }
    os.environ.update(env)
    return env
