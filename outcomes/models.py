"""Instruments loaded from definition files, the measures scheduled on a program, and the answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outcomes.definitions import Answer, score
from patients.models import ClinicScopedQuerySet


class Instrument(models.Model):
    """A questionnaire as its definition file says (``outcomes/instruments/*.json``)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=20)
    definition = models.JSONField(_("definition"))
    imported_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("outcome instrument")

    def __str__(self):
        return f"{self.short_name} – {self.name}"

    @property
    def higher_is_better(self) -> bool:
        return self.definition["higher_is_better"]

    @property
    def mcid(self) -> Decimal:
        return Decimal(str(self.definition["mcid"]["value"]))


class ProgramMeasureQuerySet(ClinicScopedQuerySet):
    clinic_path = "program__clinic__"


class ProgramMeasure(models.Model):
    """An instrument scheduled on a program: at the start, every N weeks, at the end."""

    program = models.ForeignKey("prescriptions.Program", on_delete=models.PROTECT, related_name="measures")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    at_start = models.BooleanField(_("at the start"), default=True)
    every_weeks = models.PositiveSmallIntegerField(_("every N weeks"), null=True, blank=True)
    at_end = models.BooleanField(_("at the end"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProgramMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["program", "instrument__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "instrument"], name="measure_one_per_program_instrument"),
            models.CheckConstraint(
                condition=models.Q(every_weeks__isnull=True) | models.Q(every_weeks__gte=1, every_weeks__lte=52),
                name="measure_every_weeks_range",
            ),
        ]
        verbose_name = _("program measure")

    def __str__(self):
        return f"{self.program_id} {self.instrument_id}"

    def due_dates(self) -> list[date]:
        from outcomes.schedule import due_dates

        return due_dates(
            start=self.program.start_date,
            weeks=self.program.duration_weeks,
            at_start=self.at_start,
            every_weeks=self.every_weeks,
            at_end=self.at_end,
        )


class ResponseSource(models.TextChoices):
    LINK = "link", _("Patient link")
    PAPER = "paper", _("Paper form")


class Response(models.Model):
    """One answering of a measure for one due date; finished when ``completed_at`` is set."""

    measure = models.ForeignKey(ProgramMeasure, on_delete=models.PROTECT, related_name="responses")
    due_on = models.DateField(_("due on"))
    answered_on = models.DateField(_("answered on"))
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["measure", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "due_on"], name="response_one_per_measure_due_date"),
        ]
        verbose_name = _("outcome response")

    def __str__(self):
        return f"{self.measure_id} {self.due_on}: {self.score}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def answer_map(self) -> dict[str, Answer]:
        return {row.item: Answer(row.value, row.text) for row in self.answers.all()}

    def rescore(self) -> Decimal | None:
        return score(self.measure.instrument.definition, self.answer_map())


class ItemAnswer(models.Model):
    """One item's answer: the number chosen and, for a patient-named activity, its name."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=40)
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["response", "pk"]
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="answer_one_per_item")]

    def __str__(self):
        return f"{self.response_id} {self.item}={self.value}"
