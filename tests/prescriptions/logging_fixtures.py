"""A live program for the log tests: three exercises on known weekdays, an issued version, a link.

The handout row is stored with a tiny PDF (no render): these tests are about the logs.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from prescriptions.handout.links import create_link
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Handout, ShareLinkChannel
from tests.access_fixtures_prescriptions import TINY_PDF
from tests.factories import ExerciseFactory, ProgramFactory, ProgramItemFactory

DOSES = [
    ("Bridge", {"times_per_day": 2, "weekdays": "mon,wed,fri", "days_per_week": None}),
    ("Clamshell", {"times_per_day": 1, "weekdays": "", "days_per_week": 7}),
    ("Sit to stand", {"times_per_day": 1, "weekdays": "", "days_per_week": 3}),
]


def make_logging_program(*, clinic, patient, user, start=None, weeks=6, doses=DOSES):
    """By default Bridge twice a day Mon/Wed/Fri, Clamshell daily, Sit to stand 3 days a week (Mon/Wed/Fri)."""
    start = start or timezone.localdate() - datetime.timedelta(days=10)
    program = ProgramFactory(clinic=clinic, patient=patient, created_by=user, start_date=start, duration_weeks=weeks)
    for order, (name, dose) in enumerate(doses):
        exercise = ExerciseFactory(name=name, slug=name.lower().replace(" ", "-"))
        ProgramItemFactory(program=program, exercise=exercise, order=order, **dose)
    handout = Handout(
        program=program,
        version=1,
        snapshot=build_snapshot(program, version=1, issued_by=user),
        pdf_sha256="0" * 64,
        page_count=1,
        issued_by=user,
    )
    handout.pdf.save("v1.pdf", ContentFile(TINY_PDF), save=False)
    handout.save()
    _link, token = create_link(program=program, user=user, channel=ShareLinkChannel.COPIED)
    return program, token


def items_by_name(program):
    return {item.exercise.name: item for item in program.items.select_related("exercise")}
