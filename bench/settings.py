"""The project's settings, with the benchmark's signed-in floor page added to the URLs (bench/urls.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
