"""The exercise list's filters an editor of 160+ exercises needs: source, condition, picture review."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from exercises.models import Exercise, ExercisePicture, ReviewState


class SourceFilter(admin.SimpleListFilter):
    title = _("source")
    parameter_name = "source"
    NONE = "-"  # no source yet: a value no source text is

    def lookups(self, request, model_admin):
        sources = Exercise.objects.catalogue().exclude(source="").values_list("source", flat=True).distinct()
        return [(self.NONE, _("No source")), *((source, source) for source in sorted(sources))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(source="" if self.value() == self.NONE else self.value())


class ConditionFilter(admin.SimpleListFilter):
    """One choice per condition line used in the catalogue; an exercise matches a whole line."""

    title = _("condition")
    parameter_name = "condition"

    def lookups(self, request, model_admin):
        conditions = set()
        for text in Exercise.objects.catalogue().exclude(conditions="").values_list("conditions", flat=True):
            conditions.update(line.strip() for line in text.splitlines() if line.strip())
        return [(condition, condition) for condition in sorted(conditions, key=str.lower)]

    def queryset(self, request, queryset):
        condition = self.value()
        if not condition:
            return queryset
        return queryset.filter(
            Q(conditions=condition)
            | Q(conditions__startswith=f"{condition}\n")
            | Q(conditions__endswith=f"\n{condition}")
            | Q(conditions__contains=f"\n{condition}\n")
        )


class ReviewStateFilter(admin.SimpleListFilter):
    """Exercises with a picture in the chosen review state ("all good": every picture good)."""

    title = _("picture review")
    parameter_name = "review"
    ALL_GOOD = "all-good"

    def lookups(self, request, model_admin):
        return [
            (ReviewState.NOT_REVIEWED, _("A picture not reviewed")),
            (ReviewState.UNCLEAR, _("A picture unclear")),
            (ReviewState.CONTRADICTS, _("A picture contradicts its steps")),
            (self.ALL_GOOD, _("Every picture good")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        pictures = ExercisePicture.objects.filter(exercise=OuterRef("pk"))
        if value == self.ALL_GOOD:
            return queryset.filter(Exists(pictures)).exclude(Exists(pictures.exclude(review_state=ReviewState.GOOD)))
        if value in ReviewState.values:
            return queryset.filter(Exists(pictures.filter(review_state=value)))
        return queryset
