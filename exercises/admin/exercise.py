"""The exercise admin: list, filters, change page, actions, preview, import and export."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, ProtectedError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.storage import StorageUnavailable, discard, store_upload
from exercises.admin.filters import ConditionFilter, ReviewStateFilter, SourceFilter
from exercises.admin.inlines import (
    ExercisePictureInline,
    ExerciseStepInline,
    IdAutocompleteSelectMultiple,
    pose_checks,
)
from exercises.forms import CatalogueImportForm
from exercises.models import Exercise, ExercisePicture, ExerciseStep, Status
from exercises.services import CatalogueImportError, catalogue_export_json, catalogue_import

PICTURE_NOT_STORED = gettext_lazy(
    "The picture could not be stored: the file storage is full or unavailable. "
    "Nothing was saved; try again in a minute."
)


def status_changed_message() -> list:
    """The change message Django's own forms would log: the field's label, stored untranslated."""
    with translation.override(None):
        return [{"changed": {"fields": [str(capfirst(Exercise._meta.get_field("status").verbose_name))]}}]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "name", "status", "regions", "kind", "position", "source", "updated_at"]
    list_display_links = ["thumbnail", "name"]
    list_filter = [
        "status",
        "body_regions",
        SourceFilter,
        ConditionFilter,
        ReviewStateFilter,
        "kind",
        "position",
        "equipment",
    ]
    # The search runs on the normalised name, other names and muscles: see get_search_results.
    search_fields = ["search_text"]
    search_help_text = gettext_lazy("Name, other name or muscle; case, accents and word order do not matter.")
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["progressions"]
    readonly_fields = ["pictures_beside_steps", "created_at", "updated_at"]
    inlines = [ExerciseStepInline, ExercisePictureInline]
    actions = ["publish", "retire", "delete_unless_used"]
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin-exercises.css"]}

    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "other_names", "summary", "purpose"]}),
        (gettext_lazy("Where it comes from"), {"fields": ["source", "conditions"]}),
        (gettext_lazy("Pictures against the steps"), {"fields": ["pictures_beside_steps"]}),
        (
            gettext_lazy("Description"),
            {"fields": ["kind", "position", "difficulty", "body_regions", "equipment", "movements", "muscles"]},
        ),
        (
            gettext_lazy("Default dose"),
            {
                "fields": [
                    ("sets", "reps", "rep_unit", "duration_seconds"),
                    ("hold_seconds", "rest_seconds"),
                    "side",
                    ("times_per_day", "days_per_week", "weekdays"),
                    "rest_day",
                    "load",
                    "progression_note",
                ]
            },
        ),
        (gettext_lazy("Advice"), {"fields": ["tips", "cautions", "video_url"]}),
        (gettext_lazy("Related exercises"), {"fields": ["progressions"]}),
        (gettext_lazy("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # The shared catalogue only: an organisation's own exercises are its private clinical
        # material, edited in the app by its members and by no platform role (list, change,
        # delete, preview and export all look exercises up here).
        return (
            super()
            .get_queryset(request)
            .catalogue()
            .prefetch_related(
                "body_regions",
                models.Prefetch("pictures", queryset=ExercisePicture.objects.order_by("order", "pk")),
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("body_regions", "equipment"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = IdAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except StorageUnavailable:
            # The admin's transaction was rolled back, and the partly written picture removed.
            self.message_user(request, PICTURE_NOT_STORED, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request, form, formset, change):
        stored = []
        if formset.model is ExercisePicture:
            # Uploaded pictures are written first, each removed again if anything after it fails.
            for picture_form in formset.forms:
                upload = picture_form.cleaned_data.get("image") if picture_form.has_changed() else None
                if "image" in picture_form.changed_data and isinstance(upload, UploadedFile):
                    picture = picture_form.instance
                    stored.append(store_upload(picture, "image", upload, name=picture.image.name))
        try:
            self._save_formset(request, form, formset, change)
        except BaseException:
            for name in stored:
                discard(ExercisePicture._meta.get_field("image").storage, name)
            raise

    def _save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model in (ExerciseStep, ExercisePicture):
            # Number the rows 1, 2, 3... in the order chosen; unnumbered new rows were given 1000, so they go last.
            rows = list(formset.model.objects.filter(exercise=form.instance).order_by("order", "pk"))
            for number, row in enumerate(rows, start=1):
                row.order = number
            formset.model.objects.bulk_update(rows, ["order"])

    def get_search_results(self, request, queryset, search_term):
        if request.path.endswith("/autocomplete/"):
            # Progressions and regressions link catalogue exercises only, never an organisation's own.
            queryset = queryset.catalogue()
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    @admin.display(description=gettext_lazy("picture"))
    def thumbnail(self, exercise):
        pictures = exercise.pictures.all()
        if not pictures:
            return "—"
        picture = pictures[0]
        return format_html('<img src="{}" alt="{}" width="90" height="60">', picture.url, picture.alt_text)

    @admin.display(description=gettext_lazy("saved steps and pictures"))
    def pictures_beside_steps(self, exercise):
        """Each saved picture with the step facts it is checked against, beside the saved steps."""
        if not exercise.pk:
            return _("Save the exercise to see its pictures beside its steps.")
        pictures = [
            {"picture": picture, "facts": facts, "problems": problems}
            for picture in exercise.pictures.all()
            for facts, problems in [pose_checks(picture.pose)]
        ]
        return render_to_string(
            "admin/exercises/exercise/_pictures_beside_steps.html",
            {"steps": exercise.steps.all(), "pictures": pictures},
        )

    @admin.display(description=gettext_lazy("body regions"))
    def regions(self, exercise):
        return ", ".join(region.name for region in exercise.body_regions.all()) or "—"

    # Actions ---------------------------------------------------------------

    def _set_status(self, request, queryset, status, label):
        changed = [exercise for exercise in queryset if exercise.status != status]
        for exercise in changed:
            exercise.status = status
            exercise.save(update_fields=["status", "updated_at"])
            self.log_change(request, exercise, status_changed_message())
        self.message_user(
            request,
            ngettext("%(n)d exercise %(label)s.", "%(n)d exercises %(label)s.", len(changed))
            % {"n": len(changed), "label": label},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Publish selected exercises"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED, _("published"))

    @admin.action(description=gettext_lazy("Retire selected exercises"), permissions=["change"])
    def retire(self, request, queryset):
        self._set_status(request, queryset, Status.RETIRED, _("retired"))

    @admin.action(description=gettext_lazy("Delete selected exercises"), permissions=["delete"])
    def delete_unless_used(self, request, queryset):
        """Django's bulk delete, refused when any selected exercise is used by a program."""
        in_use = list(queryset.filter(program_items__isnull=False).distinct().order_by("name"))
        if in_use:
            self.message_user(
                request,
                ngettext(
                    "Nothing was deleted: %(names)s is used by a program. Retire it instead with "
                    "“Retire selected exercises”: it leaves the catalogue but stays readable on programs.",
                    "Nothing was deleted: %(names)s are used by programs. Retire them instead with "
                    "“Retire selected exercises”: they leave the catalogue but stay readable on programs.",
                    len(in_use),
                )
                % {"names": ", ".join(f"“{exercise}”" for exercise in in_use)},
                messages.ERROR,
            )
            return None
        try:
            with transaction.atomic():
                return delete_selected(self, request, queryset)
        except ProtectedError:
            self.message_user(request, _("Nothing was deleted: a program started using one of these."), messages.ERROR)
            return None

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Replaced by delete_unless_used, which refuses exercises in use.
        actions.pop("delete_selected", None)
        return actions

    # Delete: refused for exercises in use -----------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        exercise = self.get_object(request, unquote(object_id))
        if exercise is not None and self.has_delete_permission(request, exercise):
            programs = exercise.program_items.aggregate(n=Count("program", distinct=True))["n"]
            if programs:
                return self._delete_refused(request, exercise, programs)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ProtectedError:
            return self._delete_refused(request, exercise, exercise.program_items.values("program").distinct().count())

    def _delete_refused(self, request, exercise, programs):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cannot delete %(name)s") % {"name": exercise},
            "subtitle": None,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "object": exercise,
            "programs": programs,
            "can_retire": self.has_change_permission(request, exercise) and exercise.status != Status.RETIRED,
        }
        return TemplateResponse(request, "admin/exercises/exercise/delete_refused.html", context, status=409)

    # Extra views: retire one, preview, import, export ------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="exercises_exercise_import"),
            path("export/", view(self.export_view), name="exercises_exercise_export"),
            path("<path:object_id>/preview/", view(self.preview_view), name="exercises_exercise_preview"),
            path("<path:object_id>/retire/", view(require_POST(self.retire_view)), name="exercises_exercise_retire"),
            *super().get_urls(),
        ]

    def _get_or_404(self, request, object_id):
        exercise = self.get_object(request, unquote(object_id))
        if exercise is None:
            raise Http404(_("No exercise with this ID."))
        return exercise

    def retire_view(self, request, object_id):
        exercise = self._get_or_404(request, object_id)
        if not self.has_change_permission(request, exercise):
            raise PermissionDenied
        if exercise.status != Status.RETIRED:
            exercise.retire()
            self.log_change(request, exercise, status_changed_message())
        self.message_user(
            request,
            _("“%(name)s” is retired: clinicians no longer find it, and programs that use it still show it.")
            % {"name": exercise},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:exercises_exercise_change", args=[exercise.pk]))

    def preview_view(self, request, object_id):
        """The exercise as a patient reads it on paper, whatever its status."""
        exercise = self._get_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, exercise):
            raise PermissionDenied
        exercise = (
            Exercise.objects.filter(pk=exercise.pk)
            .prefetch_related(
                "steps",
                models.Prefetch("pictures", queryset=ExercisePicture.objects.order_by("order", "pk")),
                "body_regions",
                "equipment",
                "progressions",
                "regressions",
            )
            .get()
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(name)s") % {"name": exercise},
            "opts": self.opts,
            "exercise": exercise,
            "change_url": reverse("admin:exercises_exercise_change", args=[exercise.pk]),
        }
        return TemplateResponse(request, "admin/exercises/exercise/preview.html", context)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors = []
        if request.method == "POST":
            form = CatalogueImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = catalogue_import(form.cleaned_data["file"])
                except CatalogueImportError as exc:
                    errors = exc.errors
                else:
                    note = _("Imported from %(file)s.") % {"file": request.FILES["file"].name}
                    for exercise in result["exercises"]:
                        self.log_change(request, exercise, note)
                    self.message_user(
                        request,
                        _("Catalogue imported: %(created)d created, %(updated)d updated.") % result,
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:exercises_exercise_changelist"))
        else:
            form = CatalogueImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import catalogue"),
            "opts": self.opts,
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/exercises/exercise/import.html", context, status=400 if errors else 200)

    def export_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        response = HttpResponse(catalogue_export_json(), content_type="application/json; charset=utf-8")
        filename = f"homerx-catalogue-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
