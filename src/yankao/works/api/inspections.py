"""REST API of inspections, defects and penalty follow-ups, scoped like the pages: an agency sees
its own projects' recorded inspections only (planned visits are the team's secret), the score and
grade are computed, never accepted, and a stale draft answers 409."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yankao.web.api import run_service

from ..models import (
    Defect,
    DefectEvent,
    DefectStatus,
    Inspection,
    InspectionEvent,
    InspectionMember,
    InspectionStatus,
    Party,
    PenaltyFollowUp,
    PenaltyMeasure,
    PenaltyStatus,
    Severity,
)
from ..services import inspections as service
from ..services import visible_defects, visible_inspections, visible_penalties, visible_projects


def _run(call: Any) -> Any:
    return run_service(call, passthrough=(service.StaleDraft,))


# --- Serializers ---------------------------------------------------------------------------


class InspectionEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username")

    class Meta:
        model = InspectionEvent
        fields = ["action", "from_status", "to_status", "note", "by", "at"]


class InspectionMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionMember
        fields = ["name", "external", "score"]


class DefectSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="code.code")
    inspection = serializers.IntegerField(source="inspection_id")
    tender_number = serializers.CharField(source="inspection.project.tender_number")
    deadline = serializers.DateField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Defect
        fields = [
            "id",
            "inspection",
            "tender_number",
            "code",
            "party",
            "severity",
            "description",
            "deduction",
            "status",
            "remediation_due",
            "deadline",
            "overdue",
            "remediation",
            "remediation_reported_at",
            "extension_until",
            "extension_reason",
            "extension_approved",
            "closed_at",
        ]

    def get_overdue(self, defect: Defect) -> bool:
        return service.is_overdue(defect)


class DefectEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username")

    class Meta:
        model = DefectEvent
        fields = ["action", "from_status", "to_status", "note", "by", "at"]


class DefectDetailSerializer(DefectSerializer):
    events = DefectEventSerializer(many=True, read_only=True)

    class Meta(DefectSerializer.Meta):
        fields = [*DefectSerializer.Meta.fields, "events"]


class InspectionSerializer(serializers.ModelSerializer):
    tender_number = serializers.CharField(source="project.tender_number")
    agency_code = serializers.CharField(source="project.agency.code")
    sent_late = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "tender_number",
            "agency_code",
            "original",
            "scheduled_on",
            "inspected_on",
            "status",
            "score",
            "grade",
            "tests_pending",
            "record_due",
            "sent_at",
            "sent_late",
        ]

    def get_sent_late(self, inspection: Inspection) -> bool:
        return service.record_sent_late(inspection)


class InspectionDetailSerializer(InspectionSerializer):
    members = InspectionMemberSerializer(many=True, read_only=True)
    defects = DefectSerializer(many=True, read_only=True)
    events = InspectionEventSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [
            *InspectionSerializer.Meta.fields,
            "supervisor_engineer_present",
            "contractor_engineer_present",
            "attendees",
            "progress_planned",
            "progress_actual",
            "concrete_core_failed",
            "asphalt_core_failed",
            "compaction_failed",
            "structural_deviation",
            "serious_safety_defect",
            "merits",
            "suggestions",
            "revision",
            "members",
            "defects",
            "events",
        ]


class InspectionNewSerializer(serializers.Serializer):
    tender_number = serializers.CharField()
    original = serializers.IntegerField(required=False, allow_null=True, default=None)
    scheduled_on = serializers.DateField(required=False, allow_null=True, default=None)


class InspectionDraftSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="The revision the draft was opened at.")
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))


class InspectionDraftSavedSerializer(serializers.Serializer):
    revision = serializers.IntegerField()


class RecordMemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    external = serializers.BooleanField(default=False)
    score = serializers.IntegerField(allow_null=True)


class RecordDefectSerializer(serializers.Serializer):
    code = serializers.CharField()
    party = serializers.ChoiceField(choices=Party.choices, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR)
    description = serializers.CharField()
    deduction = serializers.IntegerField(required=False, allow_null=True, default=None)


class InspectionRecordSerializer(serializers.Serializer):
    """The record of a visit; the final score and grade follow from the members' scores."""

    inspected_on = serializers.DateField()
    members = RecordMemberSerializer(many=True)
    supervisor_engineer_present = serializers.BooleanField()
    contractor_engineer_present = serializers.BooleanField()
    attendees = serializers.CharField(required=False, allow_blank=True, default="")
    progress_planned = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    progress_actual = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    concrete_core_failed = serializers.BooleanField(default=False)
    asphalt_core_failed = serializers.BooleanField(default=False)
    compaction_failed = serializers.BooleanField(default=False)
    structural_deviation = serializers.BooleanField(default=False)
    serious_safety_defect = serializers.BooleanField(default=False)
    tests_pending = serializers.BooleanField(default=False)
    merits = serializers.CharField(required=False, allow_blank=True, default="")
    suggestions = serializers.CharField(required=False, allow_blank=True, default="")
    defects = RecordDefectSerializer(many=True, required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        typed = [name for name in ("score", "grade") if name in self.initial_data]
        if typed:
            raise serializers.ValidationError(
                {
                    name: _(
                        "The score and grade follow from the members' scores; they are not typed."
                    )
                    for name in typed
                }
            )
        return attrs

    def to_record(self) -> service.RecordData:
        data = dict(self.validated_data)
        members = [service.Member(**m) for m in data.pop("members")]
        defects = [service.DefectData(**d) for d in data.pop("defects")]
        return service.RecordData(members=members, defects=defects, **data)


class InspectionRecordedSerializer(serializers.Serializer):
    inspection = InspectionDetailSerializer()
    warnings = serializers.ListField(child=serializers.CharField())


class InspectionTestsSerializer(serializers.Serializer):
    failed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DefectReportSerializer(serializers.Serializer):
    remediation = serializers.CharField()
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class DefectPhotosSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=list(service.PHASES))
    photos = serializers.ListField(child=serializers.FileField(), min_length=1)


class DefectVerifySerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DefectExtensionSerializer(serializers.Serializer):
    until = serializers.DateField()
    reason = serializers.CharField()


class DefectExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PenaltySerializer(serializers.ModelSerializer):
    tender_number = serializers.CharField(source="inspection.project.tender_number")
    defect_code = serializers.CharField(source="defect.code.code", default=None)

    class Meta:
        model = PenaltyFollowUp
        fields = [
            "id",
            "inspection",
            "tender_number",
            "defect",
            "defect_code",
            "reason",
            "measures",
            "status",
            "outcome",
            "opened_at",
            "closed_at",
        ]


class PenaltyCloseSerializer(serializers.Serializer):
    measures = serializers.ListField(child=serializers.ChoiceField(choices=PenaltyMeasure.choices))
    outcome = serializers.CharField()


# --- Views ---------------------------------------------------------------------------------


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=InspectionStatus.values),
        OpenApiParameter("year", int, description="Year of the inspection (or planned visit)"),
    ]
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inspections; an agency sees its own projects' recorded ones only."""

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return InspectionDetailSerializer if self.action == "retrieve" else InspectionSerializer

    def get_queryset(self) -> QuerySet[Inspection]:
        queryset = visible_inspections(self.request.user).order_by("-inspected_on", "-pk")
        params = self.request.query_params
        if value := params.get("status"):
            queryset = queryset.filter(status=value)
        if (year := params.get("year", "")).isdigit():
            queryset = queryset.filter(scheduled_on__year=int(year)) | queryset.filter(
                inspected_on__year=int(year)
            )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("members", "defects__code", "events__by")
        return queryset

    @extend_schema(request=InspectionNewSerializer, responses={201: InspectionSerializer})
    def create(self, request: Request) -> Response:
        """An unplanned visit or a re-inspection (the inspection team only)."""
        body = InspectionNewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = get_object_or_404(
            visible_projects(request.user), tender_number=body.validated_data["tender_number"]
        )
        original = None
        if body.validated_data["original"]:
            original = get_object_or_404(
                visible_inspections(request.user), pk=body.validated_data["original"]
            )
        inspection = _run(
            lambda: service.new_inspection(
                project,
                request.user,
                original=original,
                scheduled_on=body.validated_data["scheduled_on"],
            )
        )
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InspectionDraftSerializer,
        responses={200: InspectionDraftSavedSerializer, 409: StaleSerializer},
    )
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: str | None = None) -> Response:
        """Keep what was typed; 409 when someone saved after `revision`."""
        body = InspectionDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = _run(
                lambda: service.save_draft(
                    self.get_object(),
                    request.user,
                    body.validated_data["values"],
                    body.validated_data["revision"],
                )
            )
        except service.StaleDraft as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return Response({"revision": saved.revision})

    @extend_schema(request=InspectionRecordSerializer, responses=InspectionRecordedSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        body = InspectionRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved, warnings = _run(
            lambda: service.record(self.get_object(), request.user, body.to_record())
        )
        saved = self.get_queryset().get(pk=saved.pk)
        return Response(
            {"inspection": InspectionDetailSerializer(saved).data, "warnings": warnings}
        )

    @extend_schema(request=None, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        """The record goes to the agency (the team)."""
        saved = _run(lambda: service.send_record(self.get_object(), request.user))
        return Response(InspectionSerializer(saved).data)

    @extend_schema(request=None, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close an inspection whose defects are all closed (the team)."""
        saved = _run(lambda: service.close_inspection(self.get_object(), request.user))
        return Response(InspectionSerializer(saved).data)

    @extend_schema(request=InspectionTestsSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def tests(self, request: Request, pk: str | None = None) -> Response:
        """Results of the tests a grade was held for; a failure makes it 丙等."""
        body = InspectionTestsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = _run(
            lambda: service.settle_tests(
                self.get_object(),
                request.user,
                failed=body.validated_data["failed"],
                note=body.validated_data["note"],
            )
        )
        return Response(InspectionSerializer(saved).data)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=DefectStatus.values),
        OpenApiParameter("overdue", bool, description="Only open defects past their deadline"),
    ]
)
class DefectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Defects: the agency reports remedies with photos; the team verifies and closes them."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return DefectDetailSerializer if self.action == "retrieve" else DefectSerializer

    def get_queryset(self) -> QuerySet[Defect]:
        queryset = visible_defects(self.request.user).order_by("remediation_due", "pk")
        if value := self.request.query_params.get("status"):
            queryset = queryset.filter(status=value)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__by")
        if self.request.query_params.get("overdue") in ("1", "true"):
            return [d for d in queryset if service.is_overdue(d)]  # type: ignore[return-value]
        return queryset

    def _done(self, defect: Defect) -> Response:
        return Response(DefectSerializer(self.get_queryset().get(pk=defect.pk)).data)

    @extend_schema(request=DefectReportSerializer, responses=DefectSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        """The remediation report, with photos after the remedy (images only)."""
        body = DefectReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photos = request.FILES.getlist("photos") if request.FILES else []
        saved = _run(
            lambda: service.report_remediation(
                self.get_object(), request.user, body.validated_data["remediation"], photos
            )
        )
        return self._done(saved)

    @extend_schema(request=DefectPhotosSerializer, responses=DefectSerializer)
    @action(detail=True, methods=["post"])
    def photos(self, request: Request, pk: str | None = None) -> Response:
        body = DefectPhotosSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        defect = self.get_object()
        _run(
            lambda: service.add_photos(
                defect, request.user, request.FILES.getlist("photos"), body.validated_data["phase"]
            )
        )
        return self._done(defect)

    @extend_schema(request=DefectVerifySerializer, responses=DefectSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        """The team closes the defect, or returns it with what is still wrong."""
        body = DefectVerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = _run(
            lambda: service.verify(
                self.get_object(),
                request.user,
                accept=body.validated_data["accept"],
                note=body.validated_data["note"],
            )
        )
        return self._done(saved)

    @extend_schema(request=DefectExtensionSerializer, responses=DefectSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        body = DefectExtensionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = _run(
            lambda: service.request_extension(
                self.get_object(),
                request.user,
                body.validated_data["until"],
                body.validated_data["reason"],
            )
        )
        return self._done(saved)

    @extend_schema(request=DefectExtensionDecisionSerializer, responses=DefectSerializer)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request: Request, pk: str | None = None) -> Response:
        body = DefectExtensionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = _run(
            lambda: service.decide_extension(
                self.get_object(),
                request.user,
                approve=body.validated_data["approve"],
                note=body.validated_data["note"],
            )
        )
        return self._done(saved)


@extend_schema(parameters=[OpenApiParameter("status", str, enum=PenaltyStatus.values)])
class PenaltyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Penalty follow-ups opened by 丙等 and overdue defects, tracked until closed."""

    serializer_class = PenaltySerializer

    def get_queryset(self) -> QuerySet[PenaltyFollowUp]:
        queryset = visible_penalties(self.request.user).select_related("defect__code")
        if value := self.request.query_params.get("status"):
            queryset = queryset.filter(status=value)
        return queryset.order_by("-opened_at", "-pk")

    @extend_schema(request=PenaltyCloseSerializer, responses=PenaltySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        body = PenaltyCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = _run(
            lambda: service.close_penalty(
                self.get_object(),
                request.user,
                measures=body.validated_data["measures"],
                outcome=body.validated_data["outcome"],
            )
        )
        return Response(PenaltySerializer(saved).data)


router = SimpleRouter()
router.register("works-inspections", InspectionViewSet, basename="works-inspection")
router.register("works-defects", DefectViewSet, basename="works-defect")
router.register("works-penalties", PenaltyViewSet, basename="works-penalty")
urlpatterns = [path("", include(router.urls))]
