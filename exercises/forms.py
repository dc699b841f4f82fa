from functools import partial

from django import forms
from django.conf import settings
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.forms import parse_json
from core.validators import validate_file_size
from exercises.models import BodyRegion, Equipment, Exercise, Kind, Position


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python, not through a template per option.

    The search form is on every catalogue and builder request: Django's widget templates cost
    more there than the search's queries. The markup is the same as ``forms.Select``'s.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class CatalogueSearchForm(forms.Form):
    """The catalogue search: used by the catalogue page and the program builder alike."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    # Regions and equipment by slug: read once per form, for both the choices and the cleaning
    # (a ModelChoiceField reads its table twice, once more to check the chosen value).
    region = forms.ChoiceField(label=_("Body region"), required=False, widget=QuickSelect)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices], required=False, widget=QuickSelect
    )
    position = forms.ChoiceField(
        label=_("Position"),
        choices=[("", _("Any position")), *Position.choices],
        required=False,
        widget=QuickSelect,
    )
    equipment = forms.ChoiceField(label=_("Equipment"), required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._by_slug = {}
        self.fields["region"].choices = partial(self._choices, BodyRegion, _("Any region"))
        self.fields["equipment"].choices = partial(self._choices, Equipment, _("Any equipment"))
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"

    def _rows(self, model) -> dict:
        """``model``'s rows (BodyRegion or Equipment) by slug, in their order, read once per form."""
        if model not in self._by_slug:
            self._by_slug[model] = {row.slug: row for row in model.objects.all()}
        return self._by_slug[model]

    def _choices(self, model, empty_label) -> list[tuple[str, str]]:
        return [("", empty_label), *((slug, row.name) for slug, row in self._rows(model).items())]

    def clean_region(self) -> BodyRegion | None:
        slug = self.cleaned_data["region"]
        return self._rows(BodyRegion)[slug] if slug else None

    def clean_equipment(self) -> Equipment | None:
        slug = self.cleaned_data["equipment"]
        return self._rows(Equipment)[slug] if slug else None

    def also_ids(self):
        """A queryset of further exercise ids to search besides the catalogue's: none here.

        A caller widens the search by overriding it (the builder adds the clinic's own exercises),
        without this app knowing why. It stays a subquery: no query of its own.
        """
        return None

    def starred_ids(self):
        """A queryset of exercise ids listed first when nothing is typed: none here (the builder's favourites)."""
        return None

    def only_starred(self) -> bool:
        """Whether to show only the starred exercises."""
        return False

    def is_ranked(self) -> bool:
        """Whether the results are ranked by match (words were typed), not listed by name."""
        return self.is_valid() and bool(self.cleaned_data.get("q"))

    def results(self):
        """Published exercises matching the valid filters; invalid filters are ignored.

        Typed words list the best match first; browsing lists by name, the starred first.
        """
        qs = Exercise.objects.usable(self.also_ids())
        starred = self.starred_ids()
        if starred is not None:
            qs = qs.annotate(
                starred=models.ExpressionWrapper(models.Q(pk__in=starred), output_field=models.BooleanField())
            )
            if self.only_starred():
                qs = qs.filter(starred=True)
        data = self.cleaned_data if self.is_valid() else {}
        ranked = self.is_ranked()
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
        # One byte past the limit is enough to know a file is too large, whatever its stated size.
        return parse_json(upload.read(settings.MAX_UPLOAD_BYTES + 1), max_bytes=settings.MAX_UPLOAD_BYTES)
