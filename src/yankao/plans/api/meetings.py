"""REST API of supervision meetings and their follow-up items, scoped like the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yankao.agencies.models import Agency

from .. import meetings, services
from ..models import FollowUp, FollowUpEvent, FollowUpStatus, ReviewedPlan, SupervisionMeeting
from .plans import _run


class ReviewedPlanSerializer(serializers.ModelSerializer):
    plan_code = serializers.CharField(source="plan.code")
    plan_name = serializers.CharField(source="plan.name")
    agency_code = serializers.CharField(source="plan.agency.code")

    class Meta:
        model = ReviewedPlan
        fields = ["plan_code", "plan_name", "agency_code", "progress_status", "lag"]


class FollowUpEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username")

    class Meta:
        model = FollowUpEvent
        fields = ["action", "from_status", "to_status", "note", "by", "at"]


class FollowUpSerializer(serializers.ModelSerializer):
    meeting_id = serializers.IntegerField()
    plan_code = serializers.CharField(source="plan.code", default=None)
    agency_code = serializers.CharField(source="agency.code")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "meeting_id",
            "plan_code",
            "decision",
            "agency_code",
            "due_date",
            "status",
            "handling",
            "overdue",
        ]

    def get_overdue(self, item: FollowUp) -> bool:
        return meetings.is_overdue(item)


class FollowUpDetailSerializer(FollowUpSerializer):
    events = FollowUpEventSerializer(many=True, read_only=True)

    class Meta(FollowUpSerializer.Meta):
        fields = [*FollowUpSerializer.Meta.fields, "events"]


class MeetingSerializer(serializers.ModelSerializer):
    agenda = serializers.SerializerMethodField()
    follow_ups = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionMeeting
        fields = [
            "id",
            "title",
            "held_on",
            "report_month",
            "chair",
            "minutes",
            "agenda",
            "follow_ups",
        ]

    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(ReviewedPlanSerializer(many=True))
    def get_agenda(self, meeting: SupervisionMeeting) -> list[dict[str, Any]]:
        rows = meeting.agenda.select_related("plan", "plan__agency")
        if not services.is_controller(self._user()):
            rows = rows.filter(plan__in=services.visible_plans(self._user()))
        return list(ReviewedPlanSerializer(rows, many=True).data)

    @extend_schema_field(FollowUpSerializer(many=True))
    def get_follow_ups(self, meeting: SupervisionMeeting) -> list[dict[str, Any]]:
        items = meetings.visible_follow_ups(self._user()).filter(meeting=meeting)
        return list(FollowUpSerializer(items, many=True).data)


class MeetingInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    report_month = serializers.DateField(help_text="Any day of the month reviewed")
    chair = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    plan_codes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Plans reviewed; default: every plan behind in the month reviewed",
    )


class DecisionInSerializer(serializers.Serializer):
    decision = serializers.CharField()
    due_date = serializers.DateField()
    plan_code = serializers.CharField(required=False, allow_null=True, default=None)
    agency_code = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Default: the plan's agency"
    )


class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings: the commission records them; an agency sees those that reviewed or tasked it."""

    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[SupervisionMeeting]:
        return meetings.visible_meetings(self.request.user).order_by("-held_on", "-pk")

    @extend_schema(request=MeetingInSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MeetingInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        codes = data.pop("plan_codes")
        plans = None
        if codes is not None:
            found = {p.code: p for p in services.visible_plans(request.user).filter(code__in=codes)}
            unknown = sorted(set(codes) - set(found))
            if unknown:
                raise serializers.ValidationError(
                    {"plan_codes": _("Unknown plan: %(codes)s") % {"codes": ", ".join(unknown)}}
                )
            plans = list(found.values())
        meeting = _run(lambda: meetings.hold_meeting(request.user, plans=plans, **data))
        return Response(
            MeetingSerializer(meeting, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=DecisionInSerializer, responses={201: FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        body = DecisionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = (
            get_object_or_404(meeting.plans.all(), code=data["plan_code"])
            if data["plan_code"]
            else None
        )
        agency = (
            get_object_or_404(Agency, code=data["agency_code"]) if data["agency_code"] else None
        )
        item = _run(
            lambda: meetings.add_decision(
                meeting,
                request.user,
                decision=data["decision"],
                due_date=data["due_date"],
                agency=agency,
                plan=plan,
            )
        )
        return Response(FollowUpSerializer(item).data, status=status.HTTP_201_CREATED)


class FollowUpNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HandlingSerializer(serializers.Serializer):
    handling = serializers.CharField()


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=FollowUpStatus.values),
        OpenApiParameter("overdue", bool, description="Only open items past their due date"),
        OpenApiParameter("meeting", int),
    ]
)
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-up items: the owner agency reports its handling; the commission releases."""

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return FollowUpDetailSerializer if self.action == "retrieve" else FollowUpSerializer

    def get_queryset(self) -> QuerySet[FollowUp]:
        queryset = meetings.visible_follow_ups(self.request.user).order_by("due_date", "pk")
        params = self.request.query_params
        if value := params.get("status"):
            queryset = queryset.filter(status=value)
        if params.get("overdue") in ("1", "true"):
            queryset = queryset.filter(
                status=FollowUpStatus.OPEN, due_date__lt=timezone.localdate()
            )
        if (value := params.get("meeting", "")).isdigit():
            queryset = queryset.filter(meeting_id=int(value))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__by")
        return queryset

    @extend_schema(request=HandlingSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        body = HandlingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = _run(
            lambda: meetings.report_handling(
                self.get_object(), request.user, body.validated_data["handling"]
            )
        )
        return Response(FollowUpSerializer(item).data)

    @extend_schema(request=FollowUpNoteSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        body = FollowUpNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = _run(
            lambda: meetings.release(self.get_object(), request.user, body.validated_data["note"])
        )
        return Response(FollowUpSerializer(item).data)

    @extend_schema(request=FollowUpNoteSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="keep-following")
    def keep_following(self, request: Request, pk: str | None = None) -> Response:
        body = FollowUpNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = _run(
            lambda: meetings.keep_following(
                self.get_object(), request.user, body.validated_data["note"]
            )
        )
        return Response(FollowUpSerializer(item).data)


router = SimpleRouter()
router.register("supervision-meetings", MeetingViewSet, basename="supervision-meeting")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
urlpatterns = [path("", include(router.urls))]
