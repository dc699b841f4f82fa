"""The dose of an exercise, and the one function that says it in plain language.

``Dose`` is an abstract model shared by the catalogue's default dose
(``Exercise``) and each program item (``ProgramItem``), so the bounds, the
database constraints and the wording can never drift apart.
"""

from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext, ngettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _

from exercises.wording import progression_problem

SEPARATOR = " · "

# (field, min, max): the one place the dose bounds are written down.
BOUNDS = {
    "sets": (1, 20),
    "reps": (1, 100),
    "duration_seconds": (5, 3600),
    "hold_seconds": (0, 300),
    "rest_seconds": (0, 600),
    "times_per_day": (1, 6),
    "days_per_week": (1, 7),
}


class Side(models.TextChoices):
    NA = "na", _("Not applicable")
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    EACH = "each", _("Each side")
    ALTERNATING = "alternating", _("Alternating")


class RepUnit(models.TextChoices):
    """What one repetition is called on the patient's dose line ("3 sets of 3 circles")."""

    UNSAID = "", _("(not said)")
    REPETITIONS = "repetitions", _("repetitions")
    LIFTS = "lifts", _("lifts")
    STRETCHES = "stretches", _("stretches")
    CIRCLES = "circles", _("circles")
    STEPS = "steps", _("steps")
    TURNS = "turns", _("turns")
    SLIDES = "slides", _("slides")
    PRESS_UPS = "press-ups", _("press-ups")
    SQUATS = "squats", _("squats")
    CURLS = "curls", _("curls")


# "1 lift", "10 lifts": each unit's plural forms, marked for makemessages (ngettext_lazy, the
# count given by the "n" key when formatted) so every language gets all its forms (Arabic six).
REP_UNIT_WORDS = {
    RepUnit.REPETITIONS: ngettext_lazy("%(n)d repetition", "%(n)d repetitions", "n"),
    RepUnit.LIFTS: ngettext_lazy("%(n)d lift", "%(n)d lifts", "n"),
    RepUnit.STRETCHES: ngettext_lazy("%(n)d stretch", "%(n)d stretches", "n"),
    RepUnit.CIRCLES: ngettext_lazy("%(n)d circle", "%(n)d circles", "n"),
    RepUnit.STEPS: ngettext_lazy("%(n)d step", "%(n)d steps", "n"),
    RepUnit.TURNS: ngettext_lazy("%(n)d turn", "%(n)d turns", "n"),
    RepUnit.SLIDES: ngettext_lazy("%(n)d slide", "%(n)d slides", "n"),
    RepUnit.PRESS_UPS: ngettext_lazy("%(n)d press-up", "%(n)d press-ups", "n"),
    RepUnit.SQUATS: ngettext_lazy("%(n)d squat", "%(n)d squats", "n"),
    RepUnit.CURLS: ngettext_lazy("%(n)d curl", "%(n)d curls", "n"),
}


WEEKDAYS = [
    ("mon", _("Mon")),
    ("tue", _("Tue")),
    ("wed", _("Wed")),
    ("thu", _("Thu")),
    ("fri", _("Fri")),
    ("sat", _("Sat")),
    ("sun", _("Sun")),
]
WEEKDAY_CODES = [code for code, _label in WEEKDAYS]


def _bounded(field):
    low, high = BOUNDS[field]
    message = _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


def _range_check(field, name):
    low, high = BOUNDS[field]
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=f"%(app_label)s_%(class)s_{name}",
    )


