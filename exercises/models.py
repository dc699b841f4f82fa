import hashlib
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode

from core.svg import validate_svg_upload
from core.validators import validate_file_size, validate_image_upload
from exercises.dose import Dose, describe_dose
from exercises.movements import MovementsField, movement_label
from exercises.pictures import PoseError, render_pose_svg, validate_pose


def normalize_search_text(text: str) -> str:
    """Lower-case ASCII words, so "Pronë LEG-lift" and "prone leg lift" compare equal."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", unidecode(text or "").lower()).split())


validate_https_url = URLValidator(schemes=["https"], message=_("Enter an https:// address."))


class BodyRegion(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("body region")

    def __str__(self):
        return self.name


class Equipment(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self):
        return self.name


class Kind(models.TextChoices):
    STRETCH = "stretch", _("Stretch")
    STRENGTHENING = "strengthening", _("Strengthening")
    MOBILITY = "mobility", _("Mobility")
    MOTOR_CONTROL = "motor-control", _("Motor control")
    BALANCE = "balance", _("Balance")
    CONDITIONING = "conditioning", _("Conditioning")


class Position(models.TextChoices):
    PRONE = "prone", _("Lying face down")
    SUPINE = "supine", _("Lying on your back")
    SIDE_LYING = "side-lying", _("Lying on your side")
    QUADRUPED = "quadruped", _("On hands and knees")
    KNEELING = "kneeling", _("Kneeling")
    SITTING = "sitting", _("Sitting")
    STANDING = "standing", _("Standing")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MODERATE = "moderate", _("Moderate")
    HARD = "hard", _("Hard")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


def _search_rank(phrase: str) -> models.Case:
    """How well an exercise's names match the search, best first (plain comparisons of stored columns):

    0 the name is the phrase; 1 an other name is the phrase ("plank" is Forearm plank's other
    name, so it comes before "Plank on knees"); 2 the name starts with it; 3 an other name
    starts with it; 4 the name contains it; 5 an other name contains it; 6 the words are found
    elsewhere (in any order, or in the muscles or summary).
    """
    return models.Case(
        models.When(search_name=phrase, then=Value(0)),
        models.When(search_other_names__contains=f"\n{phrase}\n", then=Value(1)),
        models.When(search_name__startswith=phrase, then=Value(2)),
        models.When(search_other_names__contains=f"\n{phrase}", then=Value(3)),
        models.When(search_name__contains=phrase, then=Value(4)),
        models.When(search_other_names__contains=phrase, then=Value(5)),
        default=Value(6),
        output_field=models.IntegerField(),
    )


# The columns fill_search_fields() keeps.
SEARCH_FIELDS = ("search_text", "search_name", "search_other_names")


class ExerciseQuerySet(models.QuerySet):
    def published(self):
        """The shared catalogue as clinicians see it: published, and not one organisation's own."""
        return self.filter(status=Status.PUBLISHED, in_catalogue=True)

    def catalogue(self):
        """Every exercise of the shared catalogue, whatever its status (admin, import, export)."""
        return self.filter(in_catalogue=True)

    def usable(self, also=None):
        """Published exercises a program may use: the catalogue's, and those of ``also``.

        ``also`` is a queryset of exercise ids (or ``None``) chosen by the caller, e.g. the
        exercises one clinic owns; it stays a subquery, so this costs no query of its own.
        """
        shared = models.Q(in_catalogue=True)
        if also is not None:
            shared |= models.Q(pk__in=also)
        return self.filter(shared, status=Status.PUBLISHED)

    def search(self, query: str):
        """Every word must appear in the name, other names, muscles or summary, in any order.

        Each match is annotated with ``search_rank`` (lower is better), for ``ranked()``. The
        words are matched against ``search_text`` alone, which holds all four fields normalised
        as the query is, so an index (pg_trgm on PostgreSQL) can serve the whole test.
        """
        words = normalize_search_text(query).split()[:8]
        qs = self
        for word in words:
            qs = qs.filter(search_text__contains=word)
        if not words:
            return qs.annotate(search_rank=Value(6))
        return qs.annotate(search_rank=_search_rank(" ".join(words)))

    def ranked(self):
        """Best match first (see ``_search_rank``), then shorter names, then by name."""
        return self.order_by("search_rank", Length("name"), "name", "pk")

    def without_movements(self, codes):
        """Leave out the exercises involving any of these movements.

        Matches the quoted code inside the stored JSON list: ``icontains`` works on a JSONField
        on every database we run (``contains`` has no SQLite implementation).
        """
        qs = self
        for code in sorted(codes):
            qs = qs.exclude(movements__icontains=f'"{code}"')
        return qs

    def for_cards(self):
        """What a result card shows, in a fixed number of queries."""
        return self.prefetch_related(card_pictures())


