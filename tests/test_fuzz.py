"""Fuzz every URL pattern and every form with what broke parsing before: no 5xx, nothing half-saved.

Values: Unicode digits ("²", "①", Arabic-Indic), numbers of 5,000 digits, negatives, NUL bytes,
100 KB strings, JSON nested thousands deep, and the hostile battery of test_bad_input. The forms
are found by reading every page, as test_bad_input does, so a form added tomorrow is fuzzed
tomorrow; the admin's catalogue forms are read by a catalogue editor.

Three passes: every form with each value in every field; every page with each value in every
query parameter the pages read; then hypothesis mixes values per field. A refused request (a 4xx,
or a form shown again with errors) must leave every row and file as it was. The number of
requests and of 5xx answers is printed for the issue's closing note.
"""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ExerciseFactory
from tests.test_access import _fill
from tests.test_bad_input import (
    HOSTILE_VALUES,
    _discover,
    _file_count,
    _rejected,
    _routes,
    _row_counts,
    _tables,
    _world,
)

UNICODE_DIGITS = ["²", "①", "٣", "۴٥", "𝟓", "１２", "\u0f23"]
HUGE_NUMBERS = ["9" * 5000, "1" + "0" * 4300, "-" + "9" * 5000, "9" * 5000 + ".5"]
NEGATIVES = ["-1", "-99999999999999999999"]
NUL = ["\x00", "1\x00"]
LONG = ["x" * 100_000, "٣" * 50_000]
DEEP_JSON = ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000]
# (test_bad_input sends its battery in every field already; a few of it are kept here.)
FUZZ_VALUES = UNICODE_DIGITS + HUGE_NUMBERS + NEGATIVES + NUL + LONG + DEEP_JSON
FUZZ_VALUES += [HOSTILE_VALUES[name] for name in ("float_overflow", "nan", "unicode")]
# One field at a time: the values that broke parsing before.
PER_FIELD_VALUES = ["²", "①", "٣", "9" * 5000, "-1", "\x00", "x" * 100_000, DEEP_JSON[0], "-" + "9" * 5000]
# The query parameters pages read (search, paging, days, times, copies, filters).
QUERY_NAMES = ["q", "page", "day", "saved", "time", "template", "from", "show", "date_from", "date_to", "patient"]
QUERY_VALUES = ["²", "①", "9" * 5000, "-1", "\x00", DEEP_JSON[0]]
ADMIN_PAGES = ["/admin/exercises/exercise/add/", "/admin/exercises/exercise/import/"]

value_strategy = st.one_of(
    st.sampled_from(FUZZ_VALUES),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(max_size=40),
    st.tuples(st.sampled_from(UNICODE_DIGITS), st.integers(min_value=1, max_value=50)).map(lambda t: t[0] * t[1]),
)


class Fuzzer:
    """Sends requests and records what went wrong: a 5xx, or a refusal that changed rows or files."""

    def __init__(self, tables):
        self.tables = tables
        self.requests = 0
        self.server_errors = 0
        self.failures: list[str] = []
        self.seconds: dict[str, float] = {}

    def send(self, client: Client, method: str, path: str, label: str, **kwargs):
        cache.clear()  # throttles count per address: every request is judged on its own
        before, files_before = _row_counts(self.tables), _file_count()
        started = time.perf_counter()
        response = getattr(client, method)(path, **kwargs)
        self.seconds[path] = self.seconds.get(path, 0) + time.perf_counter() - started
        self.requests += 1
        where = f"{method.upper()} {path[:120]} [{label}]"
        if response.status_code >= 500:
            self.server_errors += 1
            self.failures.append(f"{where}: {response.status_code}")
        elif _rejected(response):
            after = _row_counts(self.tables)
            changed = {t: (before[t], after[t]) for t in self.tables if before[t] != after[t]}
            if changed:
                self.failures.append(f"{where}: refused with {response.status_code} but rows changed: {changed}")
            if _file_count() != files_before:
                self.failures.append(f"{where}: refused with {response.status_code} but files were written")
        return response


def _one_per_shape(names: list[str]) -> list[str]:
    """One field of each shape: ``steps-0-text`` stands for every step row, ``pain-2026-11-02`` for every day."""
    seen, kept = set(), []
    for name in names:
        shape = re.sub(r"\d+", "#", name)
        if shape not in seen:
            seen.add(shape)
            kept.append(name)
    return kept


def _values_for(index: int) -> list[str]:
    """A Unicode digit in every field, and two of the other values, turning from field to field."""
    others = PER_FIELD_VALUES[1:]
    return [PER_FIELD_VALUES[0], others[(2 * index) % len(others)], others[(2 * index + 1) % len(others)]]


def _payload(fields: dict, files: set, value: str) -> dict:
    payload = dict.fromkeys(fields, value)
    for name in files:
        payload[name] = SimpleUploadedFile("upload.json", value.encode("utf-8", "surrogatepass"))
    return payload


