"""REST API of citizen works monitoring (全民督工), scoped like the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yankao.agencies.models import Agency
from yankao.web.api import run_service as _run

from ..models import MonitoringEvent, MonitoringItem, MonitoringReport, MonitoringStatus
from ..services import monitoring, visible_projects


class MonitoringEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None)

    class Meta:
        model = MonitoringEvent
        fields = ["action", "from_status", "to_status", "note", "by", "at"]


class MonitoringReportSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code")
    agency_code = serializers.CharField(source="agency.code")
    tender_number = serializers.CharField(source="project.tender_number", default=None)
    case_number = serializers.CharField(source="case.number", default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringReport
        fields = [
            "id",
            "number",
            "case_number",
            "item_code",
            "agency_code",
            "tender_number",
            "description",
            "location",
            "district",
            "received_on",
            "survey_due",
            "remediation_due",
            "status",
            "survey_findings",
            "remediation",
            "closed_on",
            "overdue",
        ]

    def get_overdue(self, report: MonitoringReport) -> bool:
        return monitoring.is_overdue(report)


class MonitoringReportDetailSerializer(MonitoringReportSerializer):
    events = MonitoringEventSerializer(many=True, read_only=True)

    class Meta(MonitoringReportSerializer.Meta):
        fields = [*MonitoringReportSerializer.Meta.fields, "events"]


class MonitoringReportInSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    agency_code = serializers.CharField()
    tender_number = serializers.CharField(required=False, allow_null=True, default=None)
    description = serializers.CharField()
    location = serializers.CharField(required=False, allow_blank=True, default="")
    district = serializers.CharField(required=False, allow_blank=True, default="")
    received_on = serializers.DateField()


class MonitoringStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(monitoring.MOVES))
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=MonitoringStatus.values),
        OpenApiParameter("overdue", bool, description="Only open reports past a deadline"),
    ]
)
class MonitoringReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Citizen works reports: the responsible agency surveys and remedies; the team closes."""

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return (
            MonitoringReportDetailSerializer
            if self.action == "retrieve"
            else MonitoringReportSerializer
        )

    def get_queryset(self) -> QuerySet[MonitoringReport]:
        queryset = (
            monitoring.visible(self.request.user)
            .select_related("case")
            .order_by("-received_on", "-pk")
        )
        if value := self.request.query_params.get("status"):
            queryset = queryset.filter(status=value)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__by")
        if self.request.query_params.get("overdue") in ("1", "true"):
            return [r for r in queryset if monitoring.is_overdue(r)]  # type: ignore[return-value]
        return queryset

    @extend_schema(
        request=MonitoringReportInSerializer, responses={201: MonitoringReportSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MonitoringReportInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = get_object_or_404(MonitoringItem, code=data.pop("item_code"), active=True)
        agency = get_object_or_404(Agency, code=data.pop("agency_code"), active=True)
        number = data.pop("tender_number")
        project = (
            get_object_or_404(visible_projects(request.user), tender_number=number)
            if number
            else None
        )
        report = _run(
            lambda: monitoring.record_report(
                request.user, item=item, agency=agency, project=project, **data
            )
        )
        return Response(MonitoringReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MonitoringStepSerializer, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: str | None = None) -> Response:
        """survey, start_remedy, report_remedy (the agency or the team); return, close,
        close_without_remedy (the team)."""
        body = MonitoringStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = _run(
            lambda: monitoring.transition(
                self.get_object(),
                body.validated_data["action"],
                request.user,
                note=body.validated_data["note"],
            )
        )
        return Response(MonitoringReportSerializer(report).data)


router = SimpleRouter()
router.register(
    "works-monitoring-reports", MonitoringReportViewSet, basename="works-monitoring-report"
)
urlpatterns = [path("", include(router.urls))]
