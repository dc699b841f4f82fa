"""Issuing freezes a program; clinicians download, print and preview it; every step is audited."""

import hashlib
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEntry
from patients.audit_actions import PatientAction
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout.delivery import delivery_request
from prescriptions.handout.issue import RenderFailed, handout_issue
from prescriptions.handout.links import create_link, public_link_url
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Handout, HandoutClaim, ShareLink
from tests.factories import ClearanceNoteFactory
from tests.prescriptions.test_handout_pdf import issue, make_handout_program, pdf_text, stored_pdf

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def program(clinic, patient, clinician):
    return make_handout_program(clinic=clinic, patient=patient, user=clinician)


def issue_url(program):
    return reverse("prescriptions:handout-issue", args=[program.pk])


def test_issued_pdf_and_patient_page_stay_the_same_after_edits_until_reissue(program, clinician, client):
    handout = issue(program, clinician)
    original = stored_pdf(handout)
    assert hashlib.sha256(original).hexdigest() == handout.pdf_sha256
    _link, token = create_link(program=program, user=clinician, channel="copied")
    page_before = client.get(reverse("public:handout", args=[token])).content.decode()

    item = program.items.select_related("exercise").first()
    item.exercise.name = "Renamed in the catalogue"
    item.exercise.save()
    item.exercise.steps.update(text="A rewritten step")
    item.sets, item.reps = 5, 20
    item.save()

    handout.refresh_from_db()
    assert stored_pdf(handout) == original
    page_after = client.get(reverse("public:handout", args=[token])).content.decode()
    assert "Renamed in the catalogue" not in page_after and "5 sets of 20" not in page_after
    assert page_after.count("Bridge") == page_before.count("Bridge") > 0

    second = issue(program, clinician)
    assert second.version == 2
    assert "Renamed in the catalogue" in pdf_text(stored_pdf(second))
    assert "Renamed in the catalogue" in client.get(reverse("public:handout", args=[token])).content.decode()
    assert stored_pdf(Handout.objects.get(pk=handout.pk)) == original


def test_issue_records_version_snapshot_pdf_link_and_one_audit_entry(program, clinician, clinician_client):
    response = clinician_client.post(issue_url(program), {"revision": program.revision, "confirm": "yes"})

    handout = Handout.objects.get(program=program)
    assert response.status_code == 302
    assert (handout.version, handout.issued_by) == (1, clinician)
    assert handout.page_count == len(PdfReader(io.BytesIO(stored_pdf(handout))).pages)
    assert [item["name"] for item in handout.snapshot["items"]] == ["Bridge", "Clamshell", "Sit to stand"]
    assert handout.snapshot["clearance_notes"][0]["cleared_by_name"] == "Dr A. Smith"
    printed = ShareLink.objects.get(program=program)
    assert (printed.channel, printed.handout) == ("printed", handout)
    assert AuditEntry.objects.exclude(action=PatientAction.SIGNIN_SUCCEEDED).count() == 1
    assert AuditEntry.objects.get(action=ProgramAction.HANDOUT_ISSUED).object_id == str(handout.pk)


def test_missing_clearance_asks_to_confirm_before_issuing(program, clinician_client):
    program.clearance_notes.all().delete()

    response = clinician_client.post(issue_url(program), {"revision": program.revision}, **HTMX)
    assert response.status_code == 200
    assert "This program has no clearance note." in response.content.decode()
    assert "Issue anyway" in response.content.decode()
    assert not Handout.objects.exists()

    response = clinician_client.post(issue_url(program), {"revision": program.revision, "confirm": "yes"}, **HTMX)
    assert "Version 1 issued" in response.content.decode()
    assert Handout.objects.filter(program=program).count() == 1


def test_expired_clearance_is_named_in_the_warning(program, clinician_client):
    ClearanceNoteFactory(program=program, cleared_by_name="Dr Old", valid_until="2020-01-31")

    response = clinician_client.get(issue_url(program))
    assert "The clearance by Dr Old, Orthopaedic surgeon expired on 31 Jan 2020." in response.content.decode()
    assert not Handout.objects.exists()


def test_valid_clearance_issues_in_one_click(program, clinician_client):
    response = clinician_client.post(issue_url(program), {"revision": program.revision}, **HTMX)
    assert "Version 1 issued" in response.content.decode()
    assert list(Handout.objects.filter(program=program).values_list("version", flat=True)) == [1]


def test_issuing_from_a_stale_page_is_refused(program, clinician_client):
    program.bump_revision()
    response = clinician_client.post(issue_url(program), {"revision": program.revision - 1, "confirm": "yes"}, **HTMX)
    assert response.status_code == 409
    assert not Handout.objects.exists()


def test_templates_and_empty_programs_cannot_be_issued(program, clinician, clinician_client):
    program.items.all().delete()
    response = clinician_client.post(issue_url(program), {"confirm": "yes"}, **HTMX)
    assert response.status_code == 400
    assert "Add at least one exercise" in response.content.decode()
    assert not Handout.objects.exists()


