"""Factories of the outcomes tests: the bundled instruments as shipped, and measures on a program."""

import json
from pathlib import Path

import factory

from outcomes.models import Instrument, ProgramMeasure
from tests.factories import ProgramFactory, UserFactory

INSTRUMENTS = Path(__file__).resolve().parents[2] / "outcomes" / "instruments"


def bundled(key: str) -> dict:
    return json.loads((INSTRUMENTS / f"{key}.json").read_text(encoding="utf-8"))


def instrument(key: str) -> Instrument:
    definition = bundled(key)
    row, _created = Instrument.objects.get_or_create(
        key=key,
        defaults={
            "version": definition["version"],
            "name": definition["name"],
            "short_name": definition["short_name"],
            "definition": definition,
        },
    )
    return row


class ProgramMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramMeasure

    program = factory.SubFactory(ProgramFactory)
    instrument = factory.LazyFunction(lambda: instrument("nprs"))
    at_start = True
    every_weeks = 2
    at_end = True
    created_by = factory.SubFactory(UserFactory)
