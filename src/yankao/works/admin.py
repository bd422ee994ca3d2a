"""Admin of works inspection.

Reference data (defect codes, citizen works monitoring items) is edited here: a code in use is
set inactive, never deleted. Records with rules and history (projects, progress, inspections,
defects, penalties, citizen reports) change only through their pages and services, so the
admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yankao.web.admin import ReadOnlyAdminMixin

from .models import (
    Defect,
    DefectCode,
    DefectEvent,
    Inspection,
    InspectionMember,
    MonitoringEvent,
    MonitoringItem,
    MonitoringReport,
    PenaltyFollowUp,
    ProgressEntry,
    ProgressVerification,
    TrainingSession,
    WorksProject,
)


class NoDeleteMixin:
    """Reference rows other records point at: deactivate instead of deleting."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DefectCode)
class DefectCodeAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "text", "party", "deduction_min", "deduction_max", "active")
    list_filter = ("active", "party")
    search_fields = ("code", "text")
    raw_id_fields = ("parent",)
    ordering = ("code",)


@admin.register(MonitoringItem)
class MonitoringItemAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "group",
        "name",
        "survey_working_days",
        "remediation_working_days",
        "active",
    )
    list_filter = ("group", "active")
    search_fields = ("code", "name")
    ordering = ("code",)


class ProgressInline(admin.TabularInline):
    model = ProgressEntry
    fields = ("month", "planned_progress", "actual_progress", "lag_reason", "late", "entered_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorksProject)
class WorksProjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("tender_number", "name", "agency", "status", "budget_amount")
    list_filter = ("status", "subsidised", "mayor_listed")
    search_fields = ("tender_number", "name", "contractor")
    inlines = [ProgressInline]


class MemberInline(admin.TabularInline):
    model = InspectionMember
    fields = ("name", "external", "score")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "status", "scheduled_on", "inspected_on", "score", "grade")
    list_filter = ("status", "grade")
    search_fields = ("project__tender_number", "project__name")
    exclude = ("draft",)
    inlines = [MemberInline]


class DefectEventInline(admin.TabularInline):
    model = DefectEvent
    fields = ("at", "action", "from_status", "to_status", "note", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Defect)
class DefectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("inspection", "code", "party", "severity", "status", "remediation_due")
    list_filter = ("status", "party", "severity")
    inlines = [DefectEventInline]


@admin.register(PenaltyFollowUp)
class PenaltyFollowUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("inspection", "status", "opened_at", "closed_at")
    list_filter = ("status",)


class MonitoringEventInline(admin.TabularInline):
    model = MonitoringEvent
    fields = ("at", "action", "from_status", "to_status", "note", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "item", "agency", "status")
    list_filter = ("status",)
    search_fields = ("number",)
    inlines = [MonitoringEventInline]


@admin.register(ProgressVerification)
class ProgressVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "month", "checked_on", "reported_progress", "checked_progress")


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "held_on", "partner", "attendance", "hours")
