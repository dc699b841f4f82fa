""" "Needs attention" reads only the day logs of the program's own dates."""

import datetime

import pytest

from prescriptions.models import Program
from progress.attention import flagged_programs
from progress.models import DayLog, ExerciseLog, LogSource
from tests.prescriptions.logging_fixtures import items_by_name, make_logging_program
from tests.prescriptions.test_adherence import log_day

pytestmark = pytest.mark.clock

START = datetime.date(2026, 3, 2)


def _at(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False)


def _stored_log(program, day, *, pain=None, difficulty=None) -> None:
    """A log on a day outside the program, as stored before the schedule refused such days
    (``day_log_save`` now refuses them): written directly."""
    log = DayLog.objects.create(program=program, day=day, pain=pain, source=LogSource.LINK)
    items = items_by_name(program)
    for name, answer in (difficulty or {}).items():
        ExerciseLog.objects.create(day_log=log, item=items[name], exercise=items[name].exercise, difficulty=answer)


def _reasons(user, clinic) -> dict[int, list[str]]:
    return {
        flag.program.pk: flag.reasons for flag in flagged_programs(Program.objects.for_user(user).filter(clinic=clinic))
    }


def test_pain_and_too_hard_logged_before_the_start_are_no_reason(time_machine, clinic, patient, clinician):
    _at(time_machine, START - datetime.timedelta(days=3))
    program, _token = make_logging_program(clinic=clinic, patient=patient, user=clinician, start=START, weeks=6)
    _stored_log(program, START - datetime.timedelta(days=2), pain=9, difficulty={"Bridge": "too_hard"})
    _stored_log(program, START - datetime.timedelta(days=1), pain=9, difficulty={"Bridge": "too_hard"})
    _at(time_machine, START + datetime.timedelta(days=2))
    assert _reasons(clinician, clinic) == {}
    # The same logs on the program's own days are reasons.
    log_day(program, START, pain=9, difficulty={"Bridge": "too_hard"})
    log_day(program, START + datetime.timedelta(days=1), pain=9, difficulty={"Bridge": "too_hard"})
    assert _reasons(clinician, clinic) == {
        program.pk: ["Latest pain 9 of 10", "Marked “Bridge” too hard twice or more"]
    }


def test_a_log_after_the_last_day_neither_flags_nor_hides_the_silence(time_machine, clinic, patient, clinician):
    _at(time_machine, START)
    program, _token = make_logging_program(clinic=clinic, patient=patient, user=clinician, start=START, weeks=1)
    log_day(program, START + datetime.timedelta(days=1), done={"Clamshell": 1})
    # Last day 8 March; a log two days after it.
    _at(time_machine, datetime.date(2026, 3, 10))
    _stored_log(program, datetime.date(2026, 3, 10), pain=9)
    _at(time_machine, datetime.date(2026, 3, 12))
    assert _reasons(clinician, clinic) == {program.pk: ["Nothing logged for 8 days"]}
