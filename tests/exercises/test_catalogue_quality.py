"""Every published exercise of the bundled catalogue (every file of exercises/catalogue/) is
complete and readable: a source, movements and conditions; steps, cautions and tips a patient
reads at grade 6 or below; no clinical jargon in what the patient reads.

These read the files, not the database: the import refuses nothing that the file holds (tests of
the import say so), and reading JSON keeps them cheap however large the catalogue grows.
"""

import re

import pytest
import textstat

from exercises.forms import CatalogueSearchForm
from exercises.movements import Movement
from exercises.services import bundled_catalogue
from tests.factories import ExerciseFactory

MAX_READING_GRADE = 6  # Flesch-Kincaid grade of an exercise's steps, cautions and tips together
# Words a patient should not have to know, in what the handout prints. The name may keep a term
# clinicians search for ("Prone press-up"); the steps say "lie on your stomach".
JARGON = (
    "prone",
    "supine",
    "lumbar",
    "thoracic",
    "cervical",
    "flexion",
    "abduction",
    "adduction",
    "quadriceps",
    "gastrocnemius",
    "soleus",
    "gluteal",
    "gluteus",
    "isometric",
    "eccentric",
    "concentric",
    "bilateral",
    "ipsilateral",
    "contralateral",
    "anterior",
    "posterior",
    "proximal",
    "distal",
    "dorsiflexion",
    "plantarflexion",
    "scapula",
    "scapular",
    "proprioception",
    "kyphosis",
    "lordosis",
    "contraindicated",
    "pronation",
    "supination",
    "tendinopathy",
    "ROM",
)
_JARGON = re.compile(r"\b(" + "|".join(JARGON) + r")s?\b", re.IGNORECASE)
PUBLISHED = [record for record in bundled_catalogue()["exercises"] if record["status"] == "published"]
BY_SLUG = [pytest.param(record, id=record["slug"]) for record in PUBLISHED]


def patient_text(record: dict) -> list[str]:
    """What the handout prints of an exercise, beside its name: steps, cautions, tips, why, progression."""
    return [
        *record["steps"],
        *record["cautions"],
        *record["tips"],
        record.get("purpose", ""),
        record["dose"].get("progression_note") or "",
    ]


def as_sentences(lines: list[str]) -> str:
    """Lines as the sentences they are: a line without a full stop still ends one."""
    return " ".join(line if line.rstrip().endswith((".", "!", "?")) else f"{line}." for line in lines if line.strip())


@pytest.mark.parametrize("record", BY_SLUG)
def test_every_published_exercise_names_its_source_movements_and_conditions(record):
    assert record["source"].strip(), "no source: name the program and its publisher"
    assert record["movements"] and set(record["movements"]) <= set(Movement.values)
    assert record["conditions"], "no conditions it is used for"


@pytest.mark.parametrize("record", BY_SLUG)
def test_steps_cautions_and_tips_read_at_grade_6_or_below(record):
    text = as_sentences([*record["steps"], *record["cautions"], *record["tips"]])

    assert textstat.flesch_kincaid_grade(text) <= MAX_READING_GRADE


@pytest.mark.parametrize("record", BY_SLUG)
def test_what_the_patient_reads_has_no_clinical_jargon(record):
    found = sorted({match.group(0).lower() for line in patient_text(record) for match in _JARGON.finditer(line)})

    assert not found, f"say it in plain words: {', '.join(found)}"


def test_the_reading_grade_and_jargon_checks_catch_what_they_are_for():
    clinical = "Maintain scapular retraction while performing isometric contralateral shoulder abduction."

    assert textstat.flesch_kincaid_grade(clinical) > MAX_READING_GRADE
    assert {m.group(0).lower() for m in _JARGON.finditer(clinical)} == {
        "scapular",
        "isometric",
        "contralateral",
        "abduction",
    }
    assert not _JARGON.search("Lie on your stomach. Keep your hips on the floor.")


def test_a_condition_word_finds_the_exercise_used_for_it(db):
    ExerciseFactory(slug="pendulum", name="Pendulum", conditions="frozen shoulder\nrotator cuff", status="published")
    ExerciseFactory(slug="wall-walk", name="Wall walk", conditions="rotator cuff", status="published")

    assert list(CatalogueSearchForm({"q": "frozen shoulder"}).results().values_list("slug", flat=True)) == ["pendulum"]
    assert sorted(CatalogueSearchForm({"q": "rotator cuff"}).results().values_list("slug", flat=True)) == [
        "pendulum",
        "wall-walk",
    ]
