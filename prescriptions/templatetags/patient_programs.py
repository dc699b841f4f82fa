"""The programs section of a patient's page.

The patients app knows nothing of programs (DESIGN.md layers): prescriptions registers its
section (``prescriptions/_patient_section.html``, which calls this tag) in ``patients.extensions``.
"""

from django import template

from prescriptions.models import Program

register = template.Library()


@register.inclusion_tag("prescriptions/_patient_programs.html", takes_context=True)
def patient_programs(context, patient) -> dict:
    programs = (
        Program.objects.for_user(context["request"].user)
        .filter(patient=patient)
        .with_latest_handout()
        .order_by("archived_at", "-updated_at")
    )
    return {"patient": patient, "programs": programs}