class Dose(models.Model):
    sets = models.PositiveSmallIntegerField(_("sets"), default=1, validators=_bounded("sets"))
    reps = models.PositiveSmallIntegerField(_("reps"), null=True, blank=True, validators=_bounded("reps"))
    rep_unit = models.CharField(
        _("counted as"),
        max_length=20,
        choices=RepUnit.choices,
        blank=True,
        help_text=_('What the patient counts: "3 sets of 10 lifts".'),
    )
    duration_seconds = models.PositiveIntegerField(
        _("duration (seconds)"),
        null=True,
        blank=True,
        validators=_bounded("duration_seconds"),
        help_text=_("For timed exercises, instead of reps."),
    )
    hold_seconds = models.PositiveSmallIntegerField(_("hold (seconds)"), default=0, validators=_bounded("hold_seconds"))
    rest_seconds = models.PositiveSmallIntegerField(_("rest (seconds)"), default=0, validators=_bounded("rest_seconds"))
    side = models.CharField(_("side"), max_length=12, choices=Side.choices, default=Side.NA)
    times_per_day = models.PositiveSmallIntegerField(_("times a day"), default=1, validators=_bounded("times_per_day"))
    days_per_week = models.PositiveSmallIntegerField(
        _("days a week"), null=True, blank=True, default=7, validators=_bounded("days_per_week")
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=27,
        blank=True,
        help_text=_("Chosen days, e.g. mon,wed,fri. Overrides days a week."),
    )
    rest_day = models.BooleanField(
        _("a rest day between sessions"),
        default=False,
        help_text=_("Tells the patient to leave a day between sessions (2 or 3 days a week)."),
    )
    load = models.CharField(_("load or resistance"), max_length=100, blank=True)
    progression_note = models.CharField(_("progression"), max_length=300, blank=True)

    DOSE_FIELDS = [
        "sets",
        "reps",
        "rep_unit",
        "duration_seconds",
        "hold_seconds",
        "rest_seconds",
        "side",
        "times_per_day",
        "days_per_week",
        "weekdays",
        "rest_day",
        "load",
        "progression_note",
    ]

    class Meta:
        abstract = True
        constraints = [
            _range_check("sets", "sets_range"),
            _range_check("reps", "reps_range"),
            _range_check("duration_seconds", "duration_range"),
            _range_check("hold_seconds", "hold_range"),
            _range_check("rest_seconds", "rest_range"),
            _range_check("times_per_day", "times_per_day_range"),
            _range_check("days_per_week", "days_per_week_range"),
            models.CheckConstraint(
                condition=(Q(reps__isnull=False) & Q(duration_seconds__isnull=True))
                | (Q(reps__isnull=True) & Q(duration_seconds__isnull=False)),
                name="%(app_label)s_%(class)s_reps_xor_duration",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True) | Q(hold_seconds__lt=models.F("duration_seconds")),
                name="%(app_label)s_%(class)s_hold_shorter_than_duration",
            ),
        ]

    def clean(self):
        super().clean()
        clean_dose(self)

    def dose_values(self) -> dict:
        return {name: getattr(self, name) for name in self.DOSE_FIELDS}

    @property
    def weekday_list(self) -> list[str]:
        return [code for code in self.weekdays.split(",") if code] if self.weekdays else []

    @property
    def dose_text(self) -> str:
        return describe_dose(self)

    @property
    def progression_problem(self) -> str:
        """Why the progression is not printed with this dose ("" when it is): see exercises.wording."""
        return progression_problem(self)


def clean_dose(dose) -> None:
    """Cross-field rules, raised against the field a clinician has to change."""
    errors = {}
    if dose.reps is None and dose.duration_seconds is None:
        errors["reps"] = _("Enter reps or a duration.")
    elif dose.reps is not None and dose.duration_seconds is not None:
        errors["duration_seconds"] = _("Enter reps or a duration, not both.")
    if (
        dose.duration_seconds is not None
        and dose.hold_seconds is not None
        and dose.hold_seconds >= dose.duration_seconds
    ):
        errors["hold_seconds"] = _("The hold must be shorter than the timed set (%(d)s seconds).") % {
            "d": dose.duration_seconds
        }
    unknown = [code for code in (dose.weekdays or "").split(",") if code and code not in WEEKDAY_CODES]
    if unknown:
        errors["weekdays"] = _("Choose days from Mon to Sun.")
    elif getattr(dose, "rest_day", False):
        days = session_days(dose)
        if days > MAX_REST_DAY_SESSIONS:
            errors["rest_day"] = _(
                "A rest day between sessions fits at most 3 days a week: choose fewer days or untick it."
            )
        elif _next_to_each_other(dose):
            errors["rest_day"] = _(
                "Two of the chosen days are next to each other: choose days with a day between them, or untick it."
            )
    if errors:
        raise ValidationError(errors)


