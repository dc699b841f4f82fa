"""The handout emailed to the patient: send the current version, retry a failed email."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prescriptions.handout import delivery as handout_delivery
from prescriptions.models import DeliveryStatus
from prescriptions.views.lookups import get_delivery, get_program
from prescriptions.views.panel import DeliveryForm, answer_with_panel, error_text


@require_POST
def delivery_create(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program(request, pk)
    handout = program.handouts.newest()
    if handout is None:
        return answer_with_panel(
            request, program, level=messages.ERROR, text=_("Issue the handout before emailing it."), status=400
        )
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        return answer_with_panel(
            request,
            program,
            level=messages.ERROR,
            text=error_text(ValidationError(form.errors["to_email"])),
            status=400,
            email_form=form,
        )
    try:
        delivery = handout_delivery.delivery_request(
            handout=handout, to_email=form.cleaned_data["to_email"], user=request.user, request=request
        )
    except handout_delivery.DuplicateDeliveryError as exc:
        return answer_with_panel(
            request,
            program,
            level=messages.INFO,
            text=_("Version %(version)d was already sent to %(email)s a moment ago.")
            % {"version": handout.version, "email": exc.delivery.to_email},
        )
    except ValidationError as exc:
        return answer_with_panel(
            request, program, level=messages.ERROR, text=error_text(exc), status=400, email_form=form
        )
    return answer_with_panel(request, program, **_delivery_outcome(delivery))


@require_POST
def delivery_retry(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    delivery = get_delivery(request, pk, delivery_pk)
    program = get_program(request, pk)
    try:
        delivery = handout_delivery.delivery_retry(delivery=delivery, user=request.user, request=request)
    except handout_delivery.DuplicateDeliveryError:
        return answer_with_panel(
            request, program, level=messages.INFO, text=_("This email is already being sent again.")
        )
    return answer_with_panel(request, program, **_delivery_outcome(delivery))


def _delivery_outcome(delivery) -> dict:
    if delivery.status == DeliveryStatus.SENT:
        return {"text": _("Emailed to %(email)s.") % {"email": delivery.to_email}}
    if delivery.status == DeliveryStatus.FAILED:
        return {
            "level": messages.ERROR,
            "text": _("The email to %(email)s could not be sent. Check the address, then retry.")
            % {"email": delivery.to_email},
        }
    return {"text": _("Sending to %(email)s…") % {"email": delivery.to_email}}
