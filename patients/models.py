from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tokens import hash_token, new_token
from core.validators import validate_image_upload, validate_not_future

phone_validator = RegexValidator(
    r"^[0-9+()./\- ]{5,30}$",
    _("Enter a phone number using digits, spaces and + ( ) - . only."),
)


class PaperSize(models.TextChoices):
    A4 = "A4", _("A4")
    LETTER = "letter", _("US Letter")


class ClinicScopedQuerySet(models.QuerySet):
    """Rows a signed-in user may see: those of every clinic they are an active member of.

    ``clinic_path`` is the lookup from the model to its clinic ("" for Clinic itself). Every
    clinic-owned model's queryset derives from this, so "who may see what" is written once.
    """

    clinic_path = "clinic__"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            **{f"{self.clinic_path}memberships__user": user, f"{self.clinic_path}memberships__is_active": True}
        )


class ClinicQuerySet(ClinicScopedQuerySet):
    clinic_path = ""


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="clinic-logos/", blank=True, validators=[validate_image_upload])
    paper_size = models.CharField(_("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4)
    handout_footer = models.CharField(_("handout footer"), max_length=200, blank=True)
    safety_text = models.TextField(
        _("safety text"),
        max_length=1000,
        blank=True,
        help_text=_("Printed on every handout. Leave empty for the standard wording."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    ADMIN = "admin", _("Clinic admin")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's place in a clinic. A user may belong to several clinics."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "clinic"], name="membership_unique_user_clinic")]
        verbose_name = _("membership")

    def __str__(self):
        return f"{self.user} @ {self.clinic} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class UserPreference(models.Model):
    """What a clinician chose for themselves, whatever clinic they work in: the interface language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(
        _("interface language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return f"{self.user}: {self.language}"


class PatientQuerySet(ClinicScopedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def search(self, query: str):
        qs = self
        for word in query.split()[:8]:
            qs = qs.filter(models.Q(first_name__icontains=word) | models.Q(last_name__icontains=word))
        return qs


# Languages whose readers put the family name before the given name.
FAMILY_NAME_FIRST = {"zh-hans"}


def name_in_order(given: str, family: str, language: str) -> str:
    """Given then family name, or family first where the language's readers write it so; names
    written in Chinese characters run together ("张伟"), romanised ones keep a space ("Zhang Wei")."""
    if language not in FAMILY_NAME_FIRST:
        return f"{given} {family}".strip()
    together = all(_is_cjk(ch) for ch in (given + family).replace(" ", "")) and given and family
    return f"{family}{'' if together else ' '}{given}".strip()


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


class Patient(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_not_future])
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    # The language the patient's handouts, phone page, calendar file and email are written in.
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    large_print = models.BooleanField(
        _("large print handouts"),
        default=False,
        help_text=_("Print handouts with 18 pt text (nothing below 14 pt) for patients with poor eyesight."),
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = [Lower("last_name"), Lower("first_name"), "pk"]
        # The list's order, per clinic and archived or not: a page of 25 is read from the
        # index and stops there (no sort of every patient), and the pager's count is
        # answered from the index alone.
        indexes = [
            models.Index(
                F("clinic"),
                F("archived_at"),
                Lower("last_name"),
                Lower("first_name"),
                F("id"),
                name="patient_list_order_idx",
            )
        ]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("patients:patient-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def name_in(self, language: str) -> str:
        """The name as a reader of ``language`` writes it: family name first in Chinese."""
        return name_in_order(self.first_name, self.last_name, language)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self):
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self):
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def by_token(self, token: str):
        """The invitation a raw link token names; only its hash is stored."""
        return self.filter(token_hash=hash_token(token))


class Invitation(models.Model):
    """A single-use, expiring invitation to join a clinic; the link carries the only copy of the token."""

    VALID_FOR = timedelta(days=7)

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "email"])]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.clinic}"

    def set_new_token(self) -> str:
        """Give the invitation a fresh random token (256 bits) and return it; only the hash is kept."""
        token = new_token()
        self.token_hash = hash_token(token)
        return token

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
