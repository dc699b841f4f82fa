"""The "needs attention" marker of the patient list.

The patients app knows nothing of logs (DESIGN.md layers): its list template asks this tag,
once per page, for the patients to mark and why (a fixed number of queries, see attention.py).
"""

from django import template

from prescriptions.attention import reasons_by_patient

register = template.Library()


@register.simple_tag(takes_context=True)
def attention_reasons(context, patients) -> dict:
    """Patient pk → the reasons of their flagged programs, for the patients shown (one page).

    Only the page's patients are read: the page takes as long with 3,000 programs in the
    clinic as with 30.
    """
    request = context["request"]
    return reasons_by_patient(
        user=request.user,
        clinic=getattr(request, "clinic", None),
        patient_ids=[patient.pk for patient in patients],
    )


@register.filter
def reasons_of(reasons: dict, patient_pk: int) -> list[str]:
    return reasons.get(patient_pk, [])
