"""How a program becomes its next numbered version — exactly once, rendered by a task worker.

Issuing works in three steps (DESIGN.md: claim, work, store), the last two in the task worker:

1. **Claim** (``handout_issue``, in the request): one short transaction with the program row
   locked checks the revision and that the program can be issued, takes the snapshot, and
   either answers with the newest version (its content is the same: a double click, a retried
   request), with the claim already there (a second tab while the first click renders), or
   records a ``HandoutClaim`` holding the snapshot. The ``render_handout`` task is enqueued
   once that transaction commits, and the request answers at once: the builder shows
   "Preparing version N…" and follows the claim.
2. **Render** (``render_handout``, in ``manage.py db_worker``; in the request with the
   immediate backend of development and tests): the run takes the claim under a new attempt
   number, then renders with no transaction or lock held, in a process of its own, so a
   colleague's save meanwhile shares no worker with it.
3. **Store**: the PDF goes to the private storage (a failed write leaves no file), then one
   short transaction creates the ``Handout`` with its printed link and audit entry and deletes
   the claim, only if the claim is still this run's: a run presumed dead and taken over stores
   nothing. A failed render or write marks the claim failed (the builder offers a retry).

A worker that dies mid-render leaves its claim: each run also enqueues a check for when its
lease (``render_lease``) ends, which the next worker runs and which takes the claim over.
The patient's link and email read only stored versions, so they wait for the PDF by themselves.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from core.audit import audit_record
from core.storage import StorageUnavailable, check_storage, save_or_clean_up
from core.tokens import new_token
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout.links import create_link, public_link_url
from prescriptions.handout.pdf import RenderedPdf, render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot, content_digest
from prescriptions.models import Handout, HandoutClaim, Program, ShareLinkChannel, handout_path
from prescriptions.safety import Conflict, expired_notice
from prescriptions.services import check_revision, program_conflicts

logger = logging.getLogger(__name__)

# What a failed claim's ``error`` says, for the builder's message.
STORAGE_ERROR, RENDER_ERROR = "storage", "render"


def render_lease() -> timedelta:
    """How long one render run owns its claim; after that the claim is presumed abandoned."""
    return timedelta(seconds=settings.HANDOUT_RENDER_LEASE_SECONDS)


@dataclass(frozen=True)
class IssueResult:
    """What an issue request answers: the stored version, or the claim whose PDF is on its way."""

    handout: Handout | None
    created: bool  # False: the program's content was already the newest version's
    claim: HandoutClaim | None = None

    @property
    def pending(self) -> bool:
        return self.handout is None

    @property
    def version(self) -> int:
        return self.handout.version if self.handout is not None else self.claim.version


class RenderFailed(Exception):
    """The render of a claimed version failed; nothing was stored."""


class ConflictsNeedDecision(ValidationError):
    """Items conflict with the clearance (or it expired) and nobody decided about them yet.

    A ``ValidationError``, so a caller that knows nothing of conflicts still refuses with a message.
    """

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(
            _(
                "Decide about each conflict with the clearance before issuing: "
                "remove the exercise or keep it with a reason."
            )
        )


def unresolved_conflicts(program: Program) -> list[Conflict]:
    return [conflict for conflict in program_conflicts(program) if not conflict.is_resolved]


def issue_warnings(program: Program, clearance_notes=None) -> list[str]:
    """What a clinician should confirm before issuing: missing or expired clearance."""
    notes = list(program.clearance_notes.all()) if clearance_notes is None else list(clearance_notes)
    if not notes:
        return [_("This program has no clearance note.")]
    return [expired_notice(note) for note in notes if note.is_expired]


def handout_issue(*, program: Program, user, revision=None, reissue_of: int | None = None, request=None) -> IssueResult:
    """Claim ``program``'s next version and enqueue its render, or answer with what exists.

    ``reissue_of=N`` issues a new version even though the content is unchanged (a fresh
    printed link), but only while N is still the newest version: a second click returns
    the version the first one made. A failed claim (its render failed) is replaced: issuing
    again is the retry. Raises ``StaleProgramError``, ``ValidationError`` or
    ``StorageUnavailable`` (the storage does not answer: nothing is claimed); with a backend
    that runs the task at once, also ``StorageUnavailable`` or ``RenderFailed`` from the render.
    """
    # Before any row: a storage that is down now would only fail the render later.
    check_storage(Handout._meta.get_field("pdf").storage)
    outcome = _claim(program=program, user=user, revision=revision, reissue_of=reissue_of)
    if isinstance(outcome, IssueResult):
        return outcome
    if _runs_at_once():
        render_handout.enqueue(claim_id=outcome.pk)  # after the claim's transaction: no render inside it
    return _outcome_of(outcome)


def _runs_at_once() -> bool:
    """The immediate backend (development, tests) runs a task inside ``enqueue``."""
    return isinstance(render_handout.get_backend(), ImmediateBackend)


def _claim(*, program, user, revision, reissue_of) -> IssueResult | HandoutClaim:
    """Step 1: the answer, or the new claim (its render is enqueued when the transaction commits)."""
    try:
        with transaction.atomic():
            locked = (
                Program.objects.select_for_update(of=("self",)).select_related("patient__clinic").get(pk=program.pk)
            )
            claim = HandoutClaim.objects.filter(program=locked).first()
            if claim is not None and not claim.has_failed and not _abandoned(claim):
                # A second click or tab while the first one's PDF is made: the same version.
                return IssueResult(handout=None, created=False, claim=claim)
            check_revision(locked, None if revision == "" else revision)
            if locked.patient_id is None:
                raise ValidationError(_("A template has no patient: start a program from it to issue a handout."))
            if locked.archived_at is not None:
                raise ValidationError(_("This program is archived. Restore it or copy it to issue a handout."))
            if not locked.items.exists():
                raise ValidationError(_("Add at least one exercise before issuing the handout."))
            # Checked here, under the lock: no version is ever issued with an undecided conflict.
            unresolved = unresolved_conflicts(locked)
            if unresolved:
                raise ConflictsNeedDecision(unresolved)
            if claim is not None:
                claim.delete()  # failed (this is the retry) or abandoned before any run took it
            newest = locked.handouts.defer("snapshot").newest()
            if reissue_of is not None and newest is not None and newest.version != reissue_of:
                return IssueResult(handout=newest, created=False)  # the first click already re-issued
            version = (newest.version if newest else 0) + 1
            snapshot = build_snapshot(locked, version=version, issued_by=user, issued_at=timezone.now())
            digest = content_digest(snapshot)
            if reissue_of is None and newest is not None and newest.content_sha256 == digest:
                return IssueResult(handout=newest, created=False)
            claim = HandoutClaim.objects.create(
                program=locked, version=version, content_sha256=digest, snapshot=snapshot, claimed_by=user
            )
            if not _runs_at_once():
                # The database backend's task row commits (or rolls back) with the claim.
                render_handout.enqueue(claim_id=claim.pk)
            return claim
    except IntegrityError:
        # A claim created by a request that got there first (databases without row locks).
        claim = HandoutClaim.objects.filter(program_id=program.pk).first()
        if claim is None:
            raise
        return IssueResult(handout=None, created=False, claim=claim)


def _abandoned(claim: HandoutClaim) -> bool:
    """No run has owned the claim for a whole lease: its task was lost (or its worker died)."""
    return (claim.render_started_at or claim.claimed_at) <= timezone.now() - render_lease()


def _outcome_of(claim: HandoutClaim) -> IssueResult:
    """After the enqueue: the stored version when the task already ran (the immediate backend),
    else the claim, pending. A render that failed right here is this request's error to report:
    its claim is removed rather than left for the builder."""
    handout = Handout.objects.filter(program_id=claim.program_id, version=claim.version).first()
    if handout is not None:
        return IssueResult(handout=handout, created=True)
    current = HandoutClaim.objects.filter(pk=claim.pk).first()
    if current is not None and current.has_failed:
        current.delete()
        if current.error == STORAGE_ERROR:
            raise StorageUnavailable("the handout's PDF could not be stored")
        raise RenderFailed(current.error)
    return IssueResult(handout=None, created=True, claim=current or claim)


def pending_claim(program: Program) -> HandoutClaim | None:
    """The version being prepared, or whose render failed, for the builder to show."""
    return HandoutClaim.objects.filter(program=program).defer("snapshot").first()


# ----------------------------------------------------------------------------- the task


@task()
def render_handout(claim_id: int) -> str:
    """Render and store the claimed version (steps 2 and 3). Returns what happened, for the log.

    Safe to run twice: a run that finds the claim gone, failed or owned by a live run does
    nothing (a live run is checked again when its lease ends).
    """
    claim = _take(claim_id)
    if isinstance(claim, str):
        return claim
    _pause_if_asked()
    token = new_token()  # printed as the QR code, stored (hashed) with the version
    try:
        # In the worker only: a web process (the immediate backend) keeps its collector on.
        with _gc_paused() if not _runs_at_once() else nullcontext():
            rendered = render_handout_pdf(claim.snapshot, link_url=public_link_url(token))
        _store(claim=claim, rendered=rendered, token=token)
    except _Superseded:
        return "superseded"
    except Exception as exc:  # recorded on the claim for the builder; the clinician retries
        # Ids and the kind only: the message may carry patient data.
        logger.warning("Render of claim %s failed (%s)", claim.pk, type(exc).__name__)
        error = STORAGE_ERROR if isinstance(exc, StorageUnavailable) else RENDER_ERROR
        HandoutClaim.objects.filter(pk=claim.pk, attempt=claim.attempt).update(failed_at=timezone.now(), error=error)
        return "failed"
    return "stored"


class _Superseded(Exception):
    """This run's claim was taken over (or removed) while it rendered."""


