"""Clinic objects for the URL walker in test_access.py (and the bad-input walk in test_bad_input.py).

Every kind of clinic object gets the same primary keys, so any ``<int:pk>`` in any
URL pattern names a real object of the owning clinic, whatever kind it expects.
Add a line here when a new model gets its own pages.

The imports are plain module imports on purpose: if one breaks, the walker fails to load rather
than quietly walking fewer pages.
"""

from patients.models import Role
from tests.access_fixtures_outcomes import make_outcome_objects
from tests.access_fixtures_prescriptions import make_prescription_objects
from tests.factories import ClinicFactory, ExerciseFactory, MembershipFactory, PatientFactory

OBJECT_PKS = [4242, 4243]
# A published catalogue exercise: ``<slug:...>`` pages are the catalogue, shared by every clinic.
EXERCISE_SLUG = "access-walker-bridge"


def make_clinic_objects() -> dict:
    clinic = ClinicFactory(name="Owner clinic")
    other = ClinicFactory(name="Other clinic")
    owner = MembershipFactory(user__username="owner-admin", clinic=clinic, role=Role.ADMIN).user
    outsider = MembershipFactory(user__username="outsider-admin", clinic=other, role=Role.ADMIN).user
    exercise = ExerciseFactory(slug=EXERCISE_SLUG, name="Bridge")
    for pk in OBJECT_PKS:
        MembershipFactory(pk=pk, user__username=f"member-{pk}", clinic=clinic)
        patient = PatientFactory(pk=pk, clinic=clinic)
    tokens = make_prescription_objects(clinic=clinic, patient=patient, owner=owner, pks=OBJECT_PKS)
    make_outcome_objects(owner=owner, pks=OBJECT_PKS)
    return {
        "owner": owner,
        "outsider": outsider,
        "values": {
            "int": OBJECT_PKS,
            "str": ["x", *tokens],
            "slug": [exercise.slug],
            "path": ["x"],
            "uuid": ["00000000-0000-0000-0000-000000000000"],
        },
    }
