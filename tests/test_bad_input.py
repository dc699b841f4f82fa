"""Malformed and hostile input to every form and HTMX endpoint, as every kind of user.

The URL patterns are walked like test_access.py does, so a page added tomorrow is attacked
tomorrow. Form fields are found by reading the forms (and hx-post/hx-put/... elements) on every
page the clinic's admin can open; an endpoint whose form was not found gets every field name
seen anywhere.

Each response must be a 2xx, 3xx or 4xx, never a 500. A rejected request (4xx, or a form shown
again with errors) must leave the database and the uploaded files exactly as they were, and at
the end no row of another clinic has changed and every stored row still passes its model's
validation: nothing half-saved.
"""

import itertools
import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import BaseForm, BaseFormSet
from django.test import Client

from core.models import AuditEntry
from patients.models import Role
from tests.access_fixtures import make_clinic_objects
from tests.access_fixtures_prescriptions import make_prescription_objects
from tests.factories import ClinicFactory, MembershipFactory, PatientFactory
from tests.test_access import PATTERNS, _fill

ELSEWHERE_PK = 9191  # every object of a clinic none of the users belongs to
MEGABYTE = "x" * 1_000_000

# Values sent in every field at once.
HOSTILE_VALUES = {
    "negative": "-1",
    "zero": "0",
    "huge": "9" * 40,
    "int64_overflow": str(2**63),
    "float_overflow": "1e309",
    "nan": "NaN",
    "wrong_type": "twelve",
    "bad_date": "2026-02-30",
    "markup": '"><script>alert(1)</script><img src=x onerror=alert(1)>',
    "null_byte": "a\x00b",
    "unicode": "\u202eZoë 😀 \u0000\ufeff",
    "whitespace": "   \t\n ",
    "other_clinic_id": str(ELSEWHERE_PK),
    "sql": "1' OR '1'='1",
}
# Query parameters the list pages read, with values no person would type.
HOSTILE_QUERY = {"q": MEGABYTE[:20_000], "page": "-1", "patient": "x", "date_from": "9999-99-99", "show": "\x1b"}
INVALID_UTF8_BODY = b"%FF%FE=%C3%28&name=\xff\xfe\xfa&q=%ED%A0%80&title=\xc3\x28"
APPS = ("patients", "exercises", "prescriptions", "outcomes")
# Rows that a rejected request may still write: the audit of a failed sign-in, lockouts, sessions.
MAY_GROW = {"core_auditentry", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "django_session"}


