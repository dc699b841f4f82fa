from django.contrib import admin

from patients.models import Clinic, Invitation, Membership, Patient


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "paper_size"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["id", "clinic", "archived_at"]
    list_filter = ["clinic"]
    # Identifiers only: staff who run the service have no need to browse health data here.
    fields = ["clinic", "archived_at"]
    readonly_fields = ["clinic", "archived_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are created in the app, where the link is emailed."""

    list_display = ["email", "clinic", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["clinic"]
    search_fields = ["email"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
