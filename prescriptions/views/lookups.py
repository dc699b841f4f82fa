"""Each view's objects, looked up through ``Program.objects.for_user`` (another clinic's is a 404),
and the ids a POST names."""

from django.core.exceptions import SuspiciousOperation
from django.shortcuts import get_object_or_404

from core.forms import parse_id
from prescriptions.models import Delivery, Handout, Program, ProgramItem, ShareLink


def user_programs(request):
    return Program.objects.for_user(request.user).select_related("clinic", "patient")


def get_program(request, pk) -> Program:
    return get_object_or_404(user_programs(request), pk=pk)


def _scoped(queryset, request, program_pk, **lookup):
    return get_object_or_404(
        queryset, program__in=Program.objects.for_user(request.user).filter(pk=program_pk), **lookup
    )


def get_item(request, pk, item_pk) -> ProgramItem:
    return get_object_or_404(
        ProgramItem.objects.select_related("program__clinic", "program__patient", "exercise"),
        pk=item_pk,
        program__in=Program.objects.for_user(request.user).filter(pk=pk),
    )


def get_handout(request, pk, handout_pk) -> Handout:
    """An issued version of one of the user's programs, with its patient, without its snapshot
    (tens of KB of JSON a download does not need)."""
    handouts = Handout.objects.for_user(request.user).defer("snapshot").select_related("program__patient")
    return get_object_or_404(handouts, pk=handout_pk, program_id=pk)


def get_link(request, pk, link_pk) -> ShareLink:
    return _scoped(ShareLink.objects.select_related("program__patient"), request, pk, pk=link_pk)


def get_delivery(request, pk, delivery_pk) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("handout__program__patient"),
        pk=delivery_pk,
        handout__program__in=Program.objects.for_user(request.user).filter(pk=pk),
    )


def posted_id(request, name) -> int:
    value = parse_id(request.POST.get(name))
    if value is None:
        raise SuspiciousOperation(f"{name} must be an id")  # answered with 400 Bad Request
    return value
