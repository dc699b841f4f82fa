"""Two clinicians issue the same program at the same moment (PostgreSQL, real row locks).

SQLite serialises every write for the whole database, so the race cannot happen there: the test
is skipped on SQLite with a reason that starts "PostgreSQL only", the one kind of skip `.ci/run`
accepts (CI runs the suite on both databases, so the PostgreSQL run covers it).
"""

import threading

import pytest
from django.conf import settings
from django.db import connection

from prescriptions import handouts
from prescriptions.models import Handout, Program
from tests.prescriptions.test_handout_pdf import make_handout_program

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="PostgreSQL only: SQLite serialises every write, so two issues cannot race"
)
@pytest.mark.django_db(transaction=True)
def test_issuing_the_same_program_twice_at_once_gives_two_versions(clinic, patient, clinician, colleague):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    start = threading.Barrier(2)
    versions, errors = [], []

    def issue(user):
        try:
            start.wait(timeout=10)
            handout = handouts.handout_issue(program=Program.objects.get(pk=program.pk), user=user)
            versions.append(handout.version)
        except Exception as exc:  # noqa: BLE001 - any failure is what the test reports
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(user,)) for user in (clinician, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(versions) == [1, 2]
    assert sorted(Handout.objects.filter(program=program).values_list("version", flat=True)) == [1, 2]
