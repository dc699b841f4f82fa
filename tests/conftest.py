"""The fixed cast of every test (after healthchecks' alice/bob/charlie):

- ``clinician`` works in ``clinic``; ``colleague`` is a clinician of the same clinic;
- ``clinic_admin`` runs ``clinic``;
- ``outsider`` is a clinician of ``other_clinic`` and must never see ``clinic``'s data;
- ``catalogue_admin`` is staff in the "Catalogue editors" group, with no clinic.
"""

import os

import pytest
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
