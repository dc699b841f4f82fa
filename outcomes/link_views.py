"""The patient answers a questionnaire through the private link (no account).

Behind the patient-link gate (``prescriptions.public.gate.open_with_link``: a live link, bad
tokens throttled); the measure must be one of the link's program (another program's is a 404);
saves are throttled per address, size-limited and CSRF-protected (Django's middleware; the
form carries the token). Answers are parsed by ``AnswersForm``: a refused answer is said at its
field, on the page, with status 422. The token is neither stored nor logged.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.throttle import AddressThrottle
from outcomes.forms import AnswersForm
from outcomes.link import QUESTIONNAIRE_LANGUAGE
from outcomes.models import ProgramMeasure, ResponseSource
from outcomes.services import response_save
from prescriptions.public.gate import open_with_link, private
from prescriptions.public.views import handout_page, patient_page

# A questionnaire's form is well under a kilobyte per item; anything much larger is not from the page.
MAX_LINK_ANSWERS_BODY = 16 * 1024
# Saves per address and window: generous for a patient saving and finishing a few questionnaires.
LINK_ANSWERS_THROTTLE = AddressThrottle("patient-outcomes", limit=40, window=15 * 60)


class DueOnForm(forms.Form):
    """The due date the answers belong to: one of the measure's dates, up to today."""

    due_on = forms.DateField()


def _refused(request, link, handout, measure, *, status: int, form=None, message: str = "") -> HttpResponse:
    """The whole page again, with this questionnaire's form as sent (or its saved answers) and the messages."""
    page = patient_page(
        request,
        handout,
        load_link=lambda: link,
        section_context={"outcome_form": form, "outcome_measure_pk": measure.pk, "outcome_message": message},
    )
    return private(HttpResponse(page, status=status))


@login_not_required
@require_http_methods(["GET", "POST"])
def link_answer(request: HttpRequest, token: str, measure_pk: int) -> HttpResponse:
    """POST: save (for later) or finish one due questionnaire of the link's program. GET: the
    patient page, where the form lives (as the link's "Today")."""
    if request.method == "GET":
        return handout_page(request, token)
    link, handout, refusal = open_with_link(request, token)
    if refusal:
        return refusal
    program = link.program
    measure = get_object_or_404(ProgramMeasure.objects.select_related("instrument"), program=program, pk=measure_pk)
    measure.program = program
    definition = measure.instrument.definition
    if LINK_ANSWERS_THROTTLE.is_exceeded(request):
        message = _("Not sent: too many saves from this connection. Try again in a few minutes.")
        response = _refused(request, link, handout, measure, message=message, status=429)
        response["Retry-After"] = str(LINK_ANSWERS_THROTTLE.window)
        return response
    LINK_ANSWERS_THROTTLE.count_failure(request)  # every save counts towards the limit
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_LINK_ANSWERS_BODY:
        message = _("Not sent: the form is too large.")
        return _refused(request, link, handout, measure, message=message, status=413)
    due = DueOnForm(request.POST)
    due_on = due.cleaned_data["due_on"] if due.is_valid() else None
    if due_on is None or due_on not in measure.due_dates() or due_on > timezone.localdate():
        message = _("This questionnaire is not due on that day: reload the page.")
        return _refused(request, link, handout, measure, message=message, status=422)
    form = AnswersForm(
        request.POST, definition=definition, language=QUESTIONNAIRE_LANGUAGE, auto_id=f"q{measure.pk}-%s"
    )
    if not form.is_valid():
        return _refused(request, link, handout, measure, form=form, status=422)
    finish = form.cleaned_data["finish"]
    response_save(
        measure=measure,
        due_on=due_on,
        answers=form.answers(),
        finish=finish,
        source=ResponseSource.LINK,
        user=None,
    )
    done = "finished" if finish else "saved"
    url = reverse("public:handout", args=[token]) + f"?questionnaire={done}#questionnaires"
    return private(redirect(url))