@pytest.fixture
def arena(db, catalogue_admin):
    users, values, _elsewhere = _world()
    ExerciseFactory(name="Catalogue bridge", slug="catalogue-bridge")
    routes = _routes()
    paths = sorted({p for route in routes for p in _fill(route, {**values, "int": values["int"][:1]})})
    admin = Client(raise_request_exception=False)
    admin.force_login(users["clinic_admin"])
    forms, _vocabulary, _files = _discover(admin, paths)
    editor = Client(raise_request_exception=False)
    editor.force_login(catalogue_admin)
    admin_forms, _, _ = _discover(editor, ADMIN_PAGES)
    anonymous = Client(raise_request_exception=False)
    public = {path: form for path, form in forms.items() if path.startswith(("/p/", "/accounts/password_reset"))}
    public["/accounts/login/"] = forms["/accounts/login/"]
    targets = [(admin, "clinic admin", path, form) for path, form in forms.items()]
    targets += [(anonymous, "anonymous", path, form) for path, form in public.items()]
    targets += [(editor, "catalogue editor", path, form) for path, form in admin_forms.items()]
    fuzzer = Fuzzer(_tables())
    yield fuzzer, targets, paths, (admin, anonymous)


def _report(capsys, fuzzer: Fuzzer, what: str):
    with capsys.disabled():
        print(f"\nfuzz ({what}): {fuzzer.requests} requests, {fuzzer.server_errors} answered 5xx")
        slowest = sorted(fuzzer.seconds.items(), key=lambda kv: -kv[1])[:8]
        print("slowest targets (s):", ", ".join(f"{path[:50]} {secs:.1f}" for path, secs in slowest))


def test_every_field_of_every_form_with_each_hostile_value(arena, capsys):
    """One field at a time, the others as the page filled them: a refusal of one field cannot hide another's 500."""
    fuzzer, targets, _paths, _clients = arena
    for client, who, path, form in targets:
        shown = {name: value or "" for name, value in form["fields"].items() if name != "csrfmiddlewaretoken"}
        for index, name in enumerate(_one_per_shape(sorted(shown) + sorted(form["files"]))):
            # The admin's page is slow to show again (~0.13 s): two values a field there.
            for value in _values_for(index)[: 2 if path.startswith("/admin/") else 3]:
                if name in form["files"]:
                    data = {**shown, name: SimpleUploadedFile("upload.json", value.encode())}
                else:
                    data = {**shown, name: value}
                fuzzer.send(client, "post", path, f"{who}: {name}={value[:12]!r}…", data=data)
    _report(capsys, fuzzer, "each field")
    assert len({path for _c, _w, path, _f in targets}) > 40, "the walker found too few forms"
    assert any(path.startswith("/admin/") for _c, _w, path, _f in targets), "the admin's forms were not found"
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])


def test_every_form_with_each_hostile_value_in_all_fields(arena, capsys):
    fuzzer, targets, _paths, _clients = arena
    for client, who, path, form in targets:
        fields = {name: "" for name in form["fields"] if name != "csrfmiddlewaretoken"}
        for value in FUZZ_VALUES:
            fuzzer.send(client, "post", path, f"{who}: {value[:12]!r}…", data=_payload(fields, form["files"], value))
    _report(capsys, fuzzer, "all fields")
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])


def test_every_page_with_each_hostile_value_in_its_query(arena, capsys):
    fuzzer, _targets, paths, (admin, anonymous) = arena
    public = ("/p/", "/accounts/", "/healthz", "/patients/invitations/", "/catalogue/pictures/")
    for client in (admin, anonymous):
        for path in paths:
            if path.startswith("/accounts/logout") or (client is anonymous and not path.startswith(public)):
                continue  # signing out ends the walk; an anonymous user is sent to sign in
            for value in QUERY_VALUES:
                fuzzer.send(client, "get", path, f"query {value[:12]!r}…", data=dict.fromkeys(QUERY_NAMES, value))
    _report(capsys, fuzzer, "queries")
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])


@pytest.fixture
def mixed_arena(arena, capsys):
    yield arena
    _report(capsys, arena[0], "hypothesis")
    assert not arena[0].failures, "\n".join(arena[0].failures[:40])


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_forms_with_values_mixed_per_field(mixed_arena, data):
    fuzzer, targets, _paths, _clients = mixed_arena
    client, who, path, form = data.draw(st.sampled_from(targets), label="form")
    fields = [name for name in sorted(form["fields"]) if name != "csrfmiddlewaretoken"]
    payload = {name: data.draw(value_strategy, label=name) for name in fields}
    for name in sorted(form["files"]):
        payload[name] = SimpleUploadedFile(
            "upload.json", data.draw(value_strategy, label=name).encode("utf-8", "surrogatepass")
        )
    failures = len(fuzzer.failures)
    fuzzer.send(client, "post", path, f"{who}: mixed", data=payload)
    assert len(fuzzer.failures) == failures, fuzzer.failures[-1]
