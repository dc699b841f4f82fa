"""The fixed cast of every test (after healthchecks' alice/bob/charlie):

- ``clinician`` works in ``clinic``; ``colleague`` is a clinician of the same clinic;
- ``clinic_admin`` runs ``clinic``;
- ``outsider`` is a clinician of ``other_clinic`` and must never see ``clinic``'s data;
- ``catalogue_admin`` is staff in the "Catalogue editors" group, with no clinic.
"""

import datetime
import os
import re

import pytest
import time_machine
from django.contrib.auth.models import Group

from patients.models import Role
from tests.factories import (
    ClinicFactory,
    MembershipFactory,
    PatientFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in the test thread; the live server's
# database access from that thread is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# The clock. A test that depends on "today" either works on any day (its dates are relative to
# the day it runs, as the factories' are) or names its day with ``@pytest.mark.clock(<date or
# datetime>)``. A bare ``@pytest.mark.clock`` marks a test as date-sensitive; .ci/run runs those
# again with the whole session's clock shifted (``--clock-shift=1y`` or ``HOMERX_CLOCK_SHIFT``),
# so a test that only passes near the day it was written fails the day it is written.
def pytest_addoption(parser):
    parser.addoption(
        "--clock-shift",
        default=os.environ.get("HOMERX_CLOCK_SHIFT", ""),
        help="run the session with the clock moved ahead, e.g. 400d, 1y or 3y (env HOMERX_CLOCK_SHIFT)",
    )


def clock_shift(text: str) -> datetime.timedelta:
    """``"3y"`` is three years of 365 days and one leap day; ``"400d"`` is 400 days; ``""`` none."""
    match = re.fullmatch(r"\+?(\d+)([dy])", text.strip())
    if not text.strip():
        return datetime.timedelta(0)
    if not match:
        raise pytest.UsageError(f"--clock-shift: expected a number of days or years such as 400d or 3y, got {text!r}")
    number, unit = int(match[1]), match[2]
    return datetime.timedelta(days=number * 365 + number // 4 if unit == "y" else number)


def pytest_configure(config):
    shift = clock_shift(config.getoption("--clock-shift"))
    if shift:
        # Started before collection, so module-level code sees the shifted day too; it ticks, so
        # time passes as usual (sessions, throttles and the live server's threads see one clock).
        traveller = time_machine.travel(datetime.datetime.now(datetime.UTC) + shift, tick=True)
        traveller.start()
        config._homerx_clock = traveller


def pytest_unconfigure(config):
    traveller = getattr(config, "_homerx_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    shift = clock_shift(config.getoption("--clock-shift"))
    if shift:
        return f"clock shifted {shift.days} days ahead: today is {datetime.date.today().isoformat()}"


@pytest.fixture(autouse=True)
def _named_day(request):
    """``@pytest.mark.clock(day)``: the test runs on that day (a date is noon in the project's
    time zone), whatever the real or shifted clock says; the clock ticks from there."""
    marker = request.node.get_closest_marker("clock")
    if marker is None or not marker.args:
        yield
        return
    (day,) = marker.args
    if not isinstance(day, datetime.datetime):
        from django.utils import timezone

        day = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_default_timezone())
    with time_machine.travel(day, tick=True):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never the developer's media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    from django.core.files.storage import storages

    storages._storages = {}
    yield
    storages._storages = {}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Riverside Physio", phone="+44 20 7946 0123")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Hilltop Sports Clinic")


@pytest.fixture
def clinician(clinic):
    return MembershipFactory(user__username="alice", clinic=clinic, role=Role.CLINICIAN).user


@pytest.fixture
def colleague(clinic):
    return MembershipFactory(user__username="bob", clinic=clinic, role=Role.CLINICIAN).user


@pytest.fixture
def clinic_admin(clinic):
    return MembershipFactory(user__username="dana", clinic=clinic, role=Role.ADMIN).user


@pytest.fixture
def outsider(other_clinic):
    return MembershipFactory(user__username="charlie", clinic=other_clinic, role=Role.CLINICIAN).user


@pytest.fixture
def catalogue_admin(db):
    user = UserFactory(username="cathy", is_staff=True)
    user.groups.add(Group.objects.get(name="Catalogue editors"))
    return user


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, first_name="Maria", last_name="Jensen")


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


# Named for who is signed in: pytest-django's own ``admin_client`` (a Django superuser) is left
# alone, and a clinic admin and a catalogue admin are different people with different pages.
@pytest.fixture
def clinic_admin_client(client, clinic_admin):
    """The clinic's admin: members, invitations, clinic settings, the audit log."""
    client.force_login(clinic_admin)
    return client


@pytest.fixture
def catalogue_admin_client(client, catalogue_admin):
    """The catalogue editor, in the Django admin's exercise pages."""
    client.force_login(catalogue_admin)
    return client