# A rest day between sessions fits a week of at most this many sessions (Mon, Wed, Fri).
MAX_REST_DAY_SESSIONS = 3
REST_DAY_KINDS = frozenset({"strengthening"})


def rest_day_default(*, kind: str, days_per_week: int | None, weekdays: str) -> bool:
    """The catalogue default: strengthening 2–3 days a week leaves 48–72 hours between sessions."""
    days = session_days(SimpleNamespace(weekdays=weekdays, days_per_week=days_per_week))
    return kind in REST_DAY_KINDS and 2 <= days <= MAX_REST_DAY_SESSIONS


def _weekday_codes(dose) -> list[str]:
    return [code for code in (getattr(dose, "weekdays", "") or "").split(",") if code]


def session_days(dose) -> int:
    """Days a week with sessions: the named weekdays, else days a week (every day when unset)."""
    codes = _weekday_codes(dose)
    if codes:
        return len(set(codes))
    return min(dose.days_per_week or 7, 7)


def _next_to_each_other(dose) -> bool:
    indexes = sorted({WEEKDAY_CODES.index(code) for code in _weekday_codes(dose) if code in WEEKDAY_CODES})
    if len(indexes) < 2:
        return False
    # Sunday and the next Monday are neighbours too.
    return any((b - a) % 7 == 1 for a, b in zip(indexes, indexes[1:] + indexes[:1], strict=True))


def format_seconds(seconds: int) -> str:
    """A duration in one style everywhere: whole minutes in minutes, anything else in seconds
    ("2 minutes", "90 seconds"; never "1 min 30 seconds"). Catalogue progressions follow it
    too (tests/exercises/test_catalogue_wording.py)."""
    minutes, rest = divmod(int(seconds), 60)
    if minutes and not rest:
        return ngettext("%(m)d minute", "%(m)d minutes", minutes) % {"m": minutes}
    return ngettext("%(s)d second", "%(s)d seconds", int(seconds)) % {"s": int(seconds)}


def _count(reps: int, unit: str, *, sets: int) -> str:
    words = REP_UNIT_WORDS.get(unit)
    if words:
        return words % {"n": reps}
    # No unit chosen (doses from before units): "2 sets of 10", "10 repetitions", as ever.
    if sets == 1:
        return ngettext("%(n)d repetition", "%(n)d repetitions", reps) % {"n": reps}
    return number_format(reps)


def _volume(dose) -> str:
    sets = dose.sets or 1
    if dose.duration_seconds:
        amount = format_seconds(dose.duration_seconds)
    elif dose.reps:
        amount = _count(dose.reps, getattr(dose, "rep_unit", "") or "", sets=sets)
    else:
        return ""
    # The number is per side: "10 each side" cannot be read as 5 a side.
    if dose.side == Side.EACH:
        amount = _("%(amount)s each side") % {"amount": amount}
    elif dose.side == Side.ALTERNATING:
        amount = _("%(amount)s each side, alternating sides") % {"amount": amount}
    if sets == 1:
        return amount
    # ngettext though sets > 1 here: languages with a dual or several plurals (Arabic) word 2, 3 and 11 apart.
    return ngettext("%(sets)d set of %(amount)s", "%(sets)d sets of %(amount)s", sets) % {
        "sets": sets,
        "amount": amount,
    }


# Sides said apart from the volume; each side and alternating are said with it (see _volume).
_SIDE_TEXT = {
    Side.LEFT: _("left side"),
    Side.RIGHT: _("right side"),
}


def _per_day(times: int) -> str:
    if times == 1:
        return _("once a day")
    if times == 2:
        return _("twice a day")
    return ngettext("%(n)d time a day", "%(n)d times a day", times) % {"n": times}


