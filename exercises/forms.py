import json

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import validate_file_size
from exercises.models import BodyRegion, Equipment, Exercise, Kind, Position


class CatalogueSearchForm(forms.Form):
    """The catalogue search: used by the catalogue page and the program builder alike."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Body region"),
        queryset=BodyRegion.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any region"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices], required=False)
    position = forms.ChoiceField(
        label=_("Position"), choices=[("", _("Any position")), *Position.choices], required=False
    )
    equipment = forms.ModelChoiceField(
        label=_("Equipment"),
        queryset=Equipment.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any equipment"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"

    def results(self, *, also=None, starred=None, only_starred=False):
        """Published exercises matching the valid filters; invalid filters are ignored.

        The caller may widen and order the search without this app knowing why: ``also`` is a
        queryset of further exercise ids to include (besides the catalogue), ``starred`` a
        queryset of exercise ids listed first when nothing is typed (``only_starred``: only
        those). Both stay subqueries, so the number of queries does not change.
        """
        qs = Exercise.objects.usable(also)
        if starred is not None:
            qs = qs.annotate(
                starred=models.ExpressionWrapper(models.Q(pk__in=starred), output_field=models.BooleanField())
            )
            if only_starred:
                qs = qs.filter(starred=True)
        data = self.cleaned_data if self.is_valid() else {}
        ranked = bool(data.get("q"))
        if ranked:
            qs = qs.search(data["q"])
        if data.get("region"):
            qs = qs.filter(body_regions=data["region"])
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("position"):
            qs = qs.filter(position=data["position"])
        if data.get("equipment"):
            qs = qs.filter(equipment=data["equipment"])
        # A search lists the best match first; browsing lists by name, starred ones first.
        if ranked:
            return qs.ranked()
        return qs.order_by("-starred", "name", "pk") if starred is not None else qs.order_by("name", "pk")


class CatalogueImportForm(forms.Form):
    """An uploaded catalogue file, parsed; ``catalogue_import`` decides whether its records are good."""

    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_("A JSON file made by “Export catalogue” or manage.py export_catalogue."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> dict:
        upload = self.cleaned_data["file"]
        validate_file_size(upload)
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(
                _("This file is not valid JSON (%(problem)s). Upload the file the export produced."),
                params={"problem": exc},
            ) from None
