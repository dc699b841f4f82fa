"""Realistic benchmark data, made fast with bulk inserts."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management import call_command

from exercises.models import Exercise, ExercisePicture, ExerciseStep
from patients.models import Clinic, Membership, Patient, Role
from prescriptions.models import ClearanceNote, Program, ProgramItem

EXERCISES = 10_000
PATIENTS = 1_000
PROGRAM_SIZES = (1, 10, 30)
ADJECTIVES = ["Assisted", "Banded", "Slow", "Paused", "Supported", "Weighted", "Tempo", "Wide", "Narrow", "Reverse"]


def build() -> dict:
    random.seed(7)
    call_command("import_catalogue", verbosity=0)
    real = list(Exercise.objects.published().prefetch_related("steps", "pictures", "body_regions", "equipment"))

    # Variants of the real exercises until the catalogue holds EXERCISES entries.
    variants = []
    for index in range(EXERCISES - len(real)):
        source = real[index % len(real)]
        variant = Exercise(
            **{field: getattr(source, field) for field in Exercise.DOSE_FIELDS},
            name=f"{random.choice(ADJECTIVES)} {source.name.lower()} {index}",
            slug=f"{source.slug}-variant-{index}",
            other_names=source.other_names,
            summary=source.summary,
            kind=source.kind,
            position=source.position,
            difficulty=source.difficulty,
            muscles=source.muscles,
            tips=source.tips,
            cautions=source.cautions,
            status="published",
        )
        variant.fill_search_fields()  # bulk_create skips save(), which keeps the search columns
        variants.append((variant, source))
    Exercise.objects.bulk_create([v for v, _s in variants], batch_size=1000)
    steps, pictures, regions, equipment = [], [], [], []
    Region = Exercise.body_regions.through
    Kit = Exercise.equipment.through
    for variant, source in variants:
        steps += [ExerciseStep(exercise=variant, order=s.order, text=s.text) for s in source.steps.all()]
        pictures += [
            ExercisePicture(
                exercise=variant,
                order=p.order,
                caption=p.caption,
                alt_text=p.alt_text,
                pose=p.pose,
                svg=p.svg,
                svg_version=p.svg_version,
            )
            for p in source.pictures.all()
        ]
        regions += [Region(exercise_id=variant.pk, bodyregion_id=r.pk) for r in source.body_regions.all()]
        equipment += [Kit(exercise_id=variant.pk, equipment_id=e.pk) for e in source.equipment.all()]
    ExerciseStep.objects.bulk_create(steps, batch_size=2000)
    ExercisePicture.objects.bulk_create(pictures, batch_size=1000)
    Region.objects.bulk_create(regions, batch_size=2000)
    Kit.objects.bulk_create(equipment, batch_size=2000)

    clinic = Clinic.objects.create(name="Benchmark Physiotherapy", phone="+44 20 7946 0999")
    user = get_user_model().objects.create_user("bench", password="bench-password-123")
    Membership.objects.create(user=user, clinic=clinic, role=Role.ADMIN)
    first = ["Maria", "Tomás", "Eleni", "Oleg", "Layla", "Wei", "Aoife", "Kwame", "Sofia", "Jonas"]
    last = ["Jensen", "García", "Papadopoulou", "Petrov", "Haddad", "Zhang", "Murphy", "Mensah", "Rossi", "Berg"]
    Patient.objects.bulk_create(
        [
            Patient(
                clinic=clinic,
                first_name=first[i % 10],
                last_name=f"{last[(i // 10) % 10]}-{i}",
                date_of_birth=datetime.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                email=f"p{i}@example.org",
            )
            for i in range(PATIENTS)
        ],
        batch_size=1000,
    )
    patient = Patient.objects.filter(clinic=clinic).order_by("pk").first()
    with_pictures = [e for e in real if e.pictures.all()]
    programs = {}
    for size in PROGRAM_SIZES:
        program = Program.objects.create(
            clinic=clinic,
            patient=patient,
            title=f"Program of {size}",
            start_date=datetime.date(2026, 11, 2),
            duration_weeks=6,
            general_instructions="Warm up with a 5-minute walk. Stop if pain is sharp.",
            goal="Low back pain",
            created_by=user,
        )
        ProgramItem.objects.bulk_create(
            [
                ProgramItem(
                    program=program,
                    exercise=with_pictures[i % len(with_pictures)],
                    order=i,
                    patient_note="Breathe out as you lift.",
                    **with_pictures[i % len(with_pictures)].dose_values(),
                )
                for i in range(size)
            ]
        )
        ClearanceNote.objects.create(
            program=program,
            cleared_by_name="Dr A. Smith",
            cleared_by_role="Orthopaedic surgeon",
            cleared_on=datetime.date(2026, 10, 30),
            scope="Graded exercise",
            restrictions="No lifting over 5 kg",
            valid_until=datetime.date(2027, 3, 1),
        )
        programs[size] = program
    return {"user": user, "clinic": clinic, "patient": patient, "programs": programs}
