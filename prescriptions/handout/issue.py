"""How a program becomes its next numbered version — exactly once, with no lock held while rendering.

``handout_issue`` works in three steps (DESIGN.md: claim, work, store):

1. **Claim**, one short transaction with the program row locked: check the revision and that
   the program can be issued, take the snapshot, and either return the newest version (when
   its content is the same: a double click, a retried request) or record a ``HandoutClaim``
   for the next version number.
2. **Render** the PDF with no transaction and no lock held, at a lower CPU priority, so other
   clinicians' saves go on undelayed.
3. **Store**: write the PDF to the private storage (a failure leaves no file), then in a
   second short transaction create the ``Handout`` with its printed link and audit entry and
   drop the claim. A render or storage failure drops the claim and leaves no version.

A request that finds another request's claim waits for it (polling, holding nothing) and then
answers with the version that request stored. Re-issuing unchanged content, to print a fresh
link, is the separate ``reissue_of`` call.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.priority import run_at_low_priority
from core.storage import save_or_clean_up
from core.tokens import new_token
from prescriptions.audit_actions import ProgramAction
from prescriptions.handout.links import create_link, public_link_url
from prescriptions.handout.pdf import RenderedPdf, render_handout_pdf
from prescriptions.handout.snapshot import Snapshot, build_snapshot, content_digest
from prescriptions.models import Handout, HandoutClaim, Program, ShareLinkChannel, handout_path
from prescriptions.safety import Conflict, expired_notice
from prescriptions.services import check_revision, program_conflicts

# A claim older than this was left by a process that died mid-render; it is taken over.
CLAIM_TIMEOUT = timedelta(minutes=5)
# A request that finds the program being issued waits this long for that issue to finish.
WAIT_FOR_CLAIM_SECONDS = 60.0
WAIT_STEP_SECONDS = 0.1


@dataclass(frozen=True)
class IssueResult:
    handout: Handout
    created: bool  # False: the program's content was already the newest version's


class IssueInProgress(Exception):
    """Another request has been issuing this program for longer than we wait."""


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
    """Issue ``program``'s next version, or return the newest one when nothing changed.

    ``reissue_of=N`` issues a new version even though the content is unchanged (a fresh
    printed link), but only while N is still the newest version: a second click returns
    the version the first one made. Raises ``StaleProgramError``, ``ValidationError``,
    ``StorageUnavailable`` or ``IssueInProgress``.
    """
    deadline = time.monotonic() + WAIT_FOR_CLAIM_SECONDS
    while True:
        outcome = _claim(program=program, user=user, revision=revision, reissue_of=reissue_of)
        if outcome is not None:
            break
        if time.monotonic() > deadline:
            raise IssueInProgress
        time.sleep(WAIT_STEP_SECONDS)  # another request is rendering this program; hold nothing meanwhile
    if isinstance(outcome, IssueResult):
        return outcome
    claim, snapshot = outcome
    token = new_token()  # printed as the QR code, stored (hashed) with the version
    try:
        # Below other requests' priority: a colleague's save meanwhile is not slowed (core.priority).
        rendered = run_at_low_priority(render_handout_pdf, snapshot, link_url=public_link_url(token))
        handout = _store(claim=claim, snapshot=snapshot, rendered=rendered, token=token, user=user, request=request)
    except BaseException:
        HandoutClaim.objects.filter(pk=claim.pk).delete()
        raise
    return IssueResult(handout=handout, created=True)


def _claim(*, program, user, revision, reissue_of) -> IssueResult | tuple[HandoutClaim, Snapshot] | None:
    """Step 1. None when another request holds a live claim on the program."""
    try:
        with transaction.atomic():
            locked = (
                Program.objects.select_for_update(of=("self",)).select_related("patient__clinic").get(pk=program.pk)
            )
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
            claim = HandoutClaim.objects.filter(program=locked).first()
            if claim is not None:
                if claim.claimed_at > timezone.now() - CLAIM_TIMEOUT:
                    return None
                claim.delete()
            newest = locked.handouts.defer("snapshot").newest()
            if reissue_of is not None and newest is not None and newest.version != reissue_of:
                return IssueResult(handout=newest, created=False)  # the first click already re-issued
            version = (newest.version if newest else 0) + 1
            snapshot = build_snapshot(locked, version=version, issued_by=user, issued_at=timezone.now())
            digest = content_digest(snapshot)
            if reissue_of is None and newest is not None and newest.content_sha256 == digest:
                return IssueResult(handout=newest, created=False)
            claim = HandoutClaim.objects.create(program=locked, version=version, content_sha256=digest, claimed_by=user)
            return claim, snapshot
    except IntegrityError:
        return None  # a claim created by a request that got there first (databases without row locks)


def _store(*, claim: HandoutClaim, snapshot: Snapshot, rendered: RenderedPdf, token: str, user, request) -> Handout:
    """Step 3. The file first (nothing left behind on failure), then the rows in one transaction."""
    handout = Handout(
        program_id=claim.program_id,
        version=claim.version,
        snapshot=snapshot,
        content_sha256=claim.content_sha256,
        pdf_sha256=hashlib.sha256(rendered.content).hexdigest(),
        page_count=rendered.page_count,
        issued_by=user,
        issued_at=datetime.fromisoformat(snapshot["issued_at"]),
    )
    storage = Handout._meta.get_field("pdf").storage
    handout.pdf.name = save_or_clean_up(
        storage, handout_path(handout, rendered.filename), ContentFile(rendered.content)
    )
    try:
        with transaction.atomic():
            if not HandoutClaim.objects.filter(pk=claim.pk).delete()[0]:
                raise IntegrityError("the claim was taken over")  # we were presumed dead; theirs wins
            handout.full_clean(validate_unique=False, validate_constraints=False)
            handout.save()
            program = Program.objects.select_related("patient__clinic").get(pk=claim.program_id)
            create_link(program=program, user=user, channel=ShareLinkChannel.PRINTED, handout=handout, token=token)
            audit_record(
                request=request,
                user=user,
                action=ProgramAction.HANDOUT_ISSUED,
                patient=program.patient,
                target=handout,
                detail={"version": handout.version},
            )
    except BaseException:
        storage.delete(handout.pdf.name)
        raise
    return handout
