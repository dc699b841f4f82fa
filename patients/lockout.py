"""The page django-axes shows when sign-in is locked (AXES_LOCKOUT_CALLABLE)."""

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    # 429 Too Many Requests: the form was fine, the number of attempts was not.
    return render(request, "registration/locked_out.html", context, status=429)
