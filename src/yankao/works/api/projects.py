"""REST API of works projects, their monthly progress, and the inspection team's planning figures.

Scoped like the pages (an agency sees its own projects; another agency's is a 404). Rule errors
come back as 400 with field-named zh-Hant messages; the planning figures are the team's only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from yankao.web.api import run_service as _run
from yankao.web.scoping import ScopedQuerysetMixin

from .. import rules
from ..models import ProgressEntry, ProjectStatus, WorksProject
from ..services import is_inspection_team, planning, visible_projects
from ..services import projects as services

TIERS = [rules.HUGE, rules.LARGE, rules.MEDIUM, rules.SMALL, rules.BELOW]


class WorksProjectSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    plan_code = serializers.CharField(source="plan.code", read_only=True, default=None)
    tier = serializers.SerializerMethodField(help_text=f"One of {', '.join(TIERS)}")

    class Meta:
        model = WorksProject
        fields = [
            "id",
            "tender_number",
            "name",
            "agency_code",
            "budget_amount",
            "award_amount",
            "tier",
            "contractor",
            "supervisor",
            "supervisor_engineer",
            "site_manager",
            "location",
            "district",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "change_orders",
            "change_order_cost",
            "change_order_days",
            "status",
            "plan_code",
            "subsidised",
            "mayor_listed",
        ]
        read_only_fields = fields

    def get_tier(self, project: WorksProject) -> str:
        return rules.tier_of(project.budget_amount)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=ProjectStatus.values),
        OpenApiParameter("agency", str, description="Owning agency code"),
        OpenApiParameter("q", str, description="Tender number or name contains"),
    ]
)
class WorksProjectViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WorksProjectSerializer
    queryset = WorksProject.objects.select_related("agency", "plan")

    def get_queryset(self) -> QuerySet[WorksProject]:
        queryset = super().get_queryset()
        params = self.request.query_params
        if value := params.get("status"):
            queryset = queryset.filter(status=value)
        if value := params.get("agency"):
            queryset = queryset.filter(agency__code=value)
        if value := params.get("q"):
            queryset = queryset.filter(tender_number__icontains=value) | queryset.filter(
                name__icontains=value
            )
        return queryset.order_by("agency__sort_order", "tender_number")


class WorksProgressSerializer(serializers.ModelSerializer):
    tender_number = serializers.CharField(source="project.tender_number", read_only=True)
    lag = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = ProgressEntry
        fields = [
            "id",
            "project",
            "tender_number",
            "month",
            "planned_progress",
            "actual_progress",
            "lag",
            "lag_reason",
            "correction_note",
            "late",
            "entered_at",
        ]
        read_only_fields = fields


class WorksProgressInSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text="The works project's id")
    month = serializers.DateField(help_text="Any day of the month, e.g. 2026-03-01")
    planned_progress = serializers.DecimalField(max_digits=5, decimal_places=2)
    actual_progress = serializers.DecimalField(max_digits=5, decimal_places=2)
    lag_reason = serializers.CharField(required=False, allow_blank=True, default="")
    correction_note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(
    parameters=[
        OpenApiParameter("project", int, description="Works project id"),
        OpenApiParameter("month", str, description="YYYY-MM"),
    ]
)
class WorksProgressViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A month's progress is entered once; a lower figure than the month before needs a note."""

    serializer_class = WorksProgressSerializer
    queryset = ProgressEntry.objects.select_related("project").order_by("project", "month")

    def get_queryset(self) -> QuerySet[ProgressEntry]:
        queryset = super().get_queryset()
        params = self.request.query_params
        if (value := params.get("project", "")).isdigit():
            queryset = queryset.filter(project_id=int(value))
        if value := params.get("month"):
            try:
                year, month = (int(p) for p in value.split("-")[:2])
                queryset = queryset.filter(month=dt.date(year, month, 1))
            except ValueError:
                raise serializers.ValidationError(
                    {"month": _("Write the month as YYYY-MM.")}
                ) from None
        return queryset

    @extend_schema(request=WorksProgressInSerializer, responses={201: WorksProgressSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = WorksProgressInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        project = get_object_or_404(visible_projects(request.user), pk=data.pop("project"))
        month = data.pop("month")
        entry = _run(
            lambda: services.enter_progress(
                project, month, services.ProgressData(**data), request.user
            )
        )
        return Response(WorksProgressSerializer(entry).data, status=status.HTTP_201_CREATED)


class WorksPlanningView(APIView):
    """The year's inspection quota and the ranked candidates: the inspection team only."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="Default: this year")],
        responses=inline_serializer(
            "WorksPlanning",
            {
                "year": serializers.IntegerField(),
                "legal_minimum": serializers.IntegerField(),
                "target": serializers.IntegerField(),
                "target_multiple": serializers.FloatField(),
                "inspected": serializers.IntegerField(),
                "planned": serializers.IntegerField(),
                "percent_of_minimum": serializers.DecimalField(max_digits=8, decimal_places=0),
                "percent_of_target": serializers.DecimalField(max_digits=8, decimal_places=0),
                "sentence": serializers.CharField(),
                "tiers": inline_serializer(
                    "WorksQuotaTier",
                    {
                        "tier": serializers.CharField(),
                        "eligible": serializers.IntegerField(),
                        "minimum": serializers.IntegerField(),
                        "inspected": serializers.IntegerField(),
                        "planned": serializers.IntegerField(),
                        "percent_of_minimum": serializers.DecimalField(
                            max_digits=8, decimal_places=0
                        ),
                    },
                    many=True,
                ),
                "candidates": inline_serializer(
                    "WorksCandidate",
                    {
                        "project": serializers.IntegerField(),
                        "tender_number": serializers.CharField(),
                        "agency_code": serializers.CharField(),
                        "tier": serializers.CharField(),
                        "grounds": serializers.ListField(child=serializers.CharField()),
                        "priority": serializers.IntegerField(),
                        "lag": serializers.DecimalField(
                            max_digits=6, decimal_places=2, allow_null=True
                        ),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        if not is_inspection_team(request.user):
            raise PermissionDenied(_("Only the inspection team may do this."))
        text = request.query_params.get("year", "")
        year = int(text) if text.isdigit() else timezone.localdate().year
        if not 1990 <= year <= 2100:
            raise serializers.ValidationError({"year": _("not a year (write 115 or 2026)")})
        plan = planning.year_plan(request.user, year)
        found = planning.candidates(request.user, year)
        return Response(
            {
                "year": year,
                "legal_minimum": plan.quota.overall,
                "target": plan.quota.target,
                "target_multiple": plan.multiple,
                "inspected": plan.done,
                "planned": plan.planned,
                "percent_of_minimum": str(plan.percent_of_minimum),
                "percent_of_target": str(plan.percent_of_target),
                "sentence": plan.sentence(),
                "tiers": [
                    {
                        "tier": t.tier,
                        "eligible": t.eligible,
                        "minimum": t.minimum,
                        "inspected": t.done,
                        "planned": t.planned,
                        "percent_of_minimum": str(t.percent),
                    }
                    for t in plan.tiers
                ],
                "candidates": [
                    {
                        "project": c.project.pk,
                        "tender_number": c.project.tender_number,
                        "agency_code": c.project.agency.code,
                        "tier": c.tier,
                        "grounds": c.grounds,
                        "priority": c.priority,
                        "lag": None if c.lag is None else str(c.lag),
                    }
                    for c in found
                ],
            }
        )


router = SimpleRouter()
router.register("works-projects", WorksProjectViewSet, basename="works-project")
router.register("works-progress", WorksProgressViewSet, basename="works-progress")
urlpatterns = [
    path("works-planning/", WorksPlanningView.as_view(), name="works-planning"),
    path("", include(router.urls)),
]
