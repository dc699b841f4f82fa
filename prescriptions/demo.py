"""Demo programs for `manage.py seed_demo`."""


def seed_demo_programs(*, clinic, clinician, patient, stdout):
    return None