# --- Discovering forms -------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """Collects, per target URL, the fields a page's forms and hx-* elements would send."""

    HX = ("hx-post", "hx-put", "hx-patch", "hx-delete")

    def __init__(self, page_path):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms = []  # (target, method, fields, files); fields: name -> value
        self._stack = []
        self._select = None
        self._textarea = None

    def _target(self, attrs):
        for attribute in self.HX:
            if attrs.get(attribute) is not None:
                return attrs[attribute] or self.page_path, attribute[3:]
        if "action" in attrs or attrs.get("method", "get").lower() == "post":
            return attrs.get("action") or self.page_path, attrs.get("method", "get").lower()
        return None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        target = self._target(attrs) if tag in ("form",) or any(a in attrs for a in self.HX) else None
        if tag == "form" or target:
            entry = {"target": target, "fields": {}, "files": set(), "tag": tag}
            self._stack.append(entry)
            self.forms.append(entry)
        if not self._stack:
            return
        fields = self._stack[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind == "file":
                self._stack[-1]["files"].add(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "on")
                else:
                    fields.setdefault(name, None)
            elif kind not in ("submit", "button", "image", "reset"):
                fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, None)
        elif tag == "option" and self._select:
            if fields.get(self._select) is None and attrs.get("value"):
                fields[self._select] = attrs["value"]
            if "selected" in attrs:
                fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "button" and name:
            fields.setdefault(name, attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea and self._stack:
            self._stack[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        if self._stack and self._stack[-1]["tag"] == tag:
            self._stack.pop()


def _discover(client, paths) -> tuple[dict, set, set]:
    """Per target path: (fields with their current values, file fields); plus every name seen."""
    by_target, vocabulary, file_vocabulary = {}, set(), set()
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = _FormReader(path)
        reader.feed(response.content.decode(errors="replace"))
        for form in reader.forms:
            if not form["target"]:
                continue
            target = urlsplit(form["target"][0]).path or path
            known = by_target.setdefault(target, {"fields": {}, "files": set()})
            for name, value in form["fields"].items():
                known["fields"].setdefault(name, value if value is not None else "")
            known["files"] |= form["files"]
            vocabulary |= set(form["fields"])
            file_vocabulary |= form["files"]
    vocabulary.discard("csrfmiddlewaretoken")
    return by_target, vocabulary, file_vocabulary


# --- The database before and after ---------------------------------------------------------------


def _tables():
    models = [m for m in apps.get_models(include_auto_created=True)]
    return sorted({m._meta.db_table for m in models if m._meta.app_label in (*APPS, "auth")} - MAY_GROW)


def _row_counts(tables) -> dict:
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _file_count() -> int:
    total = 0
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for _dirpath, _dirs, files in os.walk(root):
            total += len(files)
    return total


def _clinic_path(model, depth=3):
    """The lookup from ``model`` to its clinic (``"program__patient__clinic"``), if it has one."""
    from patients.models import Clinic

    if model is Clinic:
        return "pk"
    queue = [(model, "")]
    for _ in range(depth):
        next_queue = []
        for current, prefix in queue:
            for field in current._meta.concrete_fields:
                if field.is_relation and field.many_to_one:
                    lookup = f"{prefix}{field.name}"
                    if field.related_model is Clinic:
                        return lookup
                    next_queue.append((field.related_model, lookup + "__"))
        queue = next_queue
    return None


def _clinic_rows(clinic) -> dict:
    """Every stored value of every row that belongs to ``clinic``, by model."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model is AuditEntry:
            continue
        lookup = _clinic_path(model)
        if lookup:
            rows = model._default_manager.filter(**{lookup: clinic.pk}).order_by("pk").values()
            snapshot[model._meta.label] = [dict(row) for row in rows]
    return snapshot


def _rejected(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or response.context is None:
        return False
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for value in itertools.chain.from_iterable(ctx.dicts for ctx in contexts):
        if not isinstance(value, dict):
            continue
        for item in value.values():
            if isinstance(item, BaseForm | BaseFormSet) and item.is_bound and item.errors:
                return True
    return False


# --- The cast ----------------------------------------------------------------------------------


def _world():
    objects = make_clinic_objects()
    owner_clinic = objects["owner"].memberships.get().clinic
    clinician = MembershipFactory(user__username="walker-clinician", clinic=owner_clinic, role=Role.CLINICIAN).user
    elsewhere = ClinicFactory(name="Elsewhere clinic")
    elsewhere_admin = MembershipFactory(user__username="elsewhere-admin", clinic=elsewhere, role=Role.ADMIN).user
    MembershipFactory(pk=ELSEWHERE_PK, user__username="elsewhere-member", clinic=elsewhere)
    elsewhere_patient = PatientFactory(pk=ELSEWHERE_PK, clinic=elsewhere, first_name="Else", last_name="Where")
    from patients.services import invitation_create

    invitation, _token = invitation_create(
        clinic=elsewhere, email="else@example.org", role="clinician", invited_by=elsewhere_admin
    )
    make_prescription_objects(clinic=elsewhere, patient=elsewhere_patient, owner=elsewhere_admin, pks=[ELSEWHERE_PK])
    values = {**objects["values"], "int": [objects["values"]["int"][0], ELSEWHERE_PK]}
    users = {
        "anonymous": None,
        "clinician": clinician,
        "clinic_admin": objects["owner"],
        "outsider": objects["outsider"],
    }
    return users, values, elsewhere


def _routes():
    return [p.values[0] for p in PATTERNS]


# --- The attack --------------------------------------------------------------------------------


class _Attack:
    def __init__(self, client, user, tables):
        self.client = client
        self.user = user
        self.tables = tables
        self.requests = 0
        self.failures = []

    def sign_in(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def send(self, method, path, label, **kwargs):
        before = _row_counts(self.tables)
        files_before = _file_count()
        response = getattr(self.client, method)(path, **kwargs)
        self.requests += 1
        where = f"{method.upper()} {path} [{label}]"
        if response.status_code >= 500:
            self.failures.append(f"{where}: {response.status_code}")
            return response
        if _rejected(response) or self.user is None:
            after = _row_counts(self.tables)
            changed = {t: (before[t], after[t]) for t in self.tables if before[t] != after[t]}
            if changed:
                self.failures.append(f"{where}: rejected with {response.status_code} but rows changed: {changed}")
            if _file_count() != files_before:
                self.failures.append(f"{where}: rejected with {response.status_code} but files were written")
        return response


def _payloads(fields: dict, files: set, per_field_megabyte: bool):
    names = sorted(fields) or ["name"]
    yield "missing fields", {}
    yield "all empty", dict.fromkeys(names, "")
    for label, value in HOSTILE_VALUES.items():
        yield label, dict.fromkeys(names, value)
    yield "repeated keys", {name: ["1", "2", str(ELSEWHERE_PK)] for name in names}
    if per_field_megabyte:
        for name in names:
            yield f"1 MB in {name}", {**{n: v or "" for n, v in fields.items()}, name: MEGABYTE}
    else:
        yield "1 MB in first field", {names[0]: MEGABYTE}
    for name in sorted(files):
        upload = SimpleUploadedFile("picture.png", b"MZ\x90\x00\x03 renamed program", content_type="image/png")
        yield f"fake file in {name}", {**{n: v or "" for n, v in fields.items()}, name: upload}


@pytest.mark.parametrize("kind", ["anonymous", "clinician", "clinic_admin", "outsider"])
def test_no_bad_input_causes_a_server_error_or_half_saved_data(db, kind, capsys):
    users, values, elsewhere = _world()
    elsewhere_before = _clinic_rows(elsewhere)
    tables = _tables()

    routes = _routes()
    owner_paths = sorted({p for route in routes for p in _fill(route, {**values, "int": values["int"][:1]})})
    clinic_admin_client = Client()
    clinic_admin_client.force_login(users["clinic_admin"])
    forms, vocabulary, file_vocabulary = _discover(clinic_admin_client, owner_paths)
    assert "first_name" in vocabulary, "the walker found no forms; is the discovery broken?"

    client = Client(raise_request_exception=False)
    client.raise_request_exception = False
    attack = _Attack(client, users[kind], tables)
    privileged = kind in ("clinician", "clinic_admin")
    for route in routes:
        for path in _fill(route, values):
            if path.startswith("/accounts/logout") and kind != "anonymous":
                continue  # signing out is not bad input; it would end the walk's session
            attack.sign_in()  # again for each page, in case a request ended the session
            known = forms.get(path)
            fields = dict(known["fields"]) if known else dict.fromkeys(vocabulary, "")
            files = known["files"] if known else file_vocabulary
            fields.pop("csrfmiddlewaretoken", None)

            attack.send("get", path, "hostile query", data=HOSTILE_QUERY)
            # Each parameter on its own too: together, one refusal (a 404 page) hides the others.
            for name, value in HOSTILE_QUERY.items():
                attack.send("get", path, f"hostile {name} alone", data={name: value})
                attack.send("get", path, f"NUL in {name}", data={name: "x\x00y"})
            attack.send("get", path, "huge page", data={"page": "9" * 30, "show": "archived"})
            attack.send("get", path + "?q=%FF%FE&page=%ED%A0%80", "invalid UTF-8 query")
            attack.send(
                "post",
                path,
                "invalid UTF-8 body",
                data=INVALID_UTF8_BODY,
                content_type="application/x-www-form-urlencoded",
            )
            attack.send("delete", path, "delete")
            attack.send("put", path, "put", data=b'{"x": 1}', content_type="application/json")
            for label, payload in _payloads(fields, files, per_field_megabyte=privileged and known is not None):
                attack.send("post", path, label, data=payload)
            if known and privileged:
                # The form as the page filled it, sent twice (a double-click, a resubmitted tab).
                for attempt in ("first", "repeated"):
                    attack.send(
                        "post", path, f"submission as shown, {attempt}", data={n: v or "" for n, v in fields.items()}
                    )

    with capsys.disabled():
        print(f"\nbad input as {kind}: {attack.requests} requests, {len(forms)} forms found")
    assert attack.requests > 500
    assert not attack.failures, "\n".join(attack.failures[:40])

    assert _clinic_rows(elsewhere) == elsewhere_before, "another clinic's data changed"
    invalid = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model is AuditEntry:
            continue
        for row in model._default_manager.all():
            try:
                row.full_clean()
            except Exception as exc:  # report every row, whatever the error
                invalid.append(f"{model._meta.label} #{row.pk}: {exc}")
    assert not invalid, "\n".join(invalid[:20])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []
