"""The lower-body and falls region files and their starter templates hold together without a
database: every starter item names a bundled exercise and only dose fields an exercise has,
and each Otago level has the level's exercises."""

import json
from pathlib import Path

import pytest

from exercises.dose import BOUNDS
from exercises.services import bundled_catalogue

ROOT = Path(__file__).resolve().parents[2]
STARTERS = ROOT / "prescriptions" / "starters"
MINE = ("otago-level-a", "otago-level-b", "otago-level-c", "otago-level-d", "knee-aaos", "foot-ankle-aaos", "hip-aaos")
DOSE_FIELDS = set(BOUNDS) | {"side", "load", "progression_note"}


def _starter(slug):
    return json.loads((STARTERS / f"{slug}.json").read_text(encoding="utf-8"))


def _catalogue():
    return {record["slug"]: record for record in bundled_catalogue()["exercises"]}


@pytest.mark.parametrize("slug", MINE)
def test_a_starter_names_bundled_published_exercises_and_real_dose_fields(slug):
    catalogue = _catalogue()
    doc = _starter(slug)
    assert doc["name"] and doc["source"] and doc["summary"]
    for item in doc["items"]:
        assert catalogue[item["slug"]]["status"] == "published", item["slug"]
        dose = item.get("dose", {})
        assert set(dose) <= DOSE_FIELDS, item
        for field, value in dose.items():
            if field in BOUNDS:
                low, high = BOUNDS[field]
                assert low <= value <= high, (item["slug"], field, value)


def test_the_otago_levels_climb_from_support_to_none():
    levels = {key: {i["slug"]: i.get("dose", {}) for i in _starter(f"otago-level-{key}")["items"]} for key in "abcd"}
    assert levels["a"]["sit-to-stand"]["load"] == "Push up with both hands"
    assert levels["b"]["sit-to-stand"]["load"] == "Push up with one hand"
    assert levels["c"]["sit-to-stand"]["load"] == levels["d"]["sit-to-stand"]["load"] == "No hands"
    assert "tandem-walk" not in levels["a"] and "heel-toe-walking-backwards" in levels["d"]
    strength = {"knee-extensor-ankle-weight", "knee-flexor-ankle-weight", "hip-abductor-ankle-weight"}
    for key in "abcd":
        assert strength <= set(levels[key])


def test_the_slugs_others_rely_on_are_here_with_the_names_clinicians_type():
    catalogue = _catalogue()
    for slug, typed in {
        "quadriceps-set": "quad set",
        "terminal-knee-extension-band": "terminal knee extension",
        "eccentric-heel-drop": "heel drop",
        "tandem-stance": "tandem stance",
        "sit-to-stand": "sit to stand",
    }.items():
        names = [catalogue[slug]["name"], *catalogue[slug]["other_names"]]
        assert any(name.lower().replace("-", " ").startswith(typed) for name in names), slug