def _take(claim_id: int) -> HandoutClaim | str:
    """Own the claim for one lease under a new attempt number; a string when there is nothing to do."""
    with transaction.atomic():
        claim = HandoutClaim.objects.select_for_update().filter(pk=claim_id).first()
        if claim is None:
            return "done"
        if claim.has_failed:
            return "failed"
        now = timezone.now()
        lease_ends = (claim.render_started_at or now) + render_lease()
        if claim.render_started_at is not None and lease_ends > now:
            _check_later(claim, at=lease_ends)  # another run renders it; look again when its lease ends
            return "busy"
        claim.attempt += 1
        claim.render_started_at = now
        claim.save(update_fields=["attempt", "render_started_at"])
        _check_later(claim, at=now + render_lease())
    return claim


def _check_later(claim: HandoutClaim, *, at: datetime) -> None:
    """A run of the task when the lease ends, which takes the claim over if this run died.

    Only a backend with a worker can defer (the database backend: the row commits with the
    claim's new attempt); the immediate backend runs the render to its end in the request.
    """
    if render_handout.get_backend().supports_defer:
        # A moment after the lease, so the check finds it over.
        render_handout.using(run_after=at + timedelta(seconds=1)).enqueue(claim_id=claim.pk)


def _store(*, claim: HandoutClaim, rendered: RenderedPdf, token: str) -> Handout:
    """Step 3. The file first (a failed write leaves none), then the rows in one transaction.

    The file is unreachable until the row that names it commits, so a reader never sees it half
    written; if the rows fail, or the claim is no longer this run's, the file is deleted.
    """
    handout = Handout(
        program_id=claim.program_id,
        version=claim.version,
        snapshot=claim.snapshot,
        content_sha256=claim.content_sha256,
        pdf_sha256=hashlib.sha256(rendered.content).hexdigest(),
        page_count=rendered.page_count,
        issued_by_id=claim.claimed_by_id,
        issued_at=datetime.fromisoformat(claim.snapshot["issued_at"]),
    )
    storage = Handout._meta.get_field("pdf").storage
    handout.pdf.name = save_or_clean_up(
        storage, handout_path(handout, rendered.filename), ContentFile(rendered.content)
    )
    try:
        with transaction.atomic():
            owned = HandoutClaim.objects.filter(pk=claim.pk, attempt=claim.attempt, failed_at__isnull=True)
            if not owned.select_for_update().exists():
                raise _Superseded
            owned.delete()
            handout.full_clean(validate_unique=False, validate_constraints=False)
            handout.save()
            program = Program.objects.select_related("patient__clinic").get(pk=claim.program_id)
            create_link(
                program=program, user=claim.claimed_by, channel=ShareLinkChannel.PRINTED, handout=handout, token=token
            )
            audit_record(
                user=claim.claimed_by,
                action=ProgramAction.HANDOUT_ISSUED,
                patient=program.patient,
                target=handout,
                detail={"version": handout.version},
            )
    except BaseException:
        storage.delete(handout.pdf.name)
        raise
    return handout


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while WeasyPrint works, in the worker only.

    A render allocates millions of short-lived objects; the collector ran dozens of times per
    render, scanning the whole heap, for ~25 % of the render time. The worker renders one
    handout at a time, so it pauses the collector for the render and collects once after it.
    Web processes (a draft preview) keep the collector on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _pause_if_asked() -> None:
    """A test hook of the whole-stack test (``tests/stack``): stop mid-render, deterministically.

    With ``HOMERX_RENDER_PAUSE_FILE`` set and that file present, the run writes
    ``<file>.rendering`` (it owns the claim now) and waits until the file is removed, so the
    test can stop this worker in the middle of a render. Unset in every real deployment.
    """
    path = settings.RENDER_PAUSE_FILE
    if not path or not Path(path).exists():
        return
    Path(f"{path}.rendering").write_text(str(os.getpid()))
    while Path(path).exists():
        time.sleep(0.05)
