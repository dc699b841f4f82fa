"""Issuing happens once per click, and the render holds no lock (issue 12).

Two clinicians (or one double click) issuing the same program at the same moment need real row
locks to race: SQLite serialises every write for the whole database, so that test runs on
PostgreSQL only (CI runs the suite on both). The others run on both databases.
"""

import threading

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.urls import reverse

from core.models import AuditEntry
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout import issue as issue_module
from prescriptions.handout.issue import handout_issue
from prescriptions.models import Handout, HandoutClaim, Program
from prescriptions.services import item_update
from tests.prescriptions.test_handout_pdf import make_handout_program

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only: SQLite serialises all writes, so no race exists")
@pytest.mark.django_db(transaction=True)
def test_two_issues_of_the_same_program_at_once_make_one_version(clinic, patient, clinician, colleague):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    start = threading.Barrier(2)
    results, errors = [], []

    def issue(user):
        try:
            start.wait(timeout=10)
            results.append(
                handout_issue(program=Program.objects.get(pk=program.pk), user=user, revision=program.revision)
            )
        except Exception as exc:  # any failure is what the test reports
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(user,)) for user in (clinician, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [r.version for r in results] == [1, 1]  # the second: the stored version, or its claim
    assert sorted(r.created for r in results) == [False, True]
    assert list(Handout.objects.filter(program=program).values_list("version", flat=True)) == [1]
    assert AuditEntry.objects.filter(action=ProgramAction.HANDOUT_ISSUED).count() == 1
    assert not HandoutClaim.objects.exists()


def test_a_second_click_on_issue_returns_the_same_version(clinic, patient, clinician, clinician_client):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    url = reverse("prescriptions:handout-issue", args=[program.pk])
    first = clinician_client.post(url, {"revision": program.revision, "confirm": "yes"}, **HTMX)
    second = clinician_client.post(url, {"revision": program.revision, "confirm": "yes"}, **HTMX)
    assert first.status_code == second.status_code == 200
    assert "Version 1 issued" in first.content.decode()
    assert "Version 1 is already current" in second.content.decode()
    assert Handout.objects.filter(program=program).count() == 1
    assert program.share_links.count() == 1, "a second printed link was made"


def test_reissue_is_explicit_and_a_double_click_on_it_makes_one_version(clinic, patient, clinician, clinician_client):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    handout_issue(program=program, user=clinician)
    url = reverse("prescriptions:handout-issue", args=[program.pk])
    data = {"revision": program.revision, "confirm": "yes", "reissue_of": 1}
    assert "Version 2 issued" in clinician_client.post(url, data, **HTMX).content.decode()
    assert "Version 2 is already current" in clinician_client.post(url, data, **HTMX).content.decode()
    assert sorted(program.handouts.values_list("version", flat=True)) == [1, 2]


def test_a_changed_program_issues_its_next_version(clinic, patient, clinician):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    assert handout_issue(program=program, user=clinician).created
    item = program.items.first()
    item_update(item=item, user=clinician, revision=item.revision, data={"sets": 4})
    result = handout_issue(program=program, user=clinician)
    assert (result.created, result.handout.version) == (True, 2)


@pytest.mark.django_db(transaction=True)
def test_a_save_during_a_slow_render_completes_before_the_render(clinic, patient, clinician, colleague, monkeypatch):
    """The PDF renders with no transaction or lock held: a colleague's save does not wait for it."""
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    item = program.items.first()
    rendering, release = threading.Event(), threading.Event()
    order, errors = [], []
    real_render = issue_module.render_handout_pdf

    def slow_render(*args, **kwargs):
        rendering.set()
        assert release.wait(timeout=30), "the concurrent save never finished"
        return real_render(*args, **kwargs)

    monkeypatch.setattr(issue_module, "render_handout_pdf", slow_render)

    def issue():
        try:
            handout_issue(program=Program.objects.get(pk=program.pk), user=clinician)
            order.append("issue")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=issue)
    thread.start()
    assert rendering.wait(timeout=30)
    try:
        item_update(item=item, user=colleague, revision=item.revision, data={"reps": 14})
        order.append("save")
    finally:
        release.set()
        thread.join(timeout=60)
    assert errors == []
    assert order == ["save", "issue"]


def test_a_failed_render_leaves_no_version_no_claim_and_no_file(clinic, patient, clinician, monkeypatch):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    storage = Handout._meta.get_field("pdf").storage
    before = set(storage.listdir("handouts")[1]) if storage.exists("handouts") else set()

    def broken_render(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(issue_module, "render_handout_pdf", broken_render)
    with pytest.raises(issue_module.RenderFailed):
        handout_issue(program=program, user=clinician)
    assert not Handout.objects.exists() and not HandoutClaim.objects.exists()
    after = set(storage.listdir("handouts")[1]) if storage.exists("handouts") else set()
    assert after == before


def test_a_full_storage_gives_503_and_leaves_no_file_and_no_row(
    clinic, patient, clinician, clinician_client, monkeypatch
):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    storage = storages["private"]
    real_save = type(storage)._save
    written = []

    def full_disk(self, name, content):
        real_save(self, name, content)  # the bytes land, then the disk is full
        written.append(name)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(storage), "_save", full_disk)
    response = clinician_client.post(
        reverse("prescriptions:handout-issue", args=[program.pk]),
        {"revision": program.revision, "confirm": "yes"},
        **HTMX,
    )
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "could not be stored" in response.content.decode()
    assert written and not any(storage.exists(name) for name in written)
    assert not Handout.objects.exists() and not HandoutClaim.objects.exists()
