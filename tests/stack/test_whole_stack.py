"""The whole stack in one test (issue 31): two gunicorn app servers, one task worker, one
PostgreSQL database, one Redis and the moto S3 endpoint, each a process of its own.

A clinician signs in and issues on server A; the worker, paused mid-render by its test hook
(``HOMERX_RENDER_PAUSE_FILE``), is killed there and a second worker takes the claim over once
its lease ends: exactly one version is stored, in S3. Through server B the patient opens the
link, downloads that PDF and logs a session, which the clinician then sees on server A.

Marked ``stack``: ``make test`` leaves it out, ``.ci/run`` and ``make stack-test`` run it. It
needs PostgreSQL where a throw-away database may be created (``STACK_DATABASE_URL``, by default
the CI server's ``test`` database on 127.0.0.1) and Redis on 127.0.0.1:6379
(``STACK_REDIS_URL``); a missing service fails the test with what to start, never skips it.
Waits are for readiness (polling with a deadline); nothing depends on how long anything takes.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import redis
from django.urls import reverse
from psycopg import sql

from tests.s3 import MotoServer, free_port

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BASE_DATABASE_URL = os.environ.get("STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/0")
READY_TIMEOUT = 120.0  # a loaded 2-core machine: migrations, gunicorn start-up, a render
LEASE_SECONDS = 3  # the second worker takes the killed worker's claim over after this


def wait_for(what: str, check, timeout: float = READY_TIMEOUT):
    """Poll ``check`` until it returns something true; fail naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Stack:
    env: dict
    logs: Path
    processes: list = field(default_factory=list)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, command: list[str], **extra_env) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.name = name
        self.processes.append(process)
        return process

    def app_server(self, name: str) -> str:
        port = free_port()
        self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--config",
                "config/gunicorn.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
        )
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{name} to answer /healthz", lambda: _answers(f"{url}/healthz"))
        return url

    def worker(self, name: str, **extra_env) -> subprocess.Popen:
        return self.start(
            name,
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            **extra_env,
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Browser:
    """One person's cookies over plain HTTP, across both app servers (cookies ignore the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        if data is not None:
            request.add_header("X-CSRFToken", self.csrf())
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, url: str) -> str:
        status, body = self.request(url)
        assert status == 200, f"GET {url}: {status}"
        return body.decode()

    def post(self, url: str, data: dict, **headers) -> tuple[int, str]:
        status, body = self.request(url, data, headers)
        return status, body.decode()


@pytest.fixture
def stack(tmp_path):
    base = dj_database_url.parse(BASE_DATABASE_URL)
    name = f"homerx_stack_{os.getpid()}"
    admin = dict(host=base["HOST"], port=base["PORT"] or 5432, user=base["USER"], password=base["PASSWORD"] or None)
    try:
        server = psycopg.connect(dbname=base["NAME"], autocommit=True, connect_timeout=5, **admin)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL at {BASE_DATABASE_URL} does not answer ({error}); start it or set STACK_DATABASE_URL")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at {REDIS_URL} does not answer ({error}); start it or set STACK_REDIS_URL")
    server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    moto = MotoServer().start()
    moto.create_bucket("homerx-stack")
    password = f":{base['PASSWORD']}" if base["PASSWORD"] else ""
    url = f"postgres://{base['USER']}{password}@{admin['host']}:{admin['port']}/{name}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "HOMERX_", "S3_"))}
    env.update(
        moto.environ("homerx-stack"),
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"{name}-",
        TASKS_BACKEND="database",
        HANDOUT_RENDER_LEASE_SECONDS=str(LEASE_SECONDS),
        DEBUG="0",
        SECRET_KEY="stack-test-secret-key-not-for-production-0123456789",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="0",
        MEDIA_ROOT=str(tmp_path / "unused-media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "unused-private"),
    )
    stack = Stack(env=env, logs=tmp_path)
    try:
        stack.run("migrate", "--noinput", "-v", "0")
        stack.data = json.loads(
            stack.run("shell", "-c", "import tests.stack.seed as s; s.main()").strip().splitlines()[-1]
        )
        stack.moto = moto
        yield stack
    finally:
        stack.stop_all()
        moto.stop()
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        server.close()


def test_the_whole_stack(stack, tmp_path):
    a, b = stack.app_server("server-a"), stack.app_server("server-b")
    pause = tmp_path / "pause"
    pause.touch()
    first_worker = stack.worker("worker-1", HOMERX_RENDER_PAUSE_FILE=str(pause))
    program = stack.data["program"]

    clinician = Browser()
    clinician.get(a + reverse("login"))
    status, _ = clinician.post(
        a + reverse("login"), {"username": stack.data["username"], "password": stack.data["password"]}
    )
    assert status == 200, "sign-in on server A failed"

    # Issue on A: the request claims and enqueues, and answers before any render.
    status, panel = clinician.post(
        a + reverse("prescriptions:handout-issue", args=[program]), {"confirm": "yes"}, **{"HX-Request": "true"}
    )
    assert status == 200, panel
    assert "Preparing version 1" in panel
    # A second click, on server B, while it renders: the same version, nothing new queued.
    status, again = clinician.post(
        b + reverse("prescriptions:handout-issue", args=[program]), {"confirm": "yes"}, **{"HX-Request": "true"}
    )
    assert status == 200 and "Preparing version 1" in again

    # The first worker took the claim and is mid-render: kill it there.
    wait_for("worker 1 to start rendering", lambda: Path(f"{pause}.rendering").exists())
    os.killpg(first_worker.pid, signal.SIGKILL)
    first_worker.wait()
    pause.unlink()
    health = json.loads(clinician.get(a + "/healthz"))
    assert health["status"] == "ok" and health["oldest_queued_render_seconds"] is not None, health

    stack.worker("worker-2")
    handout_panel = b + reverse("prescriptions:handout-panel", args=[program])
    page = wait_for(
        "worker 2 to take the claim over and store version 1",
        lambda: (html := clinician.get(handout_panel)) and "Download version 1" in html and html,
    )
    assert "Download version 2" not in page, "a second version was stored"
    assert "Preparing version" not in page
    assert json.loads(clinician.get(b + "/healthz"))["oldest_queued_render_seconds"] is None
    keys = [
        o["Key"]
        for o in stack.moto.client().list_objects_v2(Bucket="homerx-stack", Prefix="private/handouts/")["Contents"]
    ]
    assert len(keys) == 1, keys

    # The clinician's copy, from server A.
    handout_id = int(re.search(r"/handout/(\d+)/download\.pdf", page).group(1))
    status, clinician_pdf = clinician.request(a + reverse("prescriptions:handout-download", args=[program, handout_id]))
    assert status == 200 and clinician_pdf.startswith(b"%PDF")

    # A link to copy (made on A), opened by the patient on B, with the same PDF.
    status, panel = clinician.post(
        a + reverse("prescriptions:link-create", args=[program]), {}, **{"HX-Request": "true"}
    )
    token = re.search(r"/p/([A-Za-z0-9_-]{43})/", panel).group(1)
    patient = Browser()
    patient_page = patient.get(b + reverse("public:handout", args=[token]))
    assert "Back to walking" in patient_page
    status, patient_pdf = patient.request(b + reverse("public:handout-pdf", args=[token]))
    assert status == 200
    assert hashlib.sha256(patient_pdf).digest() == hashlib.sha256(clinician_pdf).digest()

    # The patient logs a session on B; the clinician sees it on A.
    status, _ = patient.post(b + reverse("public:today", args=[token]), {"pain": "3", "note": "Stack test: done on B"})
    assert status == 200, "the patient's log was not saved"
    adherence = clinician.get(a + reverse("prescriptions:program-adherence", args=[program]))
    assert "Stack test: done on B" in adherence

    for name in ("server-a", "server-b", "worker-2"):
        assert "Traceback" not in stack.log(name), stack.log(name)
