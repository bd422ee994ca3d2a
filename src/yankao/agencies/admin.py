from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Agency, Role, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "short_name", "kind", "parent", "district", "active")
    list_filter = ("kind", "active", "code_official")
    search_fields = ("code", "name_zh", "short_name", "name_en", "district")
    autocomplete_fields = ("parent",)
    actions = ("deactivate", "activate")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deactivate instead: an agency's cases, plans and people must stay whole.
        return False

    @admin.action(description=_("Deactivate the selected agencies"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        count = self._set_active(queryset, False)
        message = ngettext("%(n)d agency deactivated.", "%(n)d agencies deactivated.", count)
        self.message_user(request, message % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Activate the selected agencies"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        count = self._set_active(queryset, True)
        message = ngettext("%(n)d agency activated.", "%(n)d agencies activated.", count)
        self.message_user(request, message % {"n": count}, messages.SUCCESS)

    @staticmethod
    def _set_active(queryset: QuerySet[Agency], active: bool) -> int:
        # One save per agency, so each change is in the audit log with old and new value.
        changed = 0
        for agency in queryset.exclude(active=active):
            agency.active = active
            agency.save(update_fields=["active"])
            changed += 1
        return changed


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ("username", "full_name", "agency", "job_title", "is_active", "last_login")
    list_filter = ("is_active", "roles", "agency__kind", "is_staff")
    search_fields = ("username", "full_name", "email", "agency__name_zh", "agency__code")
    autocomplete_fields = ("agency",)
    filter_horizontal = ("roles", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "job_title", "email", "phone")}),
        (_("Agency and roles"), {"fields": ("agency", "roles")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "agency", "roles", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # People who acted keep their name in the history; deactivate them instead.
        return False
