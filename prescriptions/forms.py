import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import validate_file_size, validate_image_upload, validate_pdf_upload
from exercises.dose import BOUNDS, WEEKDAYS, Dose, Side
from prescriptions.models import ClearanceNote, Program, ProgramItem, StarterTemplate


class RevisionField(forms.IntegerField):
    """The revision the page was built from (optimistic locking): the program's, or an item's."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


CLEARED_FOR = re.compile(r"^\s*cleared\s+for\b\s*:?\s*", re.IGNORECASE)


def bounded_integer(field: str, label, required: bool = False) -> forms.IntegerField:
    low, high = BOUNDS[field]
    message = _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        error_messages={"min_value": message, "max_value": message, "invalid": message, "required": message},
        # No min/max attributes: the server's message names the range, the browser's would not.
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control form-control-sm"}),
    )


class ProgramCreateForm(forms.Form):
    BLANK, TEMPLATE, COPY = "blank", "template", "copy"

    DEFAULT_TITLE = _("Home exercise program")

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        initial=DEFAULT_TITLE,
        help_text=_("Leave as it is to take the template's title."),
    )
    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            (BLANK, _("A blank program")),
            (TEMPLATE, _("A clinic template")),
            (COPY, _("A copy of another program")),
        ],
        initial=BLANK,
        widget=forms.RadioSelect,
    )
    template = forms.ModelChoiceField(label=_("Template"), queryset=Program.objects.none(), required=False)
    copy_of = forms.ModelChoiceField(label=_("Program to copy"), queryset=Program.objects.none(), required=False)
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    duration_weeks = forms.IntegerField(
        label=_("Duration (weeks)"),
        required=False,
        min_value=1,
        max_value=52,
        help_text=_("Leave empty to use the template's or copied program's duration (6 weeks for a blank one)."),
        error_messages={
            "min_value": _("Enter a number of weeks from 1 to 52."),
            "max_value": _("Enter a number of weeks from 1 to 52."),
            "invalid": _("Enter a number of weeks from 1 to 52."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    general_instructions = forms.CharField(
        label=_("General instructions"),
        required=False,
        max_length=3000,
        help_text=_(
            "Warm-up, when to stop, when to call the clinic. "
            "Leave empty to use the template's or copied program's instructions."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, templates, programs, fill_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        if fill_url:
            # Choosing a template fills title, weeks and instructions at once (the page again,
            # with ?template=<id> and what is typed so far, which is kept).
            self.fields["template"].widget.attrs.update(
                {
                    "hx-get": fill_url,
                    "hx-trigger": "change",
                    "hx-include": "[name=start_date], [name=title], [name=duration_weeks], [name=general_instructions]",
                    "hx-target": "#program-create-form",
                    "hx-select": "#program-create-form",
                    "hx-swap": "outerHTML",
                }
            )
        self.fields["copy_of"].queryset = programs
        self.fields["template"].widget.attrs["class"] = self.fields["copy_of"].widget.attrs["class"] = "form-select"
        for name in ("title", "start_date", "duration_weeks", "general_instructions"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["duration_weeks"].widget.attrs.pop("min", None)
        self.fields["duration_weeks"].widget.attrs.pop("max", None)

    def clean(self):
        data = super().clean()
        start = data.get("start")
        if start == self.TEMPLATE and not data.get("template"):
            self.add_error("template", _("Choose the template to start from."))
        if start == self.COPY and not data.get("copy_of"):
            self.add_error("copy_of", _("Choose the program to copy."))
        title = (data.get("title") or "").strip()
        if start == self.TEMPLATE and data.get("template") and title in ("", str(self.DEFAULT_TITLE)):
            title = data["template"].title  # the template's own name, unless the clinician typed one
        data["title"] = title or str(self.DEFAULT_TITLE)
        return data


class ProgramForm(forms.ModelForm):
    revision = RevisionField()

    class Meta:
        model = Program
        fields = ["title", "goal", "start_date", "duration_weeks", "review_date", "general_instructions", "tracker"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "goal": forms.Textarea(attrs={"rows": 2}),
            "general_instructions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_weeks"].error_messages.update(
            min_value=_("Enter a number of weeks from 1 to 52."), max_value=_("Enter a number of weeks from 1 to 52.")
        )
        self.fields["duration_weeks"].widget.attrs.pop("min", None)
        self.fields["tracker"].widget.attrs["class"] = "form-check-input"
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("review_date") and data["review_date"] < data["start_date"]:
            self.add_error("review_date", _("The review date must be on or after the start date."))
        return data


class ItemDoseForm(forms.ModelForm):
    """One program item's dose and note, edited inline in the builder."""

    revision = RevisionField()
    sets = bounded_integer("sets", _("Sets"), required=True)
    reps = bounded_integer("reps", _("Reps"))
    duration_seconds = bounded_integer("duration_seconds", _("Duration (s)"))
    hold_seconds = bounded_integer("hold_seconds", _("Hold (s)"))
    rest_seconds = bounded_integer("rest_seconds", _("Rest (s)"))
    times_per_day = bounded_integer("times_per_day", _("Times a day"), required=True)
    days_per_week = bounded_integer("days_per_week", _("Days a week"))
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    weekdays = forms.MultipleChoiceField(
        label=_("On these days"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProgramItem
        fields = [*Dose.DOSE_FIELDS, "patient_note"]
        widgets = {"patient_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["weekdays"] = self.instance.weekday_list
        self.fields["side"].widget.attrs["class"] = "form-select form-select-sm"
        for name in ("load", "progression_note", "patient_note"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

    def clean_hold_seconds(self):
        return self.cleaned_data["hold_seconds"] or 0

    def clean_rest_seconds(self):
        return self.cleaned_data["rest_seconds"] or 0

    def clean_weekdays(self):
        return ",".join(code for code, _label in WEEKDAYS if code in self.cleaned_data["weekdays"])

    def clean(self):
        data = super().clean()
        if data.get("weekdays"):
            # Chosen days say how many days a week; keep the two consistent.
            data["days_per_week"] = len(data["weekdays"].split(","))
        return data

    def dose_changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def validate_letter(upload):
    """A clearance letter: a real PDF, or a PNG/JPEG/WebP picture of one."""
    if not upload:
        return
    validate_file_size(upload)
    try:
        validate_pdf_upload(upload)
        return
    except ValidationError:
        pass
    try:
        validate_image_upload(upload)
    except ValidationError:
        raise ValidationError(_("Upload the letter as a PDF, PNG, JPEG or WebP file.")) from None


class ClearanceNoteForm(forms.ModelForm):
    revision = RevisionField()

    class Meta:
        model = ClearanceNote
        fields = ClearanceNote.RECORDED_FIELDS
        widgets = {
            "cleared_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "restrictions_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "restrictions": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"scope": _("Cleared for")}
        help_texts = {
            "cleared_by_name": _("e.g. Dr A. Smith"),
            "cleared_by_role": _("e.g. orthopaedic surgeon"),
            "cleared_on": _("Leave empty if you do not know the date."),
            # The handout prints "Cleared for: …", so the text continues that sentence.
            "scope": _("Continues “Cleared for: …”, e.g. a gentle spine conditioning program at home"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].validators.append(validate_letter)
        self.fields["restrictions"].label = _("Restrictions and precautions (free text)")
        self.fields["max_lift_kg"].error_messages.update(
            invalid=_("Enter the load in kilograms, like 5 or 2.5."),
            min_value=_("Enter a load from 0 to 500 kg."),
            max_value=_("Enter a load from 0 to 500 kg."),
            max_decimal_places=_("Give the load to one decimal place, like 2.5."),
        )
        for name, field in self.fields.items():
            if name != "restricted_movements":  # tick boxes keep Bootstrap's form-check look
                field.widget.attrs.setdefault("class", "form-control")

    def clean_scope(self) -> str:
        # The label already says "Cleared for"; typed again it would print "Cleared for: Cleared for …".
        scope = CLEARED_FOR.sub("", self.cleaned_data["scope"]).strip()
        if not scope:
            raise ValidationError(_("Say what the patient is cleared for, e.g. a gentle home exercise program."))
        return scope

    def clean(self):
        data = super().clean()
        if data.get("cleared_on") and data.get("valid_until") and data["valid_until"] < data["cleared_on"]:
            self.add_error("valid_until", _("“Valid until” must be on or after the date cleared."))
        until = data.get("restrictions_until")
        if data.get("cleared_on") and until and until < data["cleared_on"]:
            self.add_error("restrictions_until", _("Choose a day on or after the date cleared."))
        return data


class StarterCopyForm(forms.Form):
    """Which shared starter template to copy into the clinic's templates (named by its slug)."""

    starter = forms.ModelChoiceField(
        queryset=StarterTemplate.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": _("That starter program is no longer offered: choose another.")},
    )


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Template name"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "form-control"
