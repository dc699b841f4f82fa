"""Environment for benchmark processes: production-like settings on a throw-away database."""

import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/homerx-bench"))


def configure() -> dict:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # config.settings and the signed-in floor page
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


@contextmanager
def throwaway_database():
    """A fresh database for this run, dropped afterwards; its URL is put in DATABASE_URL.

    SQLite: a new file in BENCH_DIR. PostgreSQL (DATABASE_URL set): ``homerx_bench_<pid>``
    created on the same server, so the database named in DATABASE_URL is never touched.
    Child processes (render workers, gunicorn) inherit the URL through the environment.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        path = BENCH_DIR / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        yield "sqlite"
        return

    import psycopg

    parts = urlsplit(url)
    name = f"homerx_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield "postgresql"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        os.environ["DATABASE_URL"] = url
