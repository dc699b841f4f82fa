"""Forms: scheduling a measure, and the answers of one questionnaire typed in from paper."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes.definitions import Answer, text_in
from outcomes.models import Instrument

ITEM_PREFIX = "item-"
NAME_PREFIX = "name-"


class MeasureForm(forms.Form):
    instrument = forms.ModelChoiceField(queryset=Instrument.objects.all(), label=_("Questionnaire"))
    at_start = forms.BooleanField(label=_("At the start"), required=False, initial=True)
    every_weeks = forms.IntegerField(
        label=_("Every N weeks"), required=False, min_value=1, max_value=52, help_text=_("Leave empty for none.")
    )
    at_end = forms.BooleanField(label=_("At the end"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if not (data.get("at_start") or data.get("every_weeks") or data.get("at_end")):
            raise forms.ValidationError(_("Choose at least one time: at the start, every N weeks or at the end."))
        return data


class AnswersForm(forms.Form):
    """One field per item (and a name field per patient-named activity), from the definition.

    "Save for later" accepts any subset of answers; "Finish" needs enough answers to score. A
    field the definition does not know is refused, so a stale or forged form is said, not lost.
    """

    finish = forms.BooleanField(required=False)

    def __init__(self, *args, definition: dict, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.items = definition["items"]
        for item in self.items:
            label = text_in(item["text"], language)
            if item["kind"] == "activity":
                self.fields[NAME_PREFIX + item["key"]] = forms.CharField(
                    label=_("%(item)s: the activity in the patient's words") % {"item": label},
                    required=False,
                    max_length=120,
                )
            self.fields[ITEM_PREFIX + item["key"]] = forms.IntegerField(
                label=label,
                required=False,
                min_value=item["min"],
                max_value=item["max"],
                error_messages={
                    "invalid": _("Type a whole number from %(min)d to %(max)d.") % item,
                    "min_value": _("The lowest answer is %(min)d.") % item,
                    "max_value": _("The highest answer is %(max)d.") % item,
                },
            )

    def clean(self):
        data = super().clean()
        known = set(self.fields) | {"csrfmiddlewaretoken", "due_on", "save"}
        unknown = sorted(name for name in self.data if name not in known)
        if unknown:
            raise forms.ValidationError(
                _("This form has answers to questions the questionnaire does not have (%(names)s): reload the page.")
                % {"names": ", ".join(name[:40] for name in unknown[:5])}
            )
        for item in self.items:
            if item["kind"] != "activity":
                continue
            name, value = data.get(NAME_PREFIX + item["key"], ""), data.get(ITEM_PREFIX + item["key"])
            if value is not None and not name.strip():
                self.add_error(NAME_PREFIX + item["key"], _("Write down the activity this rating is for."))
            if name.strip() and value is None and data.get("finish"):
                self.add_error(ITEM_PREFIX + item["key"], _("Rate this activity, or leave its name empty."))
        if not self.errors and not any(answer.value is not None or answer.text for answer in self.answers().values()):
            raise forms.ValidationError(_("Type in at least one answer before saving."))
        if data.get("finish") and not self.errors:
            answered = sum(1 for item in self.items if data.get(ITEM_PREFIX + item["key"]) is not None)
            needed = self.definition["scoring"]["min_answered"]
            if answered < needed:
                raise forms.ValidationError(
                    _("Answer at least %(needed)d question(s) to finish (%(answered)d answered), or save for later.")
                    % {"needed": needed, "answered": answered}
                )
        return data

    def answers(self) -> dict[str, Answer]:
        data = self.cleaned_data
        return {
            item["key"]: Answer(
                data.get(ITEM_PREFIX + item["key"]), (data.get(NAME_PREFIX + item["key"]) or "").strip()
            )
            for item in self.items
        }

    @staticmethod
    def initial_from(answers: dict[str, Answer]) -> dict:
        initial = {}
        for key, answer in answers.items():
            initial[ITEM_PREFIX + key] = answer.value
            initial[NAME_PREFIX + key] = answer.text
        return initial

    def rows(self):
        """The items in order, each with its rating field and, for an activity, its name field."""
        for item in self.items:
            yield {
                "item": item,
                "name": self[NAME_PREFIX + item["key"]] if item["kind"] == "activity" else None,
                "value": self[ITEM_PREFIX + item["key"]],
            }
