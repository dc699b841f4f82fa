"""Forms for a clinic's own exercises and the builder's search with favourites."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import parse_id
from core.validators import validate_file_size, validate_image_upload
from exercises.forms import CatalogueSearchForm
from exercises.models import Exercise, ExercisePicture, Status
from prescriptions.models import ClinicExercise, FavouriteExercise

STEP_LIMIT = 20


class BuilderSearchForm(CatalogueSearchForm):
    """The catalogue search, plus the clinic's own exercises and the clinician's favourites."""

    favourites = forms.BooleanField(label=_("My favourites"), required=False)

    def __init__(self, *args, clinic, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic, self.user = clinic, user
        self.fields["favourites"].widget.attrs["class"] = "form-check-input"

    def also_ids(self):
        return ClinicExercise.objects.filter(clinic=self.clinic).exercise_ids()

    def starred_ids(self):
        return FavouriteExercise.objects.filter(user=self.user).values("exercise_id")

    def only_starred(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("favourites"))


def drawing_choices():
    """The catalogue's pose drawings a clinic exercise may reuse: "Bridge — Start", one per picture."""
    return (
        ExercisePicture.objects.filter(
            exercise__in_catalogue=True, exercise__status=Status.PUBLISHED, pose__isnull=False
        )
        .select_related("exercise")
        .defer("svg")
        .order_by("exercise__name", "order", "pk")
    )


class DrawingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, picture):
        return f"{picture.exercise.name} — {picture.caption or picture.alt_text}"


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids no database could hold before asking it (SQLite raises OverflowError on them)."""

    def clean(self, value):
        for item in value if isinstance(value, (list, tuple)) else []:
            if parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super().clean(value)


class ClinicExerciseForm(forms.ModelForm):
    """Everything a clinic writes about its exercise; its steps one per line, a photo or a drawing to add."""

    steps = forms.CharField(
        label=_("Steps"),
        help_text=_("One step per line, in order."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=STEP_LIMIT * 400,
    )
    photo = forms.FileField(
        label=_("Add a photo"),
        required=False,
        help_text=_("PNG, JPEG or WebP."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    photo_alt = forms.CharField(
        label=_("What the photo shows"),
        required=False,
        max_length=300,
        help_text=_("Read aloud to patients who cannot see it, e.g. “Lying on the back, feet on a step”."),
    )
    drawing = DrawingChoiceField(
        label=_("Add a drawing from the catalogue"), queryset=ExercisePicture.objects.none(), required=False
    )
    # When the exercise was last saved, as the form saw it: a save from an older form is refused
    # (another tab or a colleague saved in between), so nobody's edit is silently lost.
    edited_from = forms.CharField(widget=forms.HiddenInput, required=False)
    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", help_text=_("https only; shown as a link.")
    )
    remove_pictures = IdsChoiceField(
        label=_("Remove pictures"),
        queryset=ExercisePicture.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Exercise
        fields = [
            "name",
            "other_names",
            "summary",
            "purpose",
            "kind",
            "position",
            "difficulty",
            "body_regions",
            "equipment",
            "movements",
            "muscles",
            "cautions",
            "tips",
            "sets",
            "reps",
            "rep_unit",
            "duration_seconds",
            "hold_seconds",
            "rest_seconds",
            "side",
            "times_per_day",
            "days_per_week",
            "rest_day",
            "load",
            "progression_note",
            "video_url",
        ]
        widgets = {
            "other_names": forms.Textarea(attrs={"rows": 2}),
            "tips": forms.Textarea(attrs={"rows": 3}),
            "cautions": forms.Textarea(attrs={"rows": 3}),
            "body_regions": forms.CheckboxSelectMultiple,
            "equipment": forms.CheckboxSelectMultiple,
        }
        field_classes = {"body_regions": IdsChoiceField, "equipment": IdsChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drawing"].queryset = drawing_choices()
        if self.instance.pk:
            self.initial["edited_from"] = self.instance.updated_at.isoformat()
            self.fields["remove_pictures"].queryset = self.instance.pictures.order_by("order", "pk")
            self.initial.setdefault("steps", "\n".join(step.text for step in self.instance.steps.all()))
        else:
            del self.fields["remove_pictures"], self.fields["edited_from"]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    def clean_steps(self) -> list[str]:
        steps = [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]
        if not steps:
            raise forms.ValidationError(_("Write at least one step."))
        if len(steps) > STEP_LIMIT:
            raise forms.ValidationError(_("Keep to %(n)s steps or fewer."), params={"n": STEP_LIMIT})
        if any(len(step) > 400 for step in steps):
            raise forms.ValidationError(_("Keep each step under 400 characters."))
        return steps

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_file_size(photo)
            validate_image_upload(photo)
            # A random name: the file's address says nothing of the clinic or the upload's name.
            extension = photo.name.rsplit(".", 1)[-1]
            photo.name = f"{secrets.token_hex(16)}.{extension}"
        return photo

    def clean(self):
        data = super().clean()
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Say what the photo shows, for patients who cannot see it."))
        return data


def copy_initial(source: Exercise) -> dict:
    """The form's starting values when copying a catalogue exercise ("Copy and edit")."""
    initial = {field: getattr(source, field) for field in ClinicExerciseForm.Meta.fields if hasattr(source, field)}
    initial["body_regions"] = list(source.body_regions.all())
    initial["equipment"] = list(source.equipment.all())
    initial["steps"] = "\n".join(step.text for step in source.steps.all())
    initial["name"] = _("%(name)s (clinic)") % {"name": source.name}
    return initial
