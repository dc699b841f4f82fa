"""What comes back from the patient: sessions done, pain, difficulty and a note, per day.

A day's log belongs to the program (not to a handout version), so it survives re-issue. It is
written through a live patient link or transcribed from the paper tracker by a clinician, and
says which. Models only; the write is ``progress.log_services.day_log_save``. The tables keep the names
of the models' first home, ``prescriptions`` (``db_table``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exercises.models import Exercise

PAIN_MAX = 10
NOTE_MAX_LENGTH = 500
# A day can be filled in or corrected through the link today and this many days before.
EDITABLE_DAYS = 3


class LogSource(models.TextChoices):
    LINK = "link", _("Patient link")
    PAPER = "paper", _("Paper tracker")


class Difficulty(models.TextChoices):
    TOO_EASY = "too_easy", _("Too easy")
    ABOUT_RIGHT = "about_right", _("About right")
    TOO_HARD = "too_hard", _("Too hard")


class DayLog(models.Model):
    """One program's day: the pain score and note, with one ``ExerciseLog`` per exercise."""

    # PROTECT: logs are clinical history; a program is archived, never deleted.
    program = models.ForeignKey("prescriptions.Program", on_delete=models.PROTECT, related_name="day_logs")
    day = models.DateField(_("day"))
    pain = models.PositiveSmallIntegerField(
        _("pain (0–10)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(PAIN_MAX)]
    )
    note = models.CharField(_("note to the clinician"), max_length=NOTE_MAX_LENGTH, blank=True)
    source = models.CharField(max_length=10, choices=LogSource.choices)
    # Who typed a paper tracker in (empty for the patient's own entries).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(
        "prescriptions.ShareLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        # The table of its first home (prescriptions): the move to progress changed no table.
        db_table = "prescriptions_daylog"
        ordering = ["program", "day"]
        constraints = [
            models.UniqueConstraint(fields=["program", "day"], name="daylog_one_per_program_day"),
            models.CheckConstraint(condition=models.Q(pain__lte=PAIN_MAX), name="daylog_pain_range"),
        ]
        verbose_name = _("day log")

    def __str__(self):
        return f"{self.program_id} {self.day}"

    @property
    def source_label(self) -> str:
        if self.source == LogSource.PAPER and self.entered_by_id:
            name = self.entered_by.get_full_name() or self.entered_by.get_username()
            return str(_("Paper tracker, typed in by %(name)s")) % {"name": name}
        return str(self.get_source_display())


class ExerciseLog(models.Model):
    """One exercise on one day: sessions done and how hard it felt."""

    day_log = models.ForeignKey(DayLog, on_delete=models.CASCADE, related_name="entries")
    # The item may later be removed from the program; the exercise keeps the history readable.
    item = models.ForeignKey(
        "prescriptions.ProgramItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="logs"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    sessions_done = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(6)])
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, blank=True)

    class Meta:
        db_table = "prescriptions_exerciselog"
        ordering = ["day_log", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["day_log", "item"], name="exerciselog_one_per_item_day"),
            models.CheckConstraint(condition=models.Q(sessions_done__lte=6), name="exerciselog_sessions_range"),
        ]
        # "Marked too hard twice" reads a program's too-hard entries, not all its entries.
        indexes = [models.Index(fields=["day_log", "difficulty"], name="exerciselog_difficulty_idx")]

    def __str__(self):
        return f"{self.day_log} {self.exercise_id}: {self.sessions_done}"


class AttentionMark(models.Model):
    """When a clinician last marked a program's "Needs attention" reasons as seen.

    A reason shows again only when evidence newer than this arrives.
    """

    program = models.OneToOneField("prescriptions.Program", on_delete=models.CASCADE, related_name="attention_mark")
    seen_at = models.DateTimeField(default=timezone.now)
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "prescriptions_attentionmark"

    def __str__(self):
        return f"{self.program_id} seen {self.seen_at:%Y-%m-%d %H:%M}"
