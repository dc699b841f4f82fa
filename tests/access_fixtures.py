"""Clinic objects for the URL walker in test_access.py.

Every kind of clinic object gets the same primary keys, so any ``<int:pk>`` in any
URL pattern names a real object of the owning clinic, whatever kind it expects.
Add a line here when a new model gets its own pages.
"""

from patients.models import Role
from tests.factories import ClinicFactory, MembershipFactory, PatientFactory

OBJECT_PKS = [4242, 4243]


def make_clinic_objects() -> dict:
    clinic = ClinicFactory(name="Owner clinic")
    other = ClinicFactory(name="Other clinic")
    owner = MembershipFactory(user__username="owner-admin", clinic=clinic, role=Role.ADMIN).user
    outsider = MembershipFactory(user__username="outsider-admin", clinic=other, role=Role.ADMIN).user
    strings = ["x"]
    for pk in OBJECT_PKS:
        MembershipFactory(pk=pk, user__username=f"member-{pk}", clinic=clinic)
        patient = PatientFactory(pk=pk, clinic=clinic)
    try:
        from tests.access_fixtures_prescriptions import make_prescription_objects
    except ImportError:
        pass
    else:
        strings += make_prescription_objects(clinic=clinic, patient=patient, owner=owner, pks=OBJECT_PKS)
    return {
        "owner": owner,
        "outsider": outsider,
        "values": {
            "int": OBJECT_PKS,
            "str": strings,
            "slug": ["x"],
            "path": ["x"],
            "uuid": ["00000000-0000-0000-0000-000000000000"],
        },
    }
