"""The rows edited inside an exercise's change page: its steps and its pictures."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import BoundedJSONField, parse_id, parse_int
from exercises.models import ExercisePicture, ExerciseStep, ReviewState
from exercises.pictures import PoseError, pose_problems, validate_pose


def pose_checks(pose) -> tuple[list[str], list[str]]:
    """The step facts a pose is checked against (its constraints' words) and what it breaks."""
    if not pose:
        return [], []
    try:
        constraints = validate_pose(pose).get("constraints", [])
        problems = pose_problems(pose)
    except PoseError as exc:
        return [], [str(exc)]
    return list(dict.fromkeys(c["says"] for c in constraints if c.get("says"))), problems


class IdAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """The admin's autocomplete, shown again after an error without the values that are no id.

    Django's widget looks the sent values up to show them; "²" or a 5,000-digit number made that
    lookup raise (a 500) where the field itself had already refused them with a message.
    """

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if parse_id(v) is not None], attr)


class OrderedInlineForm(forms.ModelForm):
    """Rows keep the order typed in; a row left without a number goes to the end."""

    order = forms.IntegerField(label=gettext_lazy("Order"), required=False, min_value=0, max_value=999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial["order"] = None
        self.fields["order"].widget.attrs["class"] = "vSmallIntegerField"

    def clean_order(self):
        order = self.cleaned_data.get("order")
        return 1000 if order is None else order


class StepForm(OrderedInlineForm):
    class Meta:
        model = ExerciseStep
        fields = ["order", "text"]
        widgets = {"text": forms.TextInput(attrs={"class": "vLargeTextField", "size": 90})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The tabular inline has column headings but no <label>s: name each row for screen readers.
        try:  # "steps-0", ... for a row; "steps-__prefix__" for the blank row the page copies
            index = parse_int((self.prefix or "").rsplit("-", 1)[-1], min_value=0)
        except ValidationError:
            index = None
        self.fields["text"].widget.attrs["aria-label"] = (
            _("Step %(n)s") % {"n": index + 1} if index is not None else _("New step")
        )
        self.fields["order"].widget.attrs["aria-label"] = _("Order")


class ExerciseStepInline(admin.TabularInline):
    model = ExerciseStep
    form = StepForm
    fields = ["order", "text"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj else 3


class PictureForm(OrderedInlineForm):
    class Meta:
        model = ExercisePicture
        fields = ["order", "caption", "alt_text", "image", "pose", "mirror", "review_state"]
        field_classes = {"pose": BoundedJSONField}
        help_texts = {
            "image": gettext_lazy("PNG, JPEG, WebP or SVG. An uploaded picture is shown instead of the pose drawing."),
            "pose": gettext_lazy(
                'The drawing as JSON, e.g. {"base": "prone", "prop": "mat", "moving": ["leg_far"]}. '
                "Leave empty when you upload a picture."
            ),
        }
        widgets = {"pose": forms.Textarea(attrs={"rows": 4, "cols": 80, "class": "vLargeTextField"})}

    def clean_pose(self):
        """Refuse a drawing that breaks its own constraints, as the catalogue import does."""
        pose = self.cleaned_data.get("pose")
        if not pose:
            return pose
        try:
            problems = pose_problems(pose)
        except PoseError:
            return pose  # the model's clean() names what is wrong with the pose's format
        if problems:
            raise ValidationError(
                [_("The drawing contradicts the steps: %(problem)s.") % {"problem": problem} for problem in problems]
            )
        return pose

    def clean(self):
        data = super().clean()
        redrawn = {"pose", "mirror", "image"}.intersection(self.changed_data)
        if self.instance.pk and redrawn and "review_state" not in self.changed_data:
            # A review holds for the drawing looked at: a changed one needs a new look.
            data["review_state"] = ReviewState.NOT_REVIEWED
        return data


class ExercisePictureInline(admin.StackedInline):
    model = ExercisePicture
    form = PictureForm
    fields = ["preview", "checks", "review_state", "order", "caption", "alt_text", "image", "pose", "mirror"]
    readonly_fields = ["preview", "checks"]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj and obj.pictures.exists() else 1

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, picture):
        if not picture.pk or not (picture.image or picture.svg):
            return _("Saved pictures are shown here.")
        return format_html(
            '<img src="{}" alt="{}" width="300" height="200">',
            picture.url,
            picture.alt_text,
        )

    @admin.display(description=gettext_lazy("checked facts"))
    def checks(self, picture):
        facts, problems = pose_checks(picture.pose)
        if not facts and not problems:
            return _("No step facts are checked on this picture.")
        return format_html(
            '<ul class="picture-checks">{}{}</ul>',
            format_html_join("", '<li class="picture-check-ok">✓ {}</li>', ((fact,) for fact in facts)),
            format_html_join("", '<li class="picture-check-broken errornote">✗ {}</li>', ((p,) for p in problems)),
        )
