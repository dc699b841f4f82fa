"""Walks every URL pattern of the project, so a new page is covered the day it is added.

- anonymous users are sent to sign in on every page that is not public;
- a clinician of another clinic gets 404 on every page and action that names an object;
- the owning clinic's admin does reach each of them (so the 404s above mean something).

Every clinic object the walker needs is created with the same primary keys (OBJECT_PKS),
so each ``<int:...>`` in a pattern can be filled without knowing what it names.
"""

import itertools
import re

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns
from django.urls import get_resolver

from tests.access_fixtures import OBJECT_PKS, make_clinic_objects

# Pages anyone may open: sign-in and password reset, health check, the patient's link.
PUBLIC_NAMES = {
    "healthz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "exercises:picture-svg",
    "patients:invitation-accept",
}
PUBLIC_NAMESPACES = {"public"}


def _patterns():
    found = []
    for _view, route, namespace, name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        if (
            route.startswith("admin/")
            or route.startswith("^admin")
            or route.startswith("media/")
            or route.startswith("^media")
        ):
            continue  # Django admin: staff only, checked in its own tests.
        namespace = ":".join(namespace) if isinstance(namespace, list) else namespace
        full_name = f"{namespace}:{name}" if namespace else name
        found.append(pytest.param(route, full_name, namespace or "", id=full_name or route))
    return found


PATTERNS = _patterns()
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _fill(route: str, values: dict) -> list[str]:
    """Every concrete path for the route, trying each candidate value per parameter."""
    params = list(PARAM.finditer(route))
    choices = [values.get(m.group("converter") or "str", ["x"]) for m in params]
    paths = []
    for combo in itertools.product(*choices):
        path = route
        for match, value in zip(reversed(params), reversed(combo), strict=True):
            path = path[: match.start()] + str(value) + path[match.end() :]
        paths.append("/" + path.lstrip("^").rstrip("$"))
    return paths


def _is_public(name, namespace):
    return name in PUBLIC_NAMES or namespace in PUBLIC_NAMESPACES


@pytest.mark.parametrize(("route", "name", "namespace"), PATTERNS)
def test_anonymous_user_is_sent_to_sign_in(client, db, route, name, namespace):
    if _is_public(name, namespace):
        return
    objects = make_clinic_objects()
    for path in _fill(route, objects["values"]):
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        assert response["Location"].startswith("/accounts/login/"), path


@pytest.mark.parametrize(("route", "name", "namespace"), [p for p in PATTERNS if PARAM.search(p.values[0])])
def test_other_clinics_objects_are_404_and_own_are_reachable(client, db, route, name, namespace):
    if _is_public(name, namespace) or "<slug:" in route:
        return  # Public, or catalogue content shared by all clinics.
    objects = make_clinic_objects()
    paths = _fill(route, objects["values"])

    client.force_login(objects["outsider"])
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in (404, 405), (path, method.__name__, response.status_code)
            if response.status_code == 405:
                continue

    client.force_login(objects["owner"])
    reached = []
    for path in paths:
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path)
        reached.append(response.status_code)
    assert any(code != 404 for code in reached), f"{route}: the owning clinic never reaches it: {reached}"


def test_walker_covers_the_object_pages():
    names = {p.values[1] for p in PATTERNS}
    assert {"patients:patient-detail", "patients:patient-update", "patients:patient-archive"} <= names
    assert len(OBJECT_PKS) >= 2
