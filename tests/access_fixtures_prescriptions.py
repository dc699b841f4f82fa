"""Prescriptions objects for the URL walker (tests/access_fixtures.py) and handout tests.

Every kind gets the primary keys the walker fills into ``<int:...>``: a patient program
(``pks[0]``) and a clinic template (``pks[1]``), their items and clearance notes, two
issued handouts with a small stored PDF, two patient links, two email deliveries, a logged day,
and two of the clinic's own exercises with an uploaded photo each.
"""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from core.tokens import hash_token, new_token
from exercises.models import ExercisePicture
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import ClinicExercise, Delivery, DeliveryStatus, Handout, ShareLink, ShareLinkChannel
from progress.models import DayLog, Difficulty, ExerciseLog, LogSource
from tests.factories import ClearanceNoteFactory, ExerciseFactory, ProgramFactory, ProgramItemFactory

# The smallest file a PDF reader accepts; the walker only needs something to stream.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_prescription_objects(*, clinic, patient, owner, pks) -> list[str]:
    """One object of every kind per primary key in ``pks`` (a template too when there are two)."""
    program = ProgramFactory(pk=pks[0], clinic=clinic, patient=patient, created_by=owner)
    exercise = ExerciseFactory(slug="access-walker-bridge", name="Bridge")
    ProgramItemFactory(pk=pks[0], program=program, exercise=exercise)
    note = ClearanceNoteFactory(pk=pks[0], program=program)
    note.letter.save("letter.pdf", ContentFile(TINY_PDF))
    if len(pks) > 1:
        template = ProgramFactory(pk=pks[1], clinic=clinic, patient=None, title="Knee template", created_by=owner)
        ProgramItemFactory(pk=pks[1], program=template, exercise=exercise)
        expired = timezone.localdate() - datetime.timedelta(days=400)
        ClearanceNoteFactory(pk=pks[1], program=template, valid_until=expired)
    handouts = []
    for version, pk in enumerate(pks, start=1):
        handout = Handout(
            pk=pk,
            program=program,
            version=version,
            snapshot=build_snapshot(program, version=version, issued_by=owner),
            pdf_sha256="0" * 64,
            page_count=1,
            issued_by=owner,
        )
        handout.pdf.save(f"v{version}.pdf", ContentFile(TINY_PDF), save=False)
        handout.save()
        handouts.append(handout)
    tokens = []
    expires = timezone.now() + datetime.timedelta(days=30)
    channels = [ShareLinkChannel.PRINTED, ShareLinkChannel.COPIED]
    for index, pk in enumerate(pks):
        token = new_token()
        ShareLink.objects.create(
            pk=pk,
            program=program,
            token_hash=hash_token(token),
            channel=channels[index % 2],
            handout=handouts[0] if index == 0 else None,
            created_by=owner,
            expires_at=expires,
        )
        tokens.append(token)
    statuses = [DeliveryStatus.FAILED, DeliveryStatus.SENT]
    for index, pk in enumerate(pks):
        Delivery.objects.create(
            pk=pk,
            handout=handouts[0],
            to_email=f"patient{pk}@example.org",
            status=statuses[index % 2],
            error="SMTPRecipientsRefused" if index % 2 == 0 else "",
            attempts=1,
            requested_by=owner,
        )
    # A logged day (with its exercise entry), so the adherence pages and the paper tracker
    # have the patient's logs to show or hide.
    day_log = DayLog.objects.create(
        program=program, day=program.start_date, pain=7, note="Walker note", source=LogSource.LINK
    )
    ExerciseLog.objects.create(
        day_log=day_log, item_id=pks[0], exercise=exercise, sessions_done=1, difficulty=Difficulty.TOO_HARD
    )
    make_clinic_exercises(clinic=clinic, owner=owner, pks=pks)
    return tokens


def png_bytes(size=(30, 20), colour=(200, 120, 40)) -> bytes:
    """A small real PNG: uploads are decoded, so a fake one would be refused."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_clinic_exercises(*, clinic, owner, pks) -> None:
    """The clinic's own exercises, each with an uploaded photo of the same primary key."""
    for pk in pks:
        exercise = ExerciseFactory(pk=pk, slug=f"clinic-walker-{pk}", name=f"Clinic bridge {pk}", in_catalogue=False)
        ClinicExercise.objects.create(exercise=exercise, clinic=clinic, created_by=owner)
        picture = ExercisePicture(pk=pk, exercise=exercise, alt_text="A clinic photo", pose=None)
        picture.image.save("photo.png", ContentFile(png_bytes()), save=False)
        picture.save()
