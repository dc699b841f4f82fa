import itertools

import pytest
from django.conf import settings
from django.test import override_settings

from tests.s3 import MotoServer

_buckets = itertools.count(1)


@pytest.fixture(scope="session")
def moto_server():
    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def s3(moto_server):
    """Every file storage in a new, empty bucket of the local S3 endpoint, for one test."""
    bucket = f"homerx-test-{next(_buckets)}"
    moto_server.create_bucket(bucket)
    with override_settings(STORAGES=moto_server.storages(bucket, settings.STORAGES), S3_BUCKET=bucket):
        yield moto_server
