"""The whole-stack test's data, made inside the stack's own database by ``manage.py shell``.

Prints one JSON line: the clinician's sign-in and the program to issue.
"""

import json

from patients.models import Role
from tests.factories import ClinicFactory, MembershipFactory, PatientFactory
from tests.prescriptions.test_handout_pdf import make_handout_program

USERNAME, PASSWORD = "stack-clinician", "stack-password-2026"


def main() -> None:
    clinic = ClinicFactory(name="Stack Physio")
    user = MembershipFactory(user__username=USERNAME, clinic=clinic, role=Role.CLINICIAN).user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    patient = PatientFactory(clinic=clinic, first_name="Stack", last_name="Patient")
    program = make_handout_program(clinic=clinic, patient=patient, user=user)
    print(json.dumps({"username": USERNAME, "password": PASSWORD, "program": program.pk}))
