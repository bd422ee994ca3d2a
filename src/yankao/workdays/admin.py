from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .forms import RocDateField, RocDateInput
from .models import DeclaredDay
from .permissions import can_declare
from .roc import format_for_language


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = DeclaredDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), format_for_language(d, "year")) for d in years]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[DeclaredDay]
    ) -> QuerySet[DeclaredDay]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(DeclaredDay)
class DeclaredDayAdmin(admin.ModelAdmin):
    """Closures (typhoon days) and extra working days; every change is in the audit log.

    Access follows the role, not Django model permissions: commission administrators (staff
    accounts holding rdec_admin) manage declared days, like they do over the API.
    """

    list_display = ("date_display", "kind", "scope", "reason", "created_by", "created_at")
    list_filter = ("kind", YearFilter, "district")
    search_fields = ("reason",)
    date_hierarchy = "date"
    ordering = ("-date", "district")
    fields = ("date", "kind", "district", "reason", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    formfield_overrides = {
        models.DateField: {"form_class": RocDateField, "widget": RocDateInput},
    }

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, obj: DeclaredDay) -> str:
        return format_for_language(obj.date)

    @admin.display(description=_("applies to"), ordering="district")
    def scope(self, obj: DeclaredDay) -> str:
        return obj.scope_display

    def save_model(self, request: HttpRequest, obj: DeclaredDay, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def _allowed(self, request: HttpRequest) -> bool:
        return request.user.is_staff and can_declare(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)
