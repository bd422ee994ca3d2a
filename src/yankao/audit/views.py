from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from yankao.agencies.roles import RoleCode
from yankao.web.exports import Column
from yankao.web.lists import ExportableListMixin
from yankao.web.scoping import RoleRequiredMixin, ScopedQuerysetMixin

from .filters import FilterError, filter_entries
from .models import AuditAction, AuditEntry


class AuditListView(RoleRequiredMixin, ScopedQuerysetMixin, ExportableListMixin, ListView):
    model = AuditEntry
    paginate_by = 100
    template_name = "audit/entry_list.html"
    export_name = "audit_entries"
    required_roles = (RoleCode.RDEC_ADMIN,)

    def get_queryset(self) -> QuerySet[AuditEntry]:
        queryset = super().get_queryset()
        self.filter_error: FilterError | None = None
        try:
            return filter_entries(queryset, self.request.GET)
        except FilterError as exc:
            self.filter_error = exc
            return queryset.none()

    def export_records(self, queryset: QuerySet[AuditEntry]) -> Iterable[AuditEntry]:
        return queryset.iterator()

    def export_columns(self) -> list[Column]:
        return [
            (_("time"), lambda e: e.at),
            (_("actor"), lambda e: e.actor_name),
            (_("actor's agency"), lambda e: e.actor_agency_code),
            (_("action"), lambda e: e.get_action_display()),
            (_("record type"), lambda e: e.target_type),
            (_("record id"), lambda e: e.target_id),
            (_("record"), lambda e: e.target_repr),
            (_("changes"), lambda e: e.changes),
            (_("IP address"), lambda e: e.ip_address),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["actions"] = AuditAction.choices
        context["filter_error"] = self.filter_error
        context["target_types"] = (
            AuditEntry.objects.order_by("target_type")
            .values_list("target_type", flat=True)
            .distinct()
        )
        return context
