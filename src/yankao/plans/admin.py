from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yankao.web.admin import ReadOnlyAdminMixin

from .models import Evaluation, EvaluationRound, EvaluationStep, RubricItem


class RubricItemInline(admin.TabularInline):
    model = RubricItem
    fields = ("order", "code", "name", "weight")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rounds change only through the year-end evaluation pages (rubric checks, publication)."""

    list_display = ("year", "status", "opened_at", "published_at")
    list_filter = ("status",)
    inlines = [RubricItemInline]


class EvaluationStepInline(admin.TabularInline):
    model = EvaluationStep
    fields = ("at", "action", "stage", "from_status", "to_status", "total", "grade", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Evaluations change only through the workflow; the admin shows them and their steps."""

    list_display = ("plan", "round", "status", "self_score", "preliminary_score", "final_score")
    list_filter = ("round", "status", "grade")
    search_fields = ("plan__code", "plan__name")
    list_select_related = ("plan", "round")
    inlines = [EvaluationStepInline]
