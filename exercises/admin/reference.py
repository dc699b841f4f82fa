"""The reference lists an exercise is described with: body regions and equipment."""

from django.contrib import admin

from exercises.models import BodyRegion, Equipment


@admin.register(BodyRegion)
class BodyRegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
