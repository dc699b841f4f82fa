"""How a patient link is minted, and until when it works.

Raw link tokens exist only where a link is handed over: the QR code printed on an issued PDF,
an email, or the clinician's screen right after creating one. The database keeps a hash. So
each hand-over gets its own ``ShareLink`` (``channel`` says which), and every usable link of a
program opens its newest issued version.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.tokens import hash_token, new_token
from prescriptions.audit_actions import ProgramAction
from prescriptions.models import Program, ShareLink, ShareLinkChannel

# A link lives until the program ends plus this, unless the clinician extends it.
LINK_GRACE = timedelta(days=90)
LINK_MAX_LIFETIME = timedelta(days=2 * 365)


def end_of_day(day: date) -> datetime:
    """A link chosen to work "until" a day works through that whole day, clinic time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def public_link_url(token: str) -> str:
    return settings.SITE_URL + reverse("public:handout", args=[token])


def default_link_expiry(program: Program) -> datetime:
    """The end of the day 90 days after the program's last day (or after today, if it has ended).

    Without a start date the program is taken to start today, as the patient page does."""
    today = timezone.localdate()
    last = program.period(unset_start=today).last_day
    return end_of_day(max(last, today) + LINK_GRACE)


def create_link(
    *, program, user, channel, handout=None, delivery=None, expires_at=None, token: str | None = None
) -> tuple[ShareLink, str]:
    """A new link of ``program`` handed over through ``channel``, and its raw token.

    Not atomic by itself: callers create it inside the transaction of the hand-over. ``token``
    is given when it was printed before the link was stored (the QR code of an issued PDF).
    """
    token = token or new_token()
    link = ShareLink(
        program=program,
        token_hash=hash_token(token),
        channel=channel,
        handout=handout,
        delivery=delivery,
        created_by=user,
        expires_at=expires_at or default_link_expiry(program),
    )
    link.full_clean()
    link.save()
    return link, token


def _audit(action: ProgramAction, link: ShareLink, *, user, request, **detail) -> None:
    audit_record(
        request=request, user=user, action=action, patient=link.program.patient, target=link, detail=detail or None
    )


def _check_expiry(expires_at: datetime) -> None:
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_on": _("Choose a date after today.")})
    if expires_at > now + LINK_MAX_LIFETIME:
        raise ValidationError({"expires_on": _("Choose a date within two years from today.")})


def _locked(link: ShareLink) -> ShareLink:
    return ShareLink.objects.select_for_update(of=("self",)).select_related("program__patient").get(pk=link.pk)


def share_link_create(*, program: Program, user, expires_at=None, request=None) -> tuple[ShareLink, str]:
    """A new link for the clinician to copy. Returns the link and its raw token (shown once)."""
    with transaction.atomic():
        if not program.handouts.exists():
            raise ValidationError(_("Issue the handout first: the link opens the newest issued version."))
        if expires_at is not None:
            _check_expiry(expires_at)
        link, token = create_link(program=program, user=user, channel=ShareLinkChannel.COPIED, expires_at=expires_at)
        _audit(ProgramAction.LINK_CREATED, link, user=user, request=request)
    return link, token


def share_link_extend(*, link: ShareLink, user, expires_at: datetime, request=None) -> ShareLink:
    with transaction.atomic():
        link = _locked(link)
        if link.revoked_at is not None:
            raise ValidationError(_("This link was revoked. Create a new one instead."))
        _check_expiry(expires_at)
        previous = link.expires_at
        link.expires_at = expires_at
        link.full_clean()
        link.save(update_fields=["expires_at"])
        _audit(
            ProgramAction.LINK_CHANGED,
            link,
            user=user,
            request=request,
            **{"from": previous.isoformat()},
            to=expires_at.isoformat(),
        )
    return link


def share_link_revoke(*, link: ShareLink, user, request=None) -> ShareLink:
    with transaction.atomic():
        link = _locked(link)
        if link.revoked_at is None:
            link.revoke()
            _audit(ProgramAction.LINK_REVOKED, link, user=user, request=request)
    return link


def share_link_replace(*, link: ShareLink, user, request=None) -> tuple[ShareLink, str]:
    """Revoke a link (say it reached the wrong person) and make a new one to copy.

    One audit entry: the new link's creation, naming the link it replaces.
    """
    with transaction.atomic():
        old = _locked(link)
        if old.revoked_at is None:
            old.revoke()
        expires_at = old.expires_at if old.expires_at > timezone.now() else None
        new, token = create_link(program=old.program, user=user, channel=ShareLinkChannel.COPIED, expires_at=expires_at)
        _audit(ProgramAction.LINK_CREATED, new, user=user, request=request, replaces=old.pk)
    return new, token
