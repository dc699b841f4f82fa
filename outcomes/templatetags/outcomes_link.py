"""The "Questionnaires due" section of the patient's link page.

Prescriptions knows nothing of outcome measures (DESIGN.md layers): outcomes registers its
section (``outcomes/_link_section.html``, which calls this tag) in ``prescriptions.extensions``.
"""

from django import template

from outcomes.forms import AnswersForm
from outcomes.link import QUESTIONNAIRE_LANGUAGE, cached_due

register = template.Library()

# The message after a save through the link (``?questionnaire=``, set by outcomes.link_views).
DONE_MESSAGES = {"saved", "finished"}


@register.inclusion_tag("outcomes/_link_questionnaires.html", takes_context=True)
def link_questionnaires(context) -> dict:
    """Each due questionnaire with its form: the refused one as it was sent, else the saved answers."""
    refused = context.get("outcome_form")
    refused_pk = context.get("outcome_measure_pk")
    questionnaires = []
    for row in cached_due(context["handout"], context["program"]):
        mine = row["measure_pk"] == refused_pk
        if refused is not None and mine:
            form = refused
        else:
            form = AnswersForm(
                initial=AnswersForm.initial_from(row["answers"]),
                definition=row["definition"],
                language=QUESTIONNAIRE_LANGUAGE,
                auto_id=f"q{row['measure_pk']}-%s",
            )
        message = context.get("outcome_message", "") if mine else ""
        questionnaires.append({**row, "form": form, "started": bool(row["answers"]), "message": message})
    done = context["request"].GET.get("questionnaire")
    placed = any(row["measure_pk"] == refused_pk for row in questionnaires)
    return {
        "questionnaires": questionnaires,
        # A refusal for a questionnaire the page no longer shows (answered in another tab, or no longer due).
        "message": "" if placed else context.get("outcome_message", ""),
        "token": context["token"],
        "done": done if done in DONE_MESSAGES else None,
    }
