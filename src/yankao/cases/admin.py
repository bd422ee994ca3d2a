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

    actions = ("supersede",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Cases keep their category forever; deactivate instead.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """A category is never renamed in place (history and training read its name): a new
        name is a new category superseding the old one (the "supersede" action)."""
        if obj is not None and obj.pk:
            return ("code", "name_zh")
        return ()

    @admin.action(description=_("Supersede with a new name (keeps the old name as an alias)"))
    def supersede(self, request: HttpRequest, queryset: Any) -> Any:
        from django.core.exceptions import ValidationError
        from django.template.response import TemplateResponse

        from yankao.assistant.services.suggestion import supersede_category

        if queryset.count() != 1 or queryset.first().parent_id is None:
            self.message_user(
                request, _("Choose exactly one category of the second level."), messages.ERROR
            )
            return None
        old = queryset.first()
        code = request.POST.get("new_code", "").strip()
        name = request.POST.get("new_name_zh", "").strip()
        error = ""
        if request.POST.get("apply"):
            if not code or not name:
                error = _("Give the new code and the new name.")
            elif Category.objects.filter(code=code).exists():
                error = _("The code %(code)s is in use already.") % {"code": code}
            else:
                try:
                    new = supersede_category(old, code=code, name_zh=name)
                except ValidationError as exc:
                    error = " ".join(exc.messages)
                else:
                    self.message_user(
                        request,
                        _("%(old)s is superseded by %(new)s; its names are kept as aliases.")
                        % {"old": old.name_zh, "new": new.name_zh},
                        messages.SUCCESS,
                    )
                    return None
        return TemplateResponse(
            request,
            "admin/cases/category/supersede.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Supersede a category"),
                "old": old,
                "new_code": code,
                "new_name_zh": name,
                "error": error,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


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
