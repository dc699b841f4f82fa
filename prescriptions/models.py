"""The program's tables: Program and ProgramItem, a clinic's own exercises and favourites, clearance
notes and the acknowledged conflicts with them, issued handouts, patient links and emails.

Over 400 lines on purpose: one schema whose tables point at each other (an item and a note are of
a program, a handout is a program's version, a link and an email are of a handout), kept where
Django and the migrations look for it (the migrations name ``prescriptions.models.handout_path``,
``clearance_letter_path`` and ``private_storage``). The behaviour lives elsewhere: workflows in
``services`` and the ``handout`` package, the schedule in ``schedule``, the safety check in ``safety``.
"""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import StorageAlias
from core.tokens import hash_token
from core.validators import validate_file_size
from exercises.dose import Dose, estimate_seconds
from exercises.models import Exercise
from exercises.movements import MovementsField, movement_label
from patients.models import Clinic, ClinicScopedQuerySet, Patient
from prescriptions.extensions import handout_annotations
from prescriptions.schedule import Period, last_day, program_period

# Issued PDFs and clearance letters: never served directly (views check who asks).
_private_storage = StorageAlias("private")


def private_storage():
    return _private_storage


def program_end_date(start_date, duration_weeks: int):
    """The first day *after* a program (None: no start date). Printed ends use ``Program.last_day``."""
    period = program_period(start_date, duration_weeks)
    return period.day_after if period else None


class ProgramQuerySet(ClinicScopedQuerySet):
    """Programs and templates; ``for_user`` gives those of the user's clinics."""

    def templates(self):
        return self.filter(patient__isnull=True)

    def for_patients(self):
        return self.filter(patient__isnull=False)

    def active(self):
        return self.filter(archived_at__isnull=True)

    def with_latest_handout(self):
        latest = Handout.objects.filter(program=OuterRef("pk")).order_by("-version")
        return self.annotate(
            latest_version=Subquery(latest.values("version")[:1]),
            latest_issued_at=Subquery(latest.values("issued_at")[:1]),
        )


class Program(models.Model):
    """A patient's home program, or (with no patient) a clinic template."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="programs")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="programs", null=True, blank=True)
    title = models.CharField(_("title"), max_length=120)
    goal = models.TextField(_("goal or diagnosis"), max_length=1000, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    duration_weeks = models.PositiveSmallIntegerField(
        _("duration (weeks)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    general_instructions = models.TextField(
        _("general instructions"),
        max_length=3000,
        blank=True,
        help_text=_("Warm-up, when to stop, when to call the clinic."),
    )
    tracker = models.BooleanField(
        _("print the weekly tracker"),
        default=True,
        help_text=_("Untick to issue the handout without the tick-box pages."),
    )
    # Optimistic locking: every saved change bumps it; a form based on an older
    # revision is refused instead of silently overwriting a colleague's edit.
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_weeks__gte=1, duration_weeks__lte=52),
                name="program_duration_weeks_range",
            )
        ]
        # The patient list reads the programs of its page's patients in the current clinic.
        indexes = [models.Index(fields=["clinic", "patient"], name="program_clinic_patient_idx")]
        verbose_name = _("program")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("prescriptions:program-builder", args=[self.pk])

    @property
    def is_template(self) -> bool:
        return self.patient_id is None

    @property
    def end_date(self):
        """The first day after the program (exclusive end); ``last_day`` is the printed one."""
        return program_end_date(self.start_date, self.duration_weeks)

    @property
    def last_day(self):
        """The program's last day, inclusive (None without a start date): "until" everywhere."""
        return last_day(self.start_date, self.duration_weeks)

    def period(self, *, unset_start=None) -> Period | None:
        """The program's days, from the one schedule; ``unset_start`` stands in for a missing start date."""
        return program_period(self.start_date, self.duration_weeks, unset_start=unset_start)

    def archive(self):
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def bump_revision(self):
        """Record that the program changed (items, notes, fields) for concurrent editors."""
        Program.objects.filter(pk=self.pk).update(revision=models.F("revision") + 1, updated_at=timezone.now())
        self.refresh_from_db(fields=["revision", "updated_at"])

    def estimated_minutes(self, items=None) -> int:
        items = self.items.all() if items is None else items
        return round(sum(estimate_seconds(item) for item in items) / 60)