def _days(dose) -> str:
    codes = [code for code in (dose.weekdays or "").split(",") if code]
    if codes:
        if len(set(codes)) == 7:
            return _("every day")
        labels = dict(WEEKDAYS)
        # The list's comma is the language's own (Arabic "، ", Chinese "、").
        return pgettext("list separator", ", ").join(str(labels[code]) for code in WEEKDAY_CODES if code in codes)
    if not dose.days_per_week or dose.days_per_week == 7:
        return _("every day")
    return ngettext("%(n)d day a week", "%(n)d days a week", dose.days_per_week) % {"n": dose.days_per_week}


def describe_frequency(dose) -> str:
    """How often, as the dose line says it: "3 times a day, every day" (never "21 sessions a week")."""
    return _("%(per_day)s, %(days)s") % {"per_day": _per_day(dose.times_per_day or 1), "days": _days(dose)}


class _Wording(NamedTuple):
    """What the wording of a dose depends on (the progression note is not said in it)."""

    sets: int | None
    reps: int | None
    rep_unit: str
    duration_seconds: int | None
    hold_seconds: int | None
    rest_seconds: int | None
    side: str
    times_per_day: int | None
    days_per_week: int | None
    weekdays: str
    rest_day: bool
    load: str


def describe_dose(dose) -> str:
    """The dose as the patient reads it, e.g.
    "3 sets of 10 each side · hold 5 seconds · twice a day · Mon, Wed, Fri".

    Used everywhere a dose is shown: catalogue, builder, patient page, PDF.
    Accepts anything with the ``Dose`` attributes (a model or a snapshot).
    """
    # What only some doses' wording reads may be missing from a snapshot, as before the memo.
    wording = _Wording(
        dose.sets,
        getattr(dose, "reps", None),
        getattr(dose, "rep_unit", "") or "",
        getattr(dose, "duration_seconds", None),
        dose.hold_seconds,
        dose.rest_seconds,
        dose.side,
        dose.times_per_day,
        getattr(dose, "days_per_week", None),
        getattr(dose, "weekdays", ""),
        getattr(dose, "rest_day", False),
        dose.load,
    )
    try:
        return _described(*wording, get_language())
    except TypeError:  # an unhashable value: say it without the memo
        return _describe(wording)


# A page of thirty items, or a catalogue page, says the same few doses over and over: remember
# the wording per language (typed: 10 and 10.0 are told apart, as str() tells them apart).
@lru_cache(maxsize=4096, typed=True)
def _described(*values) -> str:
    return _describe(_Wording(*values[:-1]))


@receiver(setting_changed)
def _forget_wordings(*, setting, **kwargs):
    """Tests may swap the translations: the remembered wordings go with them."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _described.cache_clear()


def _describe(dose) -> str:
    parts = [_volume(dose)]
    if dose.hold_seconds:
        parts.append(_("hold %(t)s") % {"t": format_seconds(dose.hold_seconds)})
    side_text = _SIDE_TEXT.get(dose.side)
    if side_text:
        parts.append(str(side_text))
    if dose.load:
        parts.append(dose.load)
    # Rest is between sets: a one-set dose has none to mention.
    if dose.rest_seconds and (dose.sets or 1) > 1:
        parts.append(_("rest %(t)s between sets") % {"t": format_seconds(dose.rest_seconds)})
    parts.append(_per_day(dose.times_per_day or 1))
    parts.append(_days(dose))
    if getattr(dose, "rest_day", False) and session_days(dose) <= MAX_REST_DAY_SESSIONS:
        parts.append(_("leave a day between sessions"))
    return SEPARATOR.join(str(part) for part in parts if part)


# Seconds a patient needs to move into position and do one repetition.
SECONDS_PER_REP = 4


def estimate_seconds(dose) -> int:
    """Rough time one session of this exercise takes, rest included."""
    sets = dose.sets or 1
    if dose.duration_seconds:
        per_set = dose.duration_seconds
    else:
        per_set = (dose.reps or 0) * (SECONDS_PER_REP + (dose.hold_seconds or 0))
    if dose.side in (Side.EACH, Side.ALTERNATING):  # the number is per side
        per_set *= 2
    return sets * per_set + max(sets - 1, 0) * (dose.rest_seconds or 0)
