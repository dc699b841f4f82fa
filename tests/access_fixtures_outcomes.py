"""Outcome measure objects for the URL walker: a measure with each walker pk on the walker's program."""

from outcomes.models import ProgramMeasure
from prescriptions.models import Program
from tests.outcomes.factories import ProgramMeasureFactory, instrument


def make_outcome_objects(*, owner, pks: list[int]) -> None:
    program = Program.objects.get(pk=pks[0])
    for pk, key in zip(pks, ("nprs", "psfs"), strict=True):
        ProgramMeasureFactory(pk=pk, program=program, instrument=instrument(key), created_by=owner)
    assert ProgramMeasure.objects.filter(pk__in=pks).count() == len(pks)
