"""The progress report PDF: the program, adherence and each measure's scores and change, as text."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEntry
from outcomes.audit_actions import OutcomeAction
from outcomes.definitions import Answer
from outcomes.services import response_save
from progress.models import DayLog, ExerciseLog, LogSource
from tests.factories import PatientFactory, ProgramFactory, ProgramItemFactory
from tests.outcomes.factories import ProgramMeasureFactory, instrument

DAY = datetime.date(2026, 12, 7)
START = datetime.date(2026, 11, 23)


@pytest.mark.clock(DAY)
def test_report_holds_scores_and_the_computed_words_and_nothing_of_others(clinician_client, patient, clinician):
    program = ProgramFactory(patient=patient, start_date=START, duration_weeks=6, title="Knee program")
    item = ProgramItemFactory(program=program, times_per_day=2, days_per_week=5)
    day_log = DayLog.objects.create(program=program, day=START, source=LogSource.LINK)
    ExerciseLog.objects.create(day_log=day_log, item=item, exercise=item.exercise, sessions_done=2)
    psfs = ProgramMeasureFactory(program=program, instrument=instrument("psfs"), created_by=clinician)
    nprs = ProgramMeasureFactory(program=program, instrument=instrument("nprs"), created_by=clinician)
    later = START + datetime.timedelta(weeks=2)
    names = ("Climbing stairs", "Gardening", "Kneeling at church")
    for day, ratings in ((START, (2, 3, 4)), (later, (5, 6, 7))):
        answers = {
            f"activity_{n}": Answer(v, name) for n, (v, name) in enumerate(zip(ratings, names, strict=True), start=1)
        }
        response_save(measure=psfs, due_on=day, answers=answers, finish=True)
    for day, pain in ((START, 3), (later, 6)):
        response_save(measure=nprs, due_on=day, answers={"average_24h": Answer(pain)}, finish=True)
    other = ProgramFactory(patient=PatientFactory(clinic=patient.clinic, first_name="Otto", last_name="Other"))
    ProgramMeasureFactory(program=other, instrument=instrument("nprs"), created_by=clinician)

    response = clinician_client.get(reverse("outcomes:progress-report", args=[program.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Maria Jensen" in text and "Knee program" in text
    assert "Improved" in text and "from 3 to 6 (change 3)" in text  # PSFS 3.0 → 6.0
    assert "Worse" in text and "from 3 to 6" in text  # pain 3 → 6
    assert "Kneeling at church" in text
    # Two weeks and a Monday of 5 days a week, twice a day: 22 sessions; 2 logged.
    assert "2 of 22 prescribed sessions done so far (9%)" in text
    assert "Otto" not in text and "/p/" not in text
    assert AuditEntry.objects.filter(action=OutcomeAction.RESULTS_VIEWED, detail__outcomes="report").exists()


@pytest.mark.clock(DAY)
def test_paper_questionnaire_pdf_holds_the_questions_and_the_patients_activities(clinician_client, patient, clinician):
    program = ProgramFactory(patient=patient, start_date=START, duration_weeks=6)
    psfs = ProgramMeasureFactory(program=program, instrument=instrument("psfs"), created_by=clinician)
    answers = {
        "activity_1": Answer(3, "Climbing stairs"),
        "activity_2": Answer(4, "Gardening"),
        "activity_3": Answer(5, "Cycling"),
    }
    response_save(measure=psfs, due_on=START, answers=answers, finish=True)

    response = clinician_client.get(reverse("outcomes:measure-print-pdf", args=[program.pk, psfs.pk]))

    assert response.status_code == 200
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Patient-Specific Functional Scale" in text
    assert "Maria Jensen" in text
    assert "Climbing stairs" in text and "Gardening" in text
    assert "Cannot do it" in text and "Stratford" in text
