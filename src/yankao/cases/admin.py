from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yankao.web.admin import ReadOnlyAdminMixin

from .models import ApiClient, Case, CaseEvent, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The commission manages the category tree: who handles what, and how fast."""

    list_display = (
        "code",
        "name_zh",
        "parent",
        "case_type",
        "agency",
        "route_to_district_office",
        "deadline_working_days",
        "deadline_hours",
        "requires_review",
        "active",
    )
    list_filter = ("case_type", "active", "parent", "requires_review", "works_site")
    search_fields = ("code", "name_zh", "name_en", "keywords", "agency__name_zh")
    autocomplete_fields = ("agency",)
    list_select_related = ("parent", "agency")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Cases keep their category forever; deactivate instead.
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("at", "action", "from_status", "to_status", "actor_name", "agency", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Cases change only through the workflow; the admin shows them and their history."""

    list_display = (
        "number",
        "case_type",
        "channel",
        "status",
        "lead_agency",
        "received_at",
        "deadline_at",
    )
    list_filter = ("case_type", "channel", "status")
    search_fields = ("number", "subject")
    exclude = ("tracking_code_hash", "idempotency_key")
    inlines = (CaseEventInline,)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Outside systems that may file cases; the key is shown once, when the client is added."""

    list_display = ("name", "channel", "active", "created_at")
    fields = ("name", "channel", "active")

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if not change:
            key = secrets.token_urlsafe(24)
            obj.key_hash = hashlib.sha256(key.encode()).hexdigest()
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                _("The API key of %(name)s is %(key)s — copy it now, it is not shown again.")
                % {"name": obj.name, "key": key},
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
