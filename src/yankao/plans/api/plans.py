"""REST API of plan control: plans, work plans, monthly reports and the monthly analysis.

Scoped like the pages (an agency sees its own plans; another agency's is a 404). Rule errors
come back as 400 with field-named zh-Hant messages; a stale revision is a 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from yankao.web.api import run_service as _run
from yankao.web.scoping import ScopedQuerysetMixin

from .. import analysis, services
from ..models import (
    LagCause,
    Milestone,
    MilestoneKind,
    Plan,
    PlanBudget,
    PlanKind,
    PlanStatus,
    ProgressReport,
    WorkPlan,
    WorkPlanMonth,
)


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanBudget
        fields = ["year", "source", "amount"]


class PlanSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    project_manager = serializers.CharField(
        source="project_manager.username", read_only=True, default=None
    )
    budgets = BudgetSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "kind",
            "first_year",
            "last_year",
            "agency_code",
            "project_manager",
            "is_works",
            "start_date",
            "end_date",
            "status",
            "release_reason",
            "budgets",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["kind", "planned_date", "actual_date"]


class MilestonesInSerializer(serializers.Serializer):
    reached = serializers.DictField(
        child=serializers.DateField(allow_null=True),
        help_text=f"Actual dates by milestone; keys: {', '.join(MilestoneKind.values)}",
    )


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=PlanKind.values),
        OpenApiParameter("status", str, enum=PlanStatus.values),
        OpenApiParameter("agency", str, description="Owning agency code"),
        OpenApiParameter("year", int, description="Plans running in this year"),
    ]
)
class PlanViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    lookup_field = "code"
    queryset = Plan.objects.select_related("agency", "project_manager").prefetch_related("budgets")

    def get_queryset(self) -> QuerySet[Plan]:
        queryset = super().get_queryset()
        params = self.request.query_params
        if value := params.get("kind"):
            queryset = queryset.filter(kind=value)
        if value := params.get("status"):
            queryset = queryset.filter(status=value)
        if value := params.get("agency"):
            queryset = queryset.filter(agency__code=value)
        if (value := params.get("year", "")).isdigit():
            queryset = queryset.filter(first_year__lte=int(value), last_year__gte=int(value))
        return queryset.order_by("agency__sort_order", "code")

    @extend_schema(request=MilestonesInSerializer, responses=MilestoneSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def milestones(self, request: Request, code: str | None = None) -> Response:
        """The approved work plan's milestones; POST the actual dates reached."""
        plan = self.get_object()
        if request.method == "POST":
            body = MilestonesInSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            _run(
                lambda: services.record_milestones(
                    plan, request.user, body.validated_data["reached"]
                )
            )
        baseline = services.approved_work_plan(plan)
        rows = (
            baseline.milestones.order_by("planned_date") if baseline else Milestone.objects.none()
        )
        return Response(MilestoneSerializer(rows, many=True).data)

    @extend_schema(request=ReleaseSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, code: str | None = None) -> Response:
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = _run(
            lambda: services.release(self.get_object(), request.user, body.validated_data["reason"])
        )
        return Response(PlanSerializer(plan).data)


class MonthSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkPlanMonth
        fields = ["month", "planned_progress", "planned_spending"]


class WorkPlanSerializer(serializers.ModelSerializer):
    plan_code = serializers.CharField(source="plan.code", read_only=True)
    months = MonthSerializer(many=True, read_only=True)

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "plan_code",
            "version",
            "status",
            "note",
            "submitted_at",
            "decided_at",
            "months",
        ]


