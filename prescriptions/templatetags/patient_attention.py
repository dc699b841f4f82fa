"""The "needs attention" marker of the patient list.

The patients app knows nothing of logs (DESIGN.md layers): its list template asks this tag,
once per page, for the patients to mark and why (a fixed number of queries, see attention.py).
"""

from django import template

from prescriptions.attention import flagged_programs
from prescriptions.models import Program

register = template.Library()


@register.simple_tag(takes_context=True)
def attention_reasons(context) -> dict:
    """Patient pk → the reasons of their flagged programs, for the user's current clinic."""
    request = context["request"]
    if not getattr(request, "clinic", None):
        return {}
    reasons: dict[int, list[str]] = {}
    for flag in flagged_programs(Program.objects.for_user(request.user).filter(clinic=request.clinic)):
        reasons.setdefault(flag.program.patient_id, []).extend(flag.reasons)
    return reasons


@register.filter
def reasons_of(reasons: dict, patient_pk: int) -> list[str]:
    return reasons.get(patient_pk, [])
