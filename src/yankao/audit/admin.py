from django.contrib import admin

from yankao.web.admin import ReadOnlyAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: nobody edits or deletes history through the app."""

    list_display = ("at", "actor_name", "actor_agency_code", "action", "target_type", "target_repr")
    list_filter = ("action", "target_type")
    search_fields = ("actor_name", "target_repr", "target_id", "request_id")
    date_hierarchy = "at"
