"""Idempotent demo data: a clinic, its people, patients and a realistic program."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from patients.models import Clinic, Membership, Patient, Role
from prescriptions.demo import seed_demo_programs

DEMO_PASSWORD = "homerx-demo-2026"
DEMO_CLINICIAN = "demo"
DEMO_CLINIC_ADMIN = "demo-admin"
DEMO_CATALOGUE_ADMIN = "catalogue"

DEMO_PATIENTS = [
    ("Maria", "Jensen", datetime.date(1958, 3, 14), "maria.jensen@example.org"),
    ("Tomás", "García", datetime.date(1971, 9, 2), "tomas.garcia@example.org"),
    ("Eleni", "Papadopoulou", datetime.date(1984, 1, 23), ""),
    ("Олег", "Петров", datetime.date(1966, 6, 8), ""),
    ("Layla", "Haddad", datetime.date(1990, 11, 30), "layla.haddad@example.org"),
    ("Wei", "Zhang", datetime.date(1979, 4, 17), ""),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo clinic, its clinician and patients. Safe to run repeatedly."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        clinic, _ = Clinic.objects.get_or_create(
            name="Riverside Physiotherapy",
            defaults={
                "address": "12 River Street\nSpringfield",
                "phone": "+44 20 7946 0123",
                "email": "hello@riverside-physio.example",
                "handout_footer": "Riverside Physiotherapy · Mon–Fri 8:00–18:00",
            },
        )

        def person(username, *, first, last, staff=False):
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@riverside-physio.example",
                    "is_staff": staff,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            return user

        clinician = person(DEMO_CLINICIAN, first="Sam", last="Okafor")
        admin = person(DEMO_CLINIC_ADMIN, first="Priya", last="Shah")
        editor = person(DEMO_CATALOGUE_ADMIN, first="Chris", last="Lee", staff=True)
        editor.groups.add(Group.objects.get(name="Catalogue editors"))
        Membership.objects.get_or_create(user=clinician, clinic=clinic, defaults={"role": Role.CLINICIAN})
        Membership.objects.get_or_create(user=admin, clinic=clinic, defaults={"role": Role.ADMIN})

        patients = []
        for first, last, born, email in DEMO_PATIENTS:
            patient, _ = Patient.objects.get_or_create(
                clinic=clinic,
                first_name=first,
                last_name=last,
                defaults={"date_of_birth": born, "email": email},
            )
            patients.append(patient)

        link = seed_demo_programs(clinic=clinic, clinician=clinician, patient=patients[0])

        self.stdout.write(self.style.SUCCESS("Demo clinic ready."))
        self.stdout.write(f"  Clinician:       {DEMO_CLINICIAN} / {DEMO_PASSWORD}")
        self.stdout.write(f"  Clinic admin:    {DEMO_CLINIC_ADMIN} / {DEMO_PASSWORD}")
        self.stdout.write(f"  Catalogue admin: {DEMO_CATALOGUE_ADMIN} / {DEMO_PASSWORD} (Django admin at /admin/)")
        if link:
            self.stdout.write(f"  Patient link:    {link} (the demo patient's handout, no sign-in)")
