from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import audit_record
from patients.audit_actions import PatientAction
from patients.backends import signin_address_throttle
from patients.middleware import LANGUAGE_SESSION_KEY
from patients.models import UserPreference


@receiver(user_logged_in)
def audit_signin(sender, request, user, **kwargs):
    audit_record(request=request, user=user, action=PatientAction.SIGNIN_SUCCEEDED)


@receiver(user_logged_in)
def remember_interface_language(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    request.session[LANGUAGE_SESSION_KEY] = language or settings.LANGUAGE_CODE


@receiver(user_logged_out)
def audit_signout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(request=request, user=user, action=PatientAction.SIGNED_OUT)


@receiver(user_login_failed)
def audit_signin_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        signin_address_throttle().count_failure(request)
    # The credentials dict has the password already masked by Django.
    audit_record(
        request=request,
        user=None,
        action=PatientAction.SIGNIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
    )
