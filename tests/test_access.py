"""Walks every URL pattern of the project, so a new page is covered the day it is added.

Each pattern lands in the cases that apply to it, and only those:

- a page that needs an account sends anonymous users to sign in;
- a public page (sign-in, password reset, health check, the patient's link) opens without one;
- a page naming a clinic's object is a 404 for a member of another clinic, and reachable for
  the owning clinic's admin (so the 404s mean something);
- a catalogue page (named by a ``<slug:...>``) is the same for every clinic.

Every clinic object the walker needs is created with the same primary keys (OBJECT_PKS),
so each ``<int:...>`` in a pattern can be filled without knowing what it names.
"""

import itertools
import re

import pytest
from django.apps import apps
from django.contrib.admindocs.views import extract_views_from_urlpatterns
from django.urls import get_resolver

from tests.access_fixtures import OBJECT_PKS, make_clinic_objects

# Pages anyone may open: sign-in and password reset, health check, the patient's link.
# (Signing out is not one: Django's LogoutView needs a signed-in user like any other view.)
PUBLIC_NAMES = {
    "healthz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "exercises:picture-svg",
    "exercises:picture-frame",  # frames of a drawing: public as the drawings are
    "patients:invitation-accept",
}
PUBLIC_NAMESPACES = {"public", "outcomes-link"}
SIGN_IN = "/accounts/login/"


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


def _is_public(name, namespace):
    return name in PUBLIC_NAMES or namespace in PUBLIC_NAMESPACES


def _route(param) -> str:
    return param.values[0]


PUBLIC = [p for p in PATTERNS if _is_public(p.values[1], p.values[2])]
SIGN_IN_REQUIRED = [p for p in PATTERNS if p not in PUBLIC]
CATALOGUE = [p for p in SIGN_IN_REQUIRED if "<slug:" in _route(p)]
CLINIC_OBJECT = [p for p in SIGN_IN_REQUIRED if PARAM.search(_route(p)) and p not in CATALOGUE]
CASE = ("route", "name", "namespace")


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


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN)


@pytest.mark.parametrize(CASE, SIGN_IN_REQUIRED)
def test_anonymous_user_is_sent_to_sign_in(client, db, route, name, namespace):
    objects = make_clinic_objects()
    for path in _fill(route, objects["values"]):
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        assert response["Location"].startswith(SIGN_IN), path


@pytest.mark.parametrize(CASE, PUBLIC)
def test_public_page_opens_without_signing_in(client, db, route, name, namespace):
    objects = make_clinic_objects()
    for path in _fill(route, objects["values"]):
        response = client.get(path)
        assert not _sent_to_sign_in(response), path
        # 404: a made-up token or id (the walker fills "x" as well as real tokens).
        assert response.status_code in (200, 404), (path, response.status_code)


@pytest.mark.parametrize(CASE, CLINIC_OBJECT)
def test_other_clinics_objects_are_404(client, db, route, name, namespace):
    objects = make_clinic_objects()
    client.force_login(objects["outsider"])
    for path in _fill(route, objects["values"]):
        codes = {method: getattr(client, method)(path).status_code for method in ("get", "post")}
        assert set(codes.values()) <= {404, 405}, (path, codes)
        # A view refuses the method it does not take before it looks anything up: the other
        # method must reach the lookup and be refused there.
        assert 404 in codes.values(), (path, codes)


@pytest.mark.parametrize(CASE, CLINIC_OBJECT)
def test_own_clinics_objects_are_reachable(client, db, route, name, namespace):
    objects = make_clinic_objects()
    client.force_login(objects["owner"])
    reached = {}
    for path in _fill(route, objects["values"]):
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path)
        reached[path] = response.status_code
    assert all(code < 500 for code in reached.values()), reached
    # Not every combination of ids names related objects (an item of another program is a 404).
    assert any(code != 404 for code in reached.values()), f"the owning clinic never reaches it: {reached}"


@pytest.mark.parametrize(CASE, CATALOGUE)
def test_catalogue_pages_are_the_same_for_every_clinic(client, db, route, name, namespace):
    objects = make_clinic_objects()
    pages = []
    for user in (objects["owner"], objects["outsider"]):
        client.force_login(user)
        responses = [client.get(path) for path in _fill(route, objects["values"])]
        assert [r.status_code for r in responses] == [200] * len(responses), route
        pages.append([r.context["exercise"].pk for r in responses])
    assert pages[0] == pages[1]


def test_walker_sorts_each_kind_of_page_into_its_cases():
    def names(cases):
        return {p.values[1] for p in cases}

    assert {
        "patients:patient-detail",
        "patients:member-update",
        "prescriptions:program-builder",
        "prescriptions:item-update",
        "prescriptions:clearance-letter",
        "prescriptions:handout-download",
        "prescriptions:link-revoke",
        "prescriptions:delivery-retry",
        "prescriptions:program-adherence",
        "prescriptions:paper-tracker",
        "prescriptions:attention-seen",
        "prescriptions:clinic-exercise-detail",
        "prescriptions:clinic-exercise-update",
        "prescriptions:clinic-exercise-picture",
        "prescriptions:favourite-set",
    } <= names(CLINIC_OBJECT)
    assert {"patients:patient-list", "prescriptions:template-list", "prescriptions:attention-list"} <= names(
        SIGN_IN_REQUIRED
    ) - names(CLINIC_OBJECT)
    assert names(CATALOGUE) == {"exercises:exercise-detail"}
    assert {"login", "public:handout", "public:today", "public:calendar", "patients:invitation-accept"} <= names(PUBLIC)
    assert not names(PUBLIC) & names(SIGN_IN_REQUIRED)


@pytest.mark.parametrize(
    "label",
    [
        "patients.Patient",
        "patients.Membership",
        "prescriptions.Program",
        "prescriptions.ProgramItem",
        "prescriptions.ClearanceNote",
        "prescriptions.Handout",
        "prescriptions.ShareLink",
        "prescriptions.Delivery",
        "prescriptions.ClinicExercise",
        "exercises.ExercisePicture",
    ],
)
def test_walker_has_an_owned_object_of_each_kind_for_every_pk(db, label):
    objects = make_clinic_objects()
    clinic = objects["owner"].memberships.get().clinic
    model = apps.get_model(label)
    owned = model._default_manager.filter(pk__in=OBJECT_PKS)
    assert sorted(owned.values_list("pk", flat=True)) == OBJECT_PKS
    # All of them the owning clinic's, so a 404 for the outsider is about the clinic, not a missing row.
    for obj in owned:
        assert _clinic_of(obj) == clinic, (label, obj.pk)


def _clinic_of(obj):
    for path in ("clinic", "program.clinic", "handout.program.clinic", "exercise.clinic_ownership.clinic"):
        target = obj
        for attribute in path.split("."):
            target = getattr(target, attribute, None)
        if target is not None:
            return target
    raise AssertionError(f"{obj!r} has no clinic")
