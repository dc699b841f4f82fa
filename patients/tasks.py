"""Background work for clinic administration (run by ``manage.py db_worker`` in production)."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks import task

from patients.models import Invitation


@task()
def send_invitation_email(invitation_id: int, accept_url: str) -> bool:
    """Email the invitation link; returns False if the invitation was withdrawn meanwhile."""
    invitation = Invitation.objects.select_related("clinic", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable:
        return False
    context = {"invitation": invitation, "accept_url": accept_url}
    send_mail(
        subject=_("You are invited to join %(clinic)s on HomeRx") % {"clinic": invitation.clinic.name},
        message=render_to_string("patients/clinic_invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True
