"""Issuing claims and enqueues; the task worker renders and stores (issue 31).

These run the database task backend, as production does: the request leaves a claim and a
queued task, and the test plays the worker by running the queued tasks itself.
"""

from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import AuditEntry
from core.storage import StorageUnavailable
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout import issue as issue_module
from prescriptions.handout.issue import handout_issue, render_handout
from prescriptions.models import Handout, HandoutClaim
from prescriptions.services import item_update
from tests.prescriptions.test_handout_pdf import make_handout_program, pdf_text, stored_pdf

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def database_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def program(clinic, patient, clinician):
    return make_handout_program(clinic=clinic, patient=patient, user=clinician)


def run_queued_renders(*, now=None) -> list[str]:
    """What a worker does: run each queued render whose time has come, oldest first."""
    ready = DBTaskResult.objects.ready() if now is None else DBTaskResult.objects.filter(status="READY")
    outcomes = []
    for row in ready.order_by("enqueued_at"):
        if now is not None and row.run_after is not None and row.run_after > now:
            continue
        row.delete()
        outcomes.append(render_handout.call(**row.args_kwargs["kwargs"]))
    return outcomes


def test_issuing_answers_with_a_claim_and_a_queued_render_and_the_worker_stores_it(program, clinician):
    result = handout_issue(program=program, user=clinician)
    assert result.pending and result.created and result.version == 1
    assert not Handout.objects.exists()
    assert DBTaskResult.objects.filter(task_path__endswith="render_handout").count() == 1

    assert run_queued_renders() == ["stored"]
    handout = Handout.objects.get(program=program)
    assert handout.version == 1 and not HandoutClaim.objects.exists()
    assert "Bridge" in pdf_text(stored_pdf(handout))
    assert program.share_links.filter(handout=handout).count() == 1
    entry = AuditEntry.objects.get(action=ProgramAction.HANDOUT_ISSUED)
    assert entry.user == clinician and entry.detail == {"version": 1}


def test_a_second_click_while_rendering_gets_the_same_version_and_no_second_task(program, clinician, colleague):
    first = handout_issue(program=program, user=clinician)
    # A second tab, even one that loaded the program before an edit: the version on its way.
    second = handout_issue(program=program, user=colleague, revision=program.revision - 1)
    assert (second.pending, second.created, second.version) == (True, False, 1)
    assert second.claim.pk == first.claim.pk
    assert DBTaskResult.objects.count() == 1
    run_queued_renders()
    assert handout_issue(program=program, user=clinician).handout.version == 1


def test_the_patient_link_and_email_see_only_stored_versions(program, clinician):
    handout_issue(program=program, user=clinician)
    assert program.handouts.newest() is None and not program.share_links.exists()
    run_queued_renders()
    assert program.handouts.newest().version == 1


def test_a_failed_render_marks_the_claim_and_issuing_again_retries(program, clinician, monkeypatch):
    real_render = issue_module.render_handout_pdf
    monkeypatch.setattr(issue_module, "render_handout_pdf", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
    handout_issue(program=program, user=clinician)
    assert run_queued_renders() == ["failed"]
    claim = HandoutClaim.objects.get()
    assert claim.has_failed and claim.error == issue_module.RENDER_ERROR
    assert not Handout.objects.exists()

    monkeypatch.setattr(issue_module, "render_handout_pdf", real_render)
    retry = handout_issue(program=program, user=clinician)
    assert retry.pending and retry.version == 1 and retry.claim.pk != claim.pk
    assert run_queued_renders() == ["stored"]
    assert list(program.handouts.values_list("version", flat=True)) == [1]


def test_a_worker_that_dies_mid_render_is_taken_over_after_its_lease_and_one_version_is_stored(
    program, clinician, time_machine
):
    handout_issue(program=program, user=clinician)
    row = DBTaskResult.objects.get()
    row.delete()
    # The first worker takes the claim (and queues the check for its lease's end), then dies.
    taken = issue_module._take(row.args_kwargs["kwargs"]["claim_id"])
    assert taken.attempt == 1
    assert run_queued_renders() == []  # the check is not due yet

    time_machine.move_to(timezone.now() + issue_module.render_lease() + timedelta(seconds=2))
    assert run_queued_renders(now=timezone.now()) == ["stored"]
    assert list(program.handouts.values_list("version", flat=True)) == [1]
    # The dead worker, had it come back and finished, stores nothing: the claim is no longer its.
    with pytest.raises(issue_module._Superseded):
        issue_module._store(claim=taken, rendered=issue_module.render_handout_pdf(taken.snapshot), token="t" * 43)
    assert program.handouts.count() == 1


def test_a_run_while_another_owns_the_claim_does_nothing(program, clinician):
    handout_issue(program=program, user=clinician)
    row = DBTaskResult.objects.get()
    row.delete()
    claim_id = row.args_kwargs["kwargs"]["claim_id"]
    issue_module._take(claim_id)
    assert render_handout.call(claim_id=claim_id) == "busy"
    assert not Handout.objects.exists()


def test_an_unreachable_storage_refuses_the_issue_and_leaves_no_row(program, clinician, monkeypatch):
    storage = storages["private"]

    def down(name):
        raise ConnectionError("Could not connect to the endpoint URL")

    monkeypatch.setattr(storage, "exists", down)
    with pytest.raises(StorageUnavailable):
        handout_issue(program=program, user=clinician)
    assert not HandoutClaim.objects.exists() and not DBTaskResult.objects.exists() and not Handout.objects.exists()
    monkeypatch.undo()
    assert handout_issue(program=program, user=clinician).pending
    assert run_queued_renders() == ["stored"]


def test_an_edit_while_rendering_waits_for_the_next_issue(program, clinician):
    handout_issue(program=program, user=clinician)
    item = program.items.first()
    item_update(item=item, user=clinician, revision=item.revision, data={"sets": 4})
    assert handout_issue(program=program, user=clinician).version == 1  # still preparing 1
    run_queued_renders()
    program.refresh_from_db()
    result = handout_issue(program=program, user=clinician)
    assert (result.pending, result.version) == (True, 2)
