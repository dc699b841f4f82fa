from django.contrib import admin

from outcomes.models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Read-only: instruments come from definition files (``manage.py import_instruments``)."""

    list_display = ["short_name", "name", "key", "version", "imported_at"]
    readonly_fields = ["key", "version", "name", "short_name", "definition", "imported_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