class WorkPlanInSerializer(serializers.Serializer):
    plan_code = serializers.CharField()
    months = MonthSerializer(many=True)
    milestones = serializers.DictField(
        child=serializers.DateField(),
        required=False,
        help_text=f"keys: {', '.join(MilestoneKind.values)}",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_milestones(self, value: dict[str, dt.date]) -> dict[str, dt.date]:
        unknown = set(value) - set(MilestoneKind.values)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown milestone: %(v)s") % {"v": ", ".join(sorted(unknown))}
            )
        return value


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WorkPlanViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WorkPlanSerializer
    queryset = (
        WorkPlan.objects.select_related("plan")
        .prefetch_related("months")
        .order_by("plan", "-version")
    )

    @extend_schema(request=WorkPlanInSerializer, responses={201: WorkPlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = WorkPlanInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = get_object_or_404(services.visible_plans(request.user), code=data["plan_code"])
        targets = [
            services.MonthTarget(
                m["month"].replace(day=1), m["planned_progress"], m["planned_spending"]
            )
            for m in data["months"]
        ]
        made = _run(
            lambda: services.submit_work_plan(
                plan, request.user, targets, milestones=data.get("milestones"), note=data["note"]
            )
        )
        return Response(WorkPlanSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=WorkPlanSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = _run(
            lambda: services.decide_work_plan(
                self.get_object(),
                request.user,
                approve=body.validated_data["approve"],
                note=body.validated_data["note"],
            )
        )
        return Response(WorkPlanSerializer(decided).data)


class ReportSerializer(serializers.ModelSerializer):
    plan_code = serializers.CharField(source="plan.code", read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "plan_code",
            "month",
            "status",
            "actual_progress",
            "actual_spending",
            "award_amount",
            "narrative",
            "problems",
            "help_requested",
            "lag_cause",
            "remedy",
            "remedy_due",
            "correction_note",
            "planned_progress",
            "planned_spending",
            "lag",
            "progress_status",
            "execution_rate",
            "submitted_at",
            "late",
            "revision",
        ]
        read_only_fields = fields


class ReportInSerializer(serializers.Serializer):
    plan_code = serializers.CharField()
    month = serializers.DateField(help_text="Any day of the month, e.g. 2026-03-01")
    actual_progress = serializers.DecimalField(max_digits=5, decimal_places=2)
    actual_spending = serializers.DecimalField(max_digits=16, decimal_places=0)
    award_amount = serializers.DecimalField(
        max_digits=16, decimal_places=0, required=False, allow_null=True
    )
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    help_requested = serializers.CharField(required=False, allow_blank=True, default="")
    lag_cause = serializers.ChoiceField(
        choices=LagCause.choices, required=False, allow_blank=True, default=""
    )
    remedy = serializers.CharField(required=False, allow_blank=True, default="")
    remedy_due = serializers.DateField(required=False, allow_null=True, default=None)
    correction_note = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(default=False)
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The revision you read; required to change a report",
    )


@extend_schema(
    parameters=[
        OpenApiParameter("plan", str, description="Plan code"),
        OpenApiParameter("month", str, description="YYYY-MM"),
    ]
)
class ReportViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Create a month's report, or change it by sending the revision you read (409 if stale)."""

    serializer_class = ReportSerializer
    queryset = ProgressReport.objects.select_related("plan").order_by("plan", "month")

    def get_queryset(self) -> QuerySet[ProgressReport]:
        queryset = super().get_queryset()
        params = self.request.query_params
        if value := params.get("plan"):
            queryset = queryset.filter(plan__code=value)
        if value := params.get("month"):
            try:
                year, month = (int(p) for p in value.split("-")[:2])
                queryset = queryset.filter(month=dt.date(year, month, 1))
            except ValueError:
                raise serializers.ValidationError(
                    {"month": _("Write the month as YYYY-MM.")}
                ) from None
        return queryset

    @extend_schema(
        request=ReportInSerializer, responses={201: ReportSerializer, 409: OpenApiTypes.OBJECT}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ReportInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        plan = get_object_or_404(services.visible_plans(request.user), code=data.pop("plan_code"))
        month, submit, revision = data.pop("month"), data.pop("submit"), data.pop("revision")
        existed = plan.reports.filter(month=month.replace(day=1)).exists()
        try:
            report = services.save_report(
                plan,
                month,
                services.ReportData(**data),
                request.user,
                submit=submit,
                revision=revision,
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            if existed and not hasattr(exc, "error_dict"):
                return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
            raise serializers.ValidationError(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            ) from exc
        return Response(
            ReportSerializer(report).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class AnalysisView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("month", int, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="The monthly analysis: counts and shares per status, per agency, behind plans",
    )
    def get(self, request: Request) -> Response:
        try:
            first = dt.date(
                int(request.query_params["year"]), int(request.query_params["month"]), 1
            )
        except (KeyError, ValueError):
            raise serializers.ValidationError(
                {"month": _("Give year and month, e.g. year=2026&month=3.")}
            ) from None
        result = analysis.analyse(first, services.visible_plans(request.user))

        def counts(figures: analysis.StatusCounts) -> dict[str, Any]:
            return {
                "total": figures.total,
                "by_status": {
                    key: {"count": n, "share": str(share)} for key, _l, n, share in figures.rows()
                },
                "execution_rate": None
                if figures.execution_rate is None
                else str(figures.execution_rate),
            }

        return Response(
            {
                "month": first.isoformat(),
                "sentences": result.sentences(),
                "overall": counts(result.overall),
                "agencies": [
                    {"agency_code": a.agency.code, **counts(a.figures)} for a in result.agencies
                ],
                "behind": [
                    {
                        "plan_code": b.plan.code,
                        "lag": str(b.report.lag),
                        "lag_cause": b.report.lag_cause,
                        "remedy": b.report.remedy,
                        "remedy_due": b.report.remedy_due,
                    }
                    for b in result.behind
                ],
            }
        )


router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("work-plans", WorkPlanViewSet, basename="work-plan")
router.register("plan-reports", ReportViewSet, basename="plan-report")
urlpatterns = [
    path("plan-analysis/", AnalysisView.as_view(), name="plan-analysis"),
    path("", include(router.urls)),
]
