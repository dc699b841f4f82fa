"""The patient's forms on the link: one day of the log ("Today") and the calendar reminder's time."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from progress.log_services import DayEntry
from progress.models import NOTE_MAX_LENGTH, PAIN_MAX, Difficulty

# A day's sessions of one exercise are ticked one by one: "1" ... "6" (never more a day).
SESSION_TICKS = [(str(n), str(n)) for n in range(1, 7)]


class DayLogForm(forms.Form):
    """One day of the patient's log from the "Today" section, parsed and bounded by form fields.

    ``items`` are the exercises the section shows (``today.today_items``) and ``days`` the days
    the view offers; a field per exercise (``done-<pk>``, ``difficulty-<pk>``) is added for each.
    An empty ``day`` means the first of ``days`` that is today: the last one.
    """

    day = forms.DateField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Not saved: you can fill in today and the two days before.")},
    )
    pain = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=PAIN_MAX,
        error_messages={
            key: _("Choose a number from 0 (no pain) to 10 (worst pain).")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    note = forms.CharField(required=False, widget=forms.Textarea)

    def __init__(self, *args, items, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.items, self.days = items, days
        for item in items:
            self.fields[f"done-{item.pk}"] = forms.MultipleChoiceField(
                required=False,
                choices=SESSION_TICKS,
                error_messages={
                    "invalid_choice": _("Tick the sessions you did."),
                    "invalid_list": _("Tick the sessions you did."),
                },
            )
            self.fields[f"difficulty-{item.pk}"] = forms.ChoiceField(
                required=False,
                choices=[("", "")] + Difficulty.choices,
                error_messages={"invalid_choice": _("Choose one of the answers.")},
            )

    def clean_day(self) -> date:
        # No day offered at all before the program starts or after it ends (the one schedule's).
        day = self.cleaned_data["day"] or (self.days[-1] if self.days else None)
        if day is None or day not in self.days:
            raise ValidationError(_("Not saved: you can fill in today and the two days before."), code="not_offered")
        return day

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].replace("\r\n", "\n")
        if len(note) > NOTE_MAX_LENGTH:
            raise ValidationError(
                _("Keep the note to %(max)d characters (it has %(n)d)."),
                params={"max": NOTE_MAX_LENGTH, "n": len(note)},
                code="max_length",
            )
        return note

    def entry(self) -> DayEntry:
        """What was sent, as far as it is valid: the answers to save, or to show again beside the errors."""
        data = getattr(self, "cleaned_data", {})
        entry = DayEntry(pain=data.get("pain"), note=data.get("note", self.data.get("note", "")))
        for item in self.items:
            entry.sessions[item.pk] = len(data.get(f"done-{item.pk}", []))
            entry.difficulty[item.pk] = data.get(f"difficulty-{item.pk}", "")
        return entry

    def error_texts(self) -> dict[str, str]:
        """The first message of each field, by field name, as the "Today" section shows them."""
        return {name: errors[0] for name, errors in self.errors.items()}


class ReminderForm(forms.Form):
    """The time of the calendar reminder (``?time=18:00``): hours and minutes, nothing else."""

    time = forms.TimeField(input_formats=["%H:%M"], error_messages={"invalid": _("Choose a time such as 18:00.")})
