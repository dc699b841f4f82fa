"""Demo programs for `manage.py seed_demo`: a clinic template and a realistic low-back program."""

import base64
import datetime
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from core.tokens import hash_token
from exercises.models import Exercise
from prescriptions.handout.issue import handout_issue
from prescriptions.handout.links import default_link_expiry, public_link_url
from prescriptions.models import ClearanceNote, Program, ProgramItem, ShareLink, ShareLinkChannel

DEMO_PROGRAM_TITLE = "Low back: early strengthening"
DEMO_TEMPLATE_TITLE = "Low back pain: first weeks"

# (slug, dose overrides, note to the patient)
DEMO_ITEMS = [
    ("pelvic-tilt", {"sets": 2, "reps": 10, "hold_seconds": 5}, "Keep breathing while you hold."),
    ("knee-to-chest", {}, ""),
    ("lower-trunk-rotation", {}, "Only go as far as is comfortable."),
    ("prone-hip-extension", {}, "Put a pillow under your hips if lying flat is uncomfortable."),
    ("bridge", {"sets": 2, "reps": 10, "hold_seconds": 5, "weekdays": "mon,wed,fri", "days_per_week": 3}, ""),
    ("bird-dog", {}, ""),
    ("hip-flexor-stretch", {}, ""),
]
GENERAL_INSTRUCTIONS = (
    "Warm up with a 5-minute walk first.\n"
    "Move slowly and breathe normally; never hold your breath.\n"
    "Mild stretching discomfort is fine. Stop and call the clinic if pain is sharp, spreads down a leg, "
    "or you feel tingling or numbness."
)


def _fill(program, items):
    exercises = {e.slug: e for e in Exercise.objects.published().filter(slug__in=[slug for slug, *_ in items])}
    for order, (slug, overrides, note) in enumerate(items):
        exercise = exercises.get(slug)
        if exercise is None:
            continue
        item = ProgramItem(
            program=program,
            exercise=exercise,
            order=order,
            patient_note=note,
            **{**exercise.dose_values(), **overrides},
        )
        item.full_clean()
        item.save()


def seed_demo_programs(*, clinic, clinician, patient) -> str:
    """Create the demo template and program, issue it, and return the demo patient link."""
    if not Program.objects.filter(clinic=clinic, patient__isnull=True, title=DEMO_TEMPLATE_TITLE).exists():
        template = Program.objects.create(
            clinic=clinic,
            title=DEMO_TEMPLATE_TITLE,
            duration_weeks=6,
            general_instructions=GENERAL_INSTRUCTIONS,
            created_by=clinician,
        )
        _fill(template, [(slug, overrides, "") for slug, overrides, _note in DEMO_ITEMS[:5]])

    program = Program.objects.filter(clinic=clinic, patient=patient, title=DEMO_PROGRAM_TITLE).first()
    if program is None:
        today = timezone.localdate()
        program = Program.objects.create(
            clinic=clinic,
            patient=patient,
            title=DEMO_PROGRAM_TITLE,
            goal="Non-specific low back pain, 6 weeks. Goal: walk 30 minutes and garden without pain.",
            start_date=today,
            duration_weeks=6,
            review_date=today + datetime.timedelta(weeks=3),
            general_instructions=GENERAL_INSTRUCTIONS,
            created_by=clinician,
        )
        _fill(program, DEMO_ITEMS)
        ClearanceNote.objects.create(
            program=program,
            cleared_by_name="Dr A. Smith",
            cleared_by_role="General practitioner",
            cleared_on=today - datetime.timedelta(days=7),
            scope="Graded home exercise for low back pain",
            restrictions="No heavy lifting (over 10 kg) for 4 weeks. Avoid sit-ups.",
            valid_until=today + datetime.timedelta(weeks=12),
        )
    if not program.items.exists():
        return ""  # the catalogue is not loaded: nothing to issue
    if not program.handouts.exists():
        handout_issue(program=program, user=clinician)
    # A fixed demo token (derived from SECRET_KEY), so every run prints the same working link.
    token = demo_link_token()
    link = ShareLink.objects.filter(token_hash=hash_token(token)).first()
    if link is None or not link.is_usable:
        if link is not None:
            link.delete()
        ShareLink.objects.create(
            program=program,
            token_hash=hash_token(token),
            channel=ShareLinkChannel.COPIED,
            created_by=clinician,
            expires_at=default_link_expiry(program),
        )
    return public_link_url(token)


def demo_link_token() -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), b"homerx-demo-patient-link", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
