"""A local S3 endpoint for tests: moto's server mode on loopback, one process per test session.

Used by the storage tests and the whole-stack test (tests/stack/). No Docker, no network: the
``moto_server`` script of the pinned ``moto[server]`` dev dependency. A missing script fails the
test with what to install; it never skips.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest

from core.s3 import s3_storages

ACCESS_KEY, SECRET_KEY, REGION = "testing", "testing", "us-east-1"
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """``moto_server`` on 127.0.0.1 at a free port; ``stop()`` and ``start()`` again on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MotoServer:
        script = Path(sys.executable).with_name("moto_server")
        if not script.exists():
            pytest.fail(f"{script} is missing: install the dev dependencies (make python-deps, moto[server]).")
        self.process = subprocess.Popen(
            [str(script), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:  # readiness, not correctness: poll until it answers
            if self.process.poll() is not None:
                pytest.fail(f"moto_server exited with {self.process.returncode} on port {self.port}")
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()
                return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"moto_server did not answer on {self.url} within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def environ(self, bucket: str) -> dict[str, str]:
        """The settings' S3 variables (README "Configuration") for a process using this endpoint."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_REGION": REGION,
        }

    def storages(self, bucket: str, base: dict) -> dict:
        """``STORAGES`` for this process: ``base`` with default and private in ``bucket``."""
        return {
            **base,
            **s3_storages(
                bucket=bucket,
                endpoint_url=self.url,
                access_key=ACCESS_KEY,
                secret_key=SECRET_KEY,
                region=REGION,
                connect_timeout=1,
                read_timeout=5,
            ),
        }
