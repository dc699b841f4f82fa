"""The builder follows an issue whose PDF the task worker makes (issue 31): "Preparing version
N…", updated in place when the PDF is stored, or the failure with a retry."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prescriptions.handout import issue as issue_module
from prescriptions.models import Handout
from tests.prescriptions.test_handout_pdf import make_handout_program
from tests.prescriptions.test_handout_render_task import DATABASE_TASKS, run_queued_renders

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def database_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def program(clinic, patient, clinician):
    return make_handout_program(clinic=clinic, patient=patient, user=clinician)


def issue(client, program, **extra):
    return client.post(
        reverse("prescriptions:handout-issue", args=[program.pk]),
        {"revision": program.revision, "confirm": "yes", **extra},
        **HTMX,
    )


def status(client, program, version=1, **headers):
    url = reverse("prescriptions:handout-issue-status", args=[program.pk])
    return client.get(url, {"version": version}, **headers)


def test_issuing_answers_at_once_with_preparing_and_a_second_click_gets_the_same_version(program, clinician_client):
    first = issue(clinician_client, program)
    assert first.status_code == 200
    body = first.content.decode()
    assert "Preparing version 1…" in body and 'hx-trigger="every 2s"' in body
    second = issue(clinician_client, program)
    assert second.status_code == 200 and "Preparing version 1…" in second.content.decode()
    assert not Handout.objects.exists()


def test_the_status_stays_while_rendering_then_swaps_in_the_panel_with_the_stored_version(program, clinician_client):
    issue(clinician_client, program)
    with CaptureQueriesContext(connection) as queries:
        waiting = status(clinician_client, program, **HTMX)
    assert waiting.status_code == 200
    assert "Preparing version 1…" in waiting.content.decode() and "HX-Retarget" not in waiting
    # The session and its user, the program, the claim: a poll every 2 s stays cheap.
    assert len(queries) <= 5, [q["sql"] for q in queries]

    run_queued_renders()
    done = status(clinician_client, program, **HTMX)
    assert done["HX-Retarget"] == "#handout-panel"
    body = done.content.decode()
    assert "Version 1 issued" in body and "Download version 1" in body and "Preparing" not in body


def test_a_failed_render_shows_the_failure_and_the_retry_issues_it(program, clinician_client, monkeypatch):
    real_render = issue_module.render_handout_pdf
    monkeypatch.setattr(issue_module, "render_handout_pdf", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
    issue(clinician_client, program)
    run_queued_renders()
    body = status(clinician_client, program, **HTMX).content.decode()
    assert "The PDF of version 1 could not be made. Nothing was issued." in body
    assert "Try issuing version 1 again" in body
    # The panel itself, loaded later, says it too.
    panel = clinician_client.get(reverse("prescriptions:handout-panel", args=[program.pk]), **HTMX).content.decode()
    assert "could not be made" in panel

    monkeypatch.setattr(issue_module, "render_handout_pdf", real_render)
    assert "Preparing version 1…" in issue(clinician_client, program).content.decode()
    run_queued_renders()
    assert list(program.handouts.values_list("version", flat=True)) == [1]


def test_without_htmx_the_status_is_the_handout_page(program, clinician_client):
    issue(clinician_client, program)
    response = status(clinician_client, program)
    assert response.status_code == 302
    assert response["Location"] == reverse("prescriptions:handout-panel", args=[program.pk])