class ProgramItem(Dose):
    """An exercise in a program, with its own dose and a note to the patient."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    # PROTECT: an exercise used by any program is retired, never deleted.
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="program_items")
    order = models.PositiveSmallIntegerField(default=0)
    patient_note = models.CharField(_("note to the patient"), max_length=500, blank=True)
    # Optimistic locking per item: a dose save names the revision its form was built from,
    # so two clinicians editing different items never refuse each other, while two edits
    # of the same item from different pages are caught. Program-wide changes (order,
    # removal, details) keep the program's own revision.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta(Dose.Meta):
        ordering = ["order", "pk"]
        verbose_name = _("program item")

    def __str__(self):
        return f"{self.program}: {self.exercise}"


class ClinicExerciseQuerySet(ClinicScopedQuerySet):
    def exercise_ids(self):
        """The owned exercises' ids, as a subquery for ``Exercise.objects.usable(also=...)``."""
        return self.values("exercise_id")


class ClinicExercise(models.Model):
    """Makes an exercise one clinic's own: only that clinic finds, sees, edits and prescribes it.

    The exercise itself is an ordinary ``Exercise`` kept out of the shared catalogue
    (``in_catalogue=False``), so programs, dose wording and the handout treat it like any other.
    """

    exercise = models.OneToOneField(
        Exercise, on_delete=models.CASCADE, primary_key=True, related_name="clinic_ownership"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="own_exercises")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The catalogue exercise it was copied from ("Copy and edit"), for the clinic's information.
    copied_from = models.ForeignKey(Exercise, on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicExerciseQuerySet.as_manager()

    class Meta:
        verbose_name = _("clinic exercise")

    def __str__(self):
        return f"{self.exercise} ({self.clinic})"

    def get_absolute_url(self):
        return reverse("prescriptions:clinic-exercise-detail", args=[self.pk])

    def editable_by(self, user, memberships) -> bool:
        """Clinic admins edit, retire and restore any of the clinic's exercises; clinicians their own.

        ``memberships``: the user's active memberships (``request.memberships``, already loaded).
        """
        membership = next((m for m in memberships if m.clinic_id == self.clinic_id), None)
        return membership is not None and (membership.is_admin or self.created_by_id == user.pk)


class FavouriteExercise(models.Model):
    """An exercise a clinician starred: listed first in the builder's search, and its own filter."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_exercises")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "exercise"], name="favourite_unique_user_exercise")]
        verbose_name = _("favourite exercise")

    def __str__(self):
        return f"{self.user}: {self.exercise}"


def clearance_letter_path(instance, filename):
    # Never keep the uploaded file name: it often holds the patient's name.
    return f"clearance-letters/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:5]}"


class ClearanceNote(models.Model):
    # What a clinician records (the form's fields, and what a new program copies from the last).
    RECORDED_FIELDS = [
        "cleared_by_name",
        "cleared_by_role",
        "cleared_on",
        "scope",
        "restrictions",
        "restricted_movements",
        "max_lift_kg",
        "restrictions_until",
        "valid_until",
        "letter",
    ]
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="clearance_notes")
    cleared_by_name = models.CharField(_("cleared by"), max_length=120)
    cleared_by_role = models.CharField(_("role"), max_length=120, blank=True)
    cleared_on = models.DateField(_("date cleared"), null=True, blank=True)
    scope = models.CharField(_("cleared for"), max_length=500)
    restrictions = models.TextField(_("restrictions and precautions"), max_length=2000, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The structured part of the restrictions, checked against every item of the program
    # (prescriptions.safety); the free text above stays for everything else.
    restricted_movements = MovementsField(
        _("movements to avoid"), help_text=_("Items involving any of these are flagged in the builder.")
    )
    max_lift_kg = models.DecimalField(
        _("maximum load to lift (kg)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    restrictions_until = models.DateField(
        _("restrictions apply until"),
        null=True,
        blank=True,
        help_text=_("Leave empty to apply them as long as the clearance is valid."),
    )
    letter = models.FileField(
        _("clearance letter"),
        storage=private_storage,
        upload_to=clearance_letter_path,
        blank=True,
        validators=[validate_file_size],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cleared_on", "pk"]
        verbose_name = _("clearance note")

    def __str__(self):
        return f"{self.cleared_by_name}: {self.scope}"

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def restrictions_end(self) -> date | None:
        """The last day the structured restrictions apply: their own date, else the note's valid-until."""
        return self.restrictions_until or self.valid_until

    @property
    def restricted_movement_labels(self) -> list[str]:
        return [movement_label(code) for code in self.restricted_movements]

    @property
    def has_structured_restrictions(self) -> bool:
        return bool(self.restricted_movements) or self.max_lift_kg is not None


class ConflictAcknowledgement(models.Model):
    """A clinician's decision to keep an item that conflicts with a clearance (or to issue under
    an expired one), with the reason. ``key`` names the conflict (``prescriptions.safety.Conflict.key``):
    when the conflict changes (another movement restricted, a heavier load), it no longer matches
    and a new decision is asked for.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="conflict_acknowledgements")
    # Empty for a conflict of the whole program (an expired clearance).
    item = models.ForeignKey(
        ProgramItem, on_delete=models.CASCADE, related_name="conflict_acknowledgements", null=True, blank=True
    )
    clearance_note = models.ForeignKey(
        ClearanceNote, on_delete=models.CASCADE, related_name="conflict_acknowledgements"
    )
    key = models.CharField(max_length=200)
    reason = models.CharField(_("reason"), max_length=300)
    patient_note = models.CharField(
        _("note for the patient"),
        max_length=300,
        blank=True,
        help_text=_("Printed under the exercise on the handout."),
    )
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["acknowledged_at", "pk"]
        constraints = [
            # One decision per conflict: a double click or a second tab never records two.
            models.UniqueConstraint(
                fields=["clearance_note", "item", "key"],
                condition=models.Q(item__isnull=False),
                name="conflict_ack_unique_item",
            ),
            models.UniqueConstraint(
                fields=["clearance_note", "key"],
                condition=models.Q(item__isnull=True),
                name="conflict_ack_unique_program",
            ),
        ]
        verbose_name = _("conflict acknowledgement")

    def __str__(self):
        return f"{self.key}: {self.reason}"


def handout_filename(*, version: int | None, issued_on: date | str) -> str:
    """The PDF's file name: its version and the clinic's local date of issue (or "draft")."""
    day = issued_on if isinstance(issued_on, str) else issued_on.isoformat()
    if not version:
        return f"home-exercises-draft-{day}.pdf"
    return f"home-exercises-v{version}-{day}.pdf"


def handout_path(instance, filename):
    return f"handouts/{uuid.uuid4().hex}.pdf"


class HandoutQuerySet(ClinicScopedQuerySet):
    clinic_path = "program__clinic__"

    def newest(self) -> "Handout | None":
        """The newest version among these: the one every patient link of its program opens."""
        try:
            return self.latest()
        except self.model.DoesNotExist:
            return None

    def newest_for_token(self, token: str) -> "Handout | None":
        """The newest handout a patient link opens, or None if the link is unknown, revoked,
        expired, or its program or patient archived.

        One query. The handout carries ``snapshot_language``, ``link_pk``, ``clinic_pk`` and ``patient_pk`` for the
        view's audit entry, and ``program_revision``, ``program_updated_at`` and
        what the apps above register (``extensions.register_handout_annotation``; the
        patient's logs add ``logs_updated_at``): what the patient page's "Today" data depends on.
        Its snapshot is deferred.
        """
        links = ShareLink.objects.usable().by_token(token)
        return (
            self.filter(
                program__in=links.values("program"),
                program__archived_at__isnull=True,
                program__patient__archived_at__isnull=True,
            )
            .annotate(
                link_pk=Subquery(links.filter(program=OuterRef("program")).values("pk")[:1]),
                clinic_pk=models.F("program__clinic_id"),
                patient_pk=models.F("program__patient_id"),
                program_revision=models.F("program__revision"),
                program_updated_at=models.F("program__updated_at"),
                # The page's language, without loading the rest of the snapshot.
                snapshot_language=KeyTextTransform("language", "snapshot"),
                **handout_annotations(),
            )
            .defer("snapshot")
            .order_by("-version")
            .first()
        )


class Handout(models.Model):
    """An issued, frozen version of a program: the snapshot and its PDF, rendered once.

    A row exists only once its PDF is stored: an issue in progress is a ``HandoutClaim``.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="handouts")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    pdf = models.FileField(storage=private_storage, upload_to=handout_path)
    pdf_sha256 = models.CharField(max_length=64)
    page_count = models.PositiveSmallIntegerField(default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    # What the version says, without who issued it when (``snapshot.content_digest``): issuing
    # a program whose content has not changed returns this version instead of a new one.
    content_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    objects = HandoutQuerySet.as_manager()

    class Meta:
        ordering = ["program", "-version"]
        constraints = [models.UniqueConstraint(fields=["program", "version"], name="handout_unique_version")]
        get_latest_by = "version"

    def __str__(self):
        return f"{self.program} v{self.version}"

    @property
    def filename(self) -> str:
        return handout_filename(version=self.version, issued_on=timezone.localdate(self.issued_at))


class HandoutClaim(models.Model):
    """An issue in progress: the next version number and its snapshot, waiting for its PDF.

    One per program, taken by the issue request in one short transaction together with the
    render task (``handout.issue.render_handout``); a double click or a second tab finds it and
    answers with the same version. The task renders with no transaction or lock held and stores
    the ``Handout``, then deletes the claim. Each task run takes the claim with a new ``attempt``
    number and a ``render_started_at``: a run older than ``handout.issue.render_lease()`` belongs
    to a worker that died, and the next run takes it over (only the newest attempt may store).
    A failed render stays here, ``failed_at`` set, for the builder to show with a retry.
    """

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="handout_claim")
    version = models.PositiveIntegerField()
    content_sha256 = models.CharField(max_length=64)
    # Exactly what the version prints, frozen by the request (the worker reads nothing else).
    snapshot = models.JSONField(default=dict)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    attempt = models.PositiveIntegerField(default=0)
    render_started_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"{self.program} v{self.version} (issuing)"

    @property
    def has_failed(self) -> bool:
        return self.failed_at is not None


class ShareLinkQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def by_token(self, token: str):
        return self.filter(token_hash=hash_token(token))


class ShareLinkChannel(models.TextChoices):
    PRINTED = "printed", _("Printed on the handout")
    EMAIL = "email", _("Sent by email")
    COPIED = "copied", _("Copied by the clinician")


class ShareLink(models.Model):
    """A patient's private link. Only a hash of the token is stored.

    The raw token exists only where it was handed over (the printed QR code, an email,
    the clinician's clipboard), so each hand-over is its own link: one can be revoked
    without breaking the others, and every link opens the newest issued version.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(
        _("handed over"), max_length=10, choices=ShareLinkChannel.choices, default=ShareLinkChannel.COPIED
    )
    # The handout whose PDF prints this link, or the email that carried it.
    handout = models.ForeignKey(
        "Handout", on_delete=models.SET_NULL, null=True, blank=True, related_name="printed_links"
    )
    delivery = models.OneToOneField(
        "Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="share_link"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Views are not counted here: each view's audit entry is its record (one INSERT per view,
    # no UPDATE of this row, which every view of the link would otherwise wait on).

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"link #{self.pk} for program {self.program_id}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# A delivery on its way: at most one per handout and address (a double click queues nothing more).
DELIVERY_IN_FLIGHT = [DeliveryStatus.QUEUED, DeliveryStatus.SENDING]


class Delivery(models.Model):
    """One email of a handout to a patient."""

    handout = models.ForeignKey(Handout, on_delete=models.PROTECT, related_name="deliveries")
    to_email = models.EmailField(_("to"))
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A double click can never queue the same handout twice for one address.
            models.UniqueConstraint(
                fields=["handout", "to_email"],
                condition=models.Q(status__in=DELIVERY_IN_FLIGHT),
                name="delivery_one_queued_per_address",
            )
        ]
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.handout} → delivery #{self.pk} ({self.status})"


class StarterTemplate(models.Model):
    """A program every clinic is offered, written from a public program (one per file of
    ``prescriptions/starters/``, loaded by ``manage.py load_starters``). It belongs to no clinic:
    a clinic copies it into its own templates (``services.starter_copy``) and edits the copy."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # Shown to clinicians beside the name; the copy's handout never prints it (nor any source).
    source = models.CharField(_("source"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("starter template")

    def __str__(self):
        return self.name


class StarterItem(Dose):
    """An exercise of a starter template with its dose: the exercise's default, changed where the
    public program says otherwise."""

    starter = models.ForeignKey(StarterTemplate, on_delete=models.CASCADE, related_name="items")
    # PROTECT: an exercise a starter uses is retired, never deleted (as for program items).
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="starter_items")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(Dose.Meta):
        ordering = ["order", "pk"]
        verbose_name = _("starter item")

    def __str__(self):
        return f"{self.starter}: {self.exercise}"