def test_a_failed_save_of_the_version_leaves_no_orphan_pdf_and_no_claim(program, clinician, monkeypatch):
    """The PDF is stored before the version's row: if the row cannot be saved, the file goes too."""

    def refuse(self, *args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: handout_unique_version")

    storage = Handout._meta.get_field("pdf").storage
    before = set(storage.listdir("handouts")[1]) if storage.exists("handouts") else set()
    monkeypatch.setattr(Handout, "save", refuse)
    with pytest.raises(RenderFailed):
        handout_issue(program=program, user=clinician)

    after = set(storage.listdir("handouts")[1]) if storage.exists("handouts") else set()
    assert after == before
    assert not HandoutClaim.objects.exists()


def test_download_any_version_with_a_file_name_and_private_caching(program, clinician, clinician_client):
    first = issue(program, clinician)
    issue(program, clinician)

    response = clinician_client.get(reverse("prescriptions:handout-download", args=[program.pk, first.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_pdf(first)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{first.filename}"'
    assert "Maria" not in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action=ProgramAction.HANDOUT_DOWNLOADED, object_id=str(first.pk)).count() == 1


def test_print_opens_the_current_version_inline(program, clinician, clinician_client):
    issue(program, clinician)
    current = issue(program, clinician)

    response = clinician_client.get(reverse("prescriptions:handout-print", args=[program.pk]))
    assert b"".join(response.streaming_content) == stored_pdf(current)
    assert response["Content-Disposition"].startswith("inline;")
    assert AuditEntry.objects.filter(action=ProgramAction.HANDOUT_VIEWED, object_id=str(current.pk)).count() == 1


def test_preview_is_a_draft_pdf_and_stores_nothing(program, clinician_client):
    response = clinician_client.get(reverse("prescriptions:handout-preview", args=[program.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "DRAFT" in pdf_text(response.content)
    assert not Handout.objects.exists()
    assert AuditEntry.objects.filter(action=ProgramAction.HANDOUT_VIEWED).count() == 1


def test_colleague_sees_the_panel_and_outsider_gets_404(program, clinician, colleague, client, outsider):
    handout = issue(program, clinician)
    client.force_login(colleague)
    assert client.get(reverse("prescriptions:handout-panel", args=[program.pk])).status_code == 200
    client.force_login(outsider)
    for url in (
        reverse("prescriptions:handout-panel", args=[program.pk]),
        reverse("prescriptions:handout-download", args=[program.pk, handout.pk]),
        reverse("prescriptions:handout-print", args=[program.pk]),
    ):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("versions", [1, 3])
def test_panel_query_count_does_not_grow_with_history(program, clinician, clinician_client, versions):
    for _ in range(versions):
        handout = issue(program, clinician)
        delivery_request(handout=handout, to_email=f"v{handout.version}@example.org", user=clinician)
    url = reverse("prescriptions:handout-panel", args=[program.pk])
    clinician_client.get(url)  # Warm the session.
    with CaptureQueriesContext(connection) as queries:
        response = clinician_client.get(url, **HTMX)
    assert response.status_code == 200
    # 1 session, 2 user, 3 program (scoped to the user's clinics), 4 handouts (with issuer),
    # 5 clearance notes, 6 links (with handout and delivery), 7 the links' views (from the audit
    # log), 8 the version being prepared (a claim), 9 deliveries (with handout), the draft's
    # snapshot for its page count (the count itself is cached by content): 10 program (with
    # clinic, patient, creator), 11 clearance notes, 12 items, 13 exercises, 14 steps,
    # 15 pictures, 16 the conflict acknowledgements.
    assert len(queries) == 16, "\n".join(q["sql"][:150] for q in queries)
    assert response.content.decode().count("Download version") == versions


def test_panel_shows_issue_button_versions_links_and_deliveries(program, clinician, clinician_client):
    handout = issue(program, clinician)
    html = clinician_client.get(reverse("prescriptions:handout-panel", args=[program.pk])).content.decode()
    assert "Issue version 2" in html
    assert "Download version 1" in html
    assert "Print version 1" in html
    assert "Printed on version 1" in html
    # The email form is filled in with the patient's own address.
    assert re.search(r'<input[^>]*\bname="to_email"[^>]*\bvalue="maria@example\.org"', html)
    assert reverse("prescriptions:handout-download", args=[program.pk, handout.pk]) in html


def test_render_handout_command_writes_the_stored_pdf_or_a_draft(program, clinician, tmp_path):
    handout = issue(program, clinician)
    target = tmp_path / "out.pdf"
    call_command("render_handout", str(program.pk), "-o", str(target))
    assert target.read_bytes() == stored_pdf(handout)

    call_command("render_handout", str(program.pk), "-o", str(target), "--draft")
    assert "DRAFT" in pdf_text(target.read_bytes())


def test_panel_says_how_many_pages_the_draft_prints_and_counts_once_per_content(program, clinician_client, monkeypatch):
    from prescriptions.handout import pdf

    cache.clear()  # a count left by another test (program ids repeat) would hide the render
    renders = []
    real = pdf.render_handout_pdf

    def counting(*args, **kwargs):
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_handout_pdf", counting)
    panel = reverse("prescriptions:handout-panel", args=[program.pk])
    pages = reverse("prescriptions:handout-pages", args=[program.pk])
    expected = real(build_snapshot(program), draft=True, link_url=public_link_url("x" * 43)).page_count
    sentence = f"As it stands, the handout prints on {expected} pages."

    # Not counted yet: the panel does not wait for a render, it asks for the count after itself.
    html = clinician_client.get(panel, **HTMX).content.decode()
    assert not renders and sentence not in html
    assert f'hx-get="{pages}"' in html
    assert sentence in clinician_client.get(pages, **HTMX).content.decode()
    assert len(renders) == 1
    # Counted: the panel shows it at once, and nothing is rendered again.
    assert sentence in clinician_client.get(panel, **HTMX).content.decode()
    assert clinician_client.get(pages).url == panel  # without JavaScript: back to the panel
    assert len(renders) == 1, "an unchanged draft was rendered again"

    program.duration_weeks = 20  # more tracker pages
    program.save()
    html = clinician_client.get(pages, **HTMX).content.decode()
    assert len(renders) == 2
    counted = re.search(r"prints on (\d+) pages", html)
    assert counted and int(counted[1]) > expected


def test_outsider_cannot_count_the_pages_of_a_program(program, client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("prescriptions:handout-pages", args=[program.pk]), **HTMX).status_code == 404