class Exercise(Dose):
    """A catalogue entry. Its dose fields are the default dose for new program items."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    other_names = models.TextField(_("other names"), blank=True, max_length=1000, help_text=_("One name per line."))
    summary = models.CharField(_("summary"), max_length=240)
    purpose = models.CharField(
        _("why (for the patient)"),
        max_length=200,
        blank=True,
        help_text=_('What the exercise does for the patient, in their words; printed as "Why: …" on the handout.'),
    )
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        max_length=1000,
        help_text=_('Conditions it is commonly used for, one per line ("rotator cuff", "ankle sprain"); searchable.'),
    )
    # Shown to clinicians (catalogue and admin), never on the patient's handout.
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("The published program the exercise and its default dose come from, and its publisher."),
    )
    body_regions = models.ManyToManyField(BodyRegion, verbose_name=_("body regions"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.CharField(_("starting position"), max_length=20, choices=Position.choices)
    equipment = models.ManyToManyField(Equipment, verbose_name=_("equipment"), blank=True)
    difficulty = models.CharField(_("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.EASY)
    movements = MovementsField(
        _("movements"),
        help_text=_("Every movement and load the exercise involves: clearance restrictions are checked against them."),
    )
    muscles = models.CharField(_("muscles worked"), max_length=300, blank=True, help_text=_("Comma-separated."))
    tips = models.TextField(_("tips"), blank=True, max_length=2000, help_text=_("One per line."))
    cautions = models.TextField(_("cautions"), blank=True, max_length=2000, help_text=_("One per line."))
    video_url = models.URLField(
        _("video link"), blank=True, validators=[validate_https_url], help_text=_("https only; shown as a link.")
    )
    progressions = models.ManyToManyField(
        "self", symmetrical=False, related_name="regressions", blank=True, verbose_name=_("progressions")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # False for an exercise that one organisation keeps for itself (the prescriptions app says
    # whose): it is left out of the catalogue pages, the admin's catalogue list and the export.
    in_catalogue = models.BooleanField(_("in the shared catalogue"), default=True, editable=False)
    # Kept by fill_search_fields(), normalised like the query: the words searched (name, other
    # names, muscles and summary), the name, and the other names one per line between newlines
    # ("\nplank\n" is an exact other name). The ranking compares them without any SQL function.
    search_text = models.TextField(editable=False, blank=True)
    search_name = models.TextField(editable=False, blank=True, default="")
    search_other_names = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta(Dose.Meta):
        ordering = ["name"]
        indexes = [
            # Catalogue pages list published exercises by name: an index serves the order and the limit.
            models.Index(fields=["status", "name", "id"], name="exercise_status_name_idx"),
            # The builder lists the catalogue and a clinic's own exercises: an index holding every
            # column of that test counts them without reading the rows.
            models.Index(fields=["status", "in_catalogue", "name", "id"], name="exercise_browse_idx"),
        ]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_search_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("exercises:exercise-detail", args=[self.slug])

    def fill_search_fields(self) -> None:
        """Set the stored search columns from the names, muscles and summary.

        ``save()`` calls it; code that writes exercises without ``save()`` (``bulk_create``)
        calls it first.
        """
        self.search_text = normalize_search_text(
            " ".join(
                [self.name, self.other_names.replace("\n", " "), self.muscles, self.summary, self.conditions.replace("\n", " ")]
            )
        )
        self.search_name = normalize_search_text(self.name)
        others = [name for name in map(normalize_search_text, self.other_name_list) if name]
        self.search_other_names = "\n{}\n".format("\n".join(others)) if others else ""

    @property
    def condition_list(self) -> list[str]:
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]

    @property
    def other_name_list(self) -> list[str]:
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]

    def other_names_matching(self, query: str) -> list[str]:
        """The other names holding every word of ``query`` (what made a search find this exercise)."""
        words = normalize_search_text(query).split()
        if not words:
            return []
        return [name for name in self.other_name_list if all(word in normalize_search_text(name) for word in words)]

    @property
    def tip_list(self) -> list[str]:
        return [line.strip() for line in self.tips.splitlines() if line.strip()]

    @property
    def caution_list(self) -> list[str]:
        return [line.strip() for line in self.cautions.splitlines() if line.strip()]

    @property
    def muscle_list(self) -> list[str]:
        return [m.strip() for m in self.muscles.split(",") if m.strip()]

    @property
    def movement_labels(self) -> list[str]:
        return [movement_label(code) for code in self.movements]

    @property
    def default_dose_text(self) -> str:
        return describe_dose(self)

    def publish(self):
        self.status = Status.PUBLISHED
        self.save(update_fields=["status", "updated_at"])

    def retire(self):
        self.status = Status.RETIRED
        self.save(update_fields=["status", "updated_at"])

    def restore(self):
        """Back from retirement: published again."""
        self.status = Status.PUBLISHED
        self.save(update_fields=["status", "updated_at"])


class ExerciseStep(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("text"), max_length=400)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("step")

    def __str__(self):
        return self.text


def validate_picture_upload(upload):
    """PNG/JPEG/WebP must decode; SVG is parsed and rejected if it holds anything active."""
    if not upload:
        return
    validate_file_size(upload)
    if upload.name.lower().endswith(".svg"):
        validate_svg_upload(upload)
    else:
        validate_image_upload(upload)


def svg_digest(svg: str) -> str:
    return hashlib.sha256(svg.encode()).hexdigest()[:12] if svg else ""


class ExercisePictureQuerySet(models.QuerySet):
    def for_listing(self):
        """Pictures for <img> tags: their URL and alt text, without the drawing itself."""
        return self.defer("svg", "pose").order_by("order", "pk")


class ExercisePicture(models.Model):
    """A picture of one moment of the exercise: drawn from a pose, or uploaded.

    An uploaded image, where an admin adds one, takes precedence over the pose drawing.
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="pictures")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    caption = models.CharField(_("caption"), max_length=60, blank=True)
    alt_text = models.CharField(_("alt text"), max_length=300, help_text=_("Describe the position in words."))
    pose = models.JSONField(_("pose"), null=True, blank=True)
    mirror = models.BooleanField(_("mirror"), default=False)
    image = models.FileField(
        _("uploaded picture"), upload_to="exercise-pictures/", blank=True, validators=[validate_picture_upload]
    )
    # The pose drawn as SVG, kept so pages and PDFs never re-render it.
    svg = models.TextField(editable=False, blank=True)
    # Short hash of the drawing: versions its URL (cached forever) without loading the SVG.
    svg_version = models.CharField(max_length=12, editable=False, blank=True)

    objects = ExercisePictureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("picture")

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        self.svg = render_pose_svg(self.pose, mirror=self.mirror) if self.pose else ""
        self.svg_version = svg_digest(self.svg)
        super().save(*args, **kwargs)

    def clean(self):
        if not self.image and not self.pose:
            raise ValidationError(_("Give the picture a pose or upload an image."))
        if self.pose:
            try:
                validate_pose(self.pose)
            except PoseError as exc:
                raise ValidationError({"pose": str(exc)}) from None

    @property
    def url(self) -> str:
        if self.image:
            return self.image.url
        return reverse("exercises:picture-svg", args=[self.pk, self.svg_version])


def card_pictures() -> models.Prefetch:
    """The pictures a result card shows (``for_cards``), for a page of exercises fetched another way."""
    return models.Prefetch("pictures", queryset=ExercisePicture.objects.for_listing())
