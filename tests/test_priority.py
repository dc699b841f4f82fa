"""core.priority: slow work yields the CPU to other requests, and nothing else changes."""

import threading

import pytest
from django.utils import translation

from core.priority import LOW_PRIORITY_NICENESS, run_at_low_priority


def _own_niceness() -> int:
    # /proc/self/task/<tid>/stat, field 19: the calling thread's nice value (HomeRx runs on Linux).
    stat = open(f"/proc/self/task/{threading.get_native_id()}/stat").read()
    return int(stat.rsplit(")", 1)[1].split()[16])


def test_the_work_runs_at_lower_priority_and_the_caller_keeps_its_own():
    before = _own_niceness()

    assert run_at_low_priority(_own_niceness) == before + LOW_PRIORITY_NICENESS
    assert _own_niceness() == before


def test_the_result_arguments_and_language_come_through():
    with translation.override("fr"):
        assert run_at_low_priority(lambda a, *, b: (a, b, translation.get_language()), 1, b=2) == (1, 2, "fr")


def test_an_exception_reaches_the_caller():
    def fail():
        raise ValueError("render failed")

    with pytest.raises(ValueError, match="render failed"):
        run_at_low_priority(fail)


@pytest.mark.django_db
def test_issuing_renders_the_handout_at_lower_priority(monkeypatch, clinician, clinic, patient):
    from prescriptions.handout import issue
    from tests.prescriptions.test_handout_pdf import make_handout_program

    seen = []
    real_render = issue.render_handout_pdf

    def render(*args, **kwargs):
        seen.append(_own_niceness())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(issue, "render_handout_pdf", render)
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    result = issue.handout_issue(program=program, user=clinician)

    assert result.created and seen == [_own_niceness() + LOW_PRIORITY_NICENESS]
