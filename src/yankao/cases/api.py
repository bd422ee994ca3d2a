"""The internal REST API for the whole case workflow, scoped by agency like every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yankao.agencies.models import Agency
from yankao.core.api import CopiedFieldsMixin, plain_validated
from yankao.web.scoping import ScopedQuerysetMixin

from . import maps, services
from .models import (
    Case,
    CaseEvent,
    CaseStatus,
    CaseType,
    Category,
    Channel,
    DeclineGround,
    Extension,
    ReplyChannel,
)
from .workflow import TransitionError, allowed_actions

DUE_SOON = dt.timedelta(hours=24)


class CategorySerializer(serializers.ModelSerializer):
    parent_code = serializers.SlugRelatedField(source="parent", slug_field="code", read_only=True)
    agency_code = serializers.SlugRelatedField(source="agency", slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = [
            "code",
            "parent_code",
            "name_zh",
            "name_en",
            "case_type",
            "agency_code",
            "route_to_district_office",
            "deadline_working_days",
            "deadline_hours",
            "works_site",
            "requires_review",
        ]


class CategorySuggestionSerializer(CategorySerializer):
    """A suggested category: the category, how sure the suggester is and who would handle it."""

    confidence = serializers.FloatField(read_only=True)
    suggested_agency_code = serializers.CharField(
        source="suggested_agency.code", read_only=True, default=None
    )
    suggested_agency_name = serializers.CharField(
        source="suggested_agency.name_zh", read_only=True, default=None
    )

    class Meta(CategorySerializer.Meta):
        fields = [
            *CategorySerializer.Meta.fields,
            "confidence",
            "suggested_agency_code",
            "suggested_agency_name",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    agency_code = serializers.SlugRelatedField(source="agency", slug_field="code", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "action", "from_status", "to_status", "actor_name", "agency_code", "note"]


def seconds_left(case: Case) -> int | None:
    if case.deadline_at is None or not case.is_open:
        return None
    return int((case.deadline_at - timezone.now()).total_seconds())


class CaseSerializer(serializers.ModelSerializer):
    category_code = serializers.SlugRelatedField(
        source="category", slug_field="code", read_only=True
    )
    lead_agency_code = serializers.SlugRelatedField(
        source="lead_agency", slug_field="code", read_only=True
    )
    co_agency_codes = serializers.SerializerMethodField()
    seconds_left = serializers.SerializerMethodField()
    petitioner = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "case_type",
            "channel",
            "status",
            "category_code",
            "subject",
            "description",
            "answer",
            "lead_agency_code",
            "co_agency_codes",
            "district",
            "address",
            "latitude",
            "longitude",
            "received_at",
            "deadline_at",
            "seconds_left",
            "closed_at",
            "confidential",
            "petitioner",
            "allowed_actions",
        ]

    def get_co_agency_codes(self, case: Case) -> list[str]:
        return [h.agency.code for h in case.handlers.all() if h.active and h.role == "co_handler"]

    def get_seconds_left(self, case: Case) -> int | None:
        return seconds_left(case)

    def get_petitioner(self, case: Case) -> dict[str, str]:
        """Always masked here; the reveal endpoint shows (and audits) the real values."""
        return services.petitioner_for(self.context["request"].user, case)

    def get_allowed_actions(self, case: Case) -> list[str]:
        return allowed_actions(case)


_COORDINATE = serializers.DecimalField(max_digits=9, decimal_places=6)


def iso_datetime(value: dt.datetime, zone: dt.tzinfo) -> str:
    """DRF DateTimeField's output for an aware time (ISO 8601 in `zone`, UTC as Z), without
    its per-call settings and time-zone checks: three times in every intake's response."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def new_case_body(case: Case, user: Any) -> dict[str, Any]:
    """`CaseSerializer`'s output for a case just recorded (no co-handlers yet), built directly:
    the serializer's per-call field set-up cost a millisecond of every intake. A test holds the
    two equal."""

    zone = timezone.get_current_timezone()

    def when(value: dt.datetime | None) -> str | None:
        return None if value is None else iso_datetime(value, zone)

    def coordinate(value: Any) -> str | None:
        return None if value is None else _COORDINATE.to_representation(value)

    return {
        "id": case.pk,
        "number": case.number,
        "case_type": case.case_type,
        "channel": case.channel,
        "status": case.status,
        "category_code": case.category.code if case.category_id else None,
        "subject": case.subject,
        "description": case.description,
        "answer": case.answer,
        "lead_agency_code": case.lead_agency.code if case.lead_agency_id else None,
        "co_agency_codes": [],
        "district": case.district,
        "address": case.address,
        "latitude": coordinate(case.latitude),
        "longitude": coordinate(case.longitude),
        "received_at": when(case.received_at),
        "deadline_at": when(case.deadline_at),
        "seconds_left": seconds_left(case),
        "closed_at": when(case.closed_at),
        "confidential": case.confidential,
        "petitioner": services.petitioner_for(user, case),
        "allowed_actions": allowed_actions(case),
    }


class PetitionerInSerializer(CopiedFieldsMixin, serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=10)
    anonymous = serializers.BooleanField(required=False, default=False)
    reply_channel = serializers.ChoiceField(
        choices=ReplyChannel.choices, required=False, default=ReplyChannel.EMAIL
    )


class IntakeSerializer(CopiedFieldsMixin, serializers.Serializer):
    case_type = serializers.ChoiceField(choices=CaseType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    category_code = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(max_length=services.MAX_TEXT, trim_whitespace=True)
    answer = serializers.CharField(required=False, allow_blank=True)
    district = serializers.CharField(required=False, allow_blank=True, max_length=10)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    confidential = serializers.BooleanField(required=False, default=False)
    petitioner = PetitionerInSerializer(required=False)

    def validate_category_code(self, value: str) -> Category | None:
        if not value:
            return None
        category = services.category_by_code(value)
        if category is None:
            raise serializers.ValidationError(_("Unknown category: %(code)s") % {"code": value})
        return category


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AgencySerializer(serializers.Serializer):
    agency_code = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    category_code = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional: the right category, when the case was filed under a wrong one.",
    )

    def validate_agency_code(self, value: str) -> Agency:
        agency = Agency.objects.filter(code=value, active=True).first()
        if agency is None:
            raise serializers.ValidationError(_("Unknown agency code: %(code)s") % {"code": value})
        return agency

    def validate_category_code(self, value: str | None) -> Category | None:
        if not value:
            return None
        category = Category.objects.filter(code=value, active=True, parent__isnull=False).first()
        if category is None:
            raise serializers.ValidationError(
                _("Unknown category code: %(code)s") % {"code": value}
            )
        return category


class SplitSerializer(serializers.Serializer):
    agency_codes = serializers.ListField(child=serializers.CharField(), min_length=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_agency_codes(self, values: list[str]) -> list[Agency]:
        agencies = list(Agency.objects.filter(code__in=values, active=True))
        unknown = set(values) - {a.code for a in agencies}
        if unknown:
            raise serializers.ValidationError(
                _("Unknown agency code: %(code)s") % {"code": ", ".join(sorted(unknown))}
            )
        return agencies


class ExtensionRequestSerializer(serializers.Serializer):
    extra_working_days = serializers.IntegerField(min_value=1, max_value=30)
    reason = serializers.CharField(max_length=2000)


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReplySerializer(serializers.Serializer):
    handling = serializers.CharField(max_length=services.MAX_TEXT)
    basis = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DeclineSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=DeclineGround.choices)
    note = serializers.CharField(max_length=2000)


def _run(call: Any) -> Any:
    """Workflow and rule errors become 400s with their field-named messages."""
    try:
        return call()
    except services.ActionForbidden as exc:
        raise PermissionDenied(exc.messages[0]) from exc
    except TransitionError as exc:
        raise serializers.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"status": exc.messages}
        ) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        ) from exc


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=CaseStatus.values),
        OpenApiParameter("case_type", str, enum=CaseType.values),
        OpenApiParameter("agency", str, description="Lead agency code"),
        OpenApiParameter("due", str, enum=["soon", "overdue"]),
    ]
)
class CaseViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CaseSerializer
    queryset = Case.objects.select_related(
        "category", "lead_agency", "petitioner"
    ).prefetch_related("handlers__agency")

    def get_queryset(self) -> QuerySet[Case]:
        queryset = super().get_queryset()
        params = self.request.query_params
        if value := params.get("status"):
            queryset = queryset.filter(status=value)
        if value := params.get("case_type"):
            queryset = queryset.filter(case_type=value)
        if value := params.get("agency"):
            queryset = queryset.filter(lead_agency__code=value)
        now = timezone.now()
        if params.get("due") == "overdue":
            queryset = queryset.open().filter(deadline_at__lt=now)
        elif params.get("due") == "soon":
            queryset = queryset.open().filter(deadline_at__gte=now, deadline_at__lt=now + DUE_SOON)
        return queryset.order_by("deadline_at", "id") if params.get("due") else queryset

    @extend_schema(
        request=IntakeSerializer,
        responses={201: CaseSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not services.is_commission_case_staff(request.user):
            raise PermissionDenied(_("Only the commission's case staff record new cases."))
        incoming = IntakeSerializer(data=request.data)
        data = plain_validated(incoming)  # the usual JSON intake, without DRF's field machinery
        if data is None:
            incoming.is_valid(raise_exception=True)
            data = dict(incoming.validated_data)
        person = data.pop("petitioner", None)
        intake = services.Intake(
            case_type=data["case_type"],
            channel=data["channel"],
            description=data["description"],
            subject=data.get("subject", ""),
            category=data.get("category_code"),
            answer=data.get("answer", ""),
            district=data.get("district", ""),
            address=data.get("address", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            confidential=data.get("confidential", False),
            petitioner=services.PetitionerData(**person) if person else None,
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        case, code = _run(lambda: services.create_case(intake, request.user))
        if code:  # new: category, agency and petitioner are in memory, no co-handlers yet
            body = new_case_body(case, request.user)
        else:  # a retry: the case recorded the first time, read back whole
            case = (
                self.get_queryset()
                .model.objects.filter(pk=case.pk)
                .prefetch_related("handlers__agency")
                .select_related("category", "lead_agency", "petitioner")
                .get()
            )
            body = CaseSerializer(case, context={"request": request}).data
        body["tracking_code"] = code
        return Response(body, status=status.HTTP_201_CREATED if code else status.HTTP_200_OK)

    @extend_schema(
        summary="Open cases with coordinates, as GeoJSON (dispatch only unless all=1)",
        parameters=[
            OpenApiParameter("all", bool, description="Every open case, not only dispatch")
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="map", pagination_class=None)
    def map(self, request: Request) -> Response:
        now = timezone.now()
        points, left_out = maps.map_points(
            self.get_queryset(), all_types=request.query_params.get("all") in ("1", "true"), now=now
        )
        body = maps.geojson(points, now)
        body["left_out"] = left_out
        return Response(body)

    def _case(self) -> Case:
        return self.get_object()

    def _respond(self, case: Case) -> Response:
        fresh = self.get_queryset().model.objects.get(pk=case.pk)
        return Response(CaseSerializer(fresh, context={"request": self.request}).data)

    @extend_schema(request=None, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(_run(lambda: services.accept(self._case(), request.user)))

    @extend_schema(request=ReasonSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_case(self, request: Request, pk: str | None = None) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = self._case()
        return self._respond(
            _run(lambda: services.return_case(case, request.user, body.validated_data["reason"]))
        )

    @extend_schema(request=AgencySerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        body = AgencySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case, data = self._case(), body.validated_data
        return self._respond(
            _run(
                lambda: services.assign(
                    case,
                    request.user,
                    data["agency_code"],
                    data.get("note", ""),
                    category=data.get("category_code"),
                )
            )
        )

    @extend_schema(request=AgencySerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None) -> Response:
        body = AgencySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case, data = self._case(), body.validated_data
        return self._respond(
            _run(
                lambda: services.reassign(
                    case,
                    request.user,
                    data["agency_code"],
                    data.get("note", ""),
                    category=data.get("category_code"),
                )
            )
        )

    @extend_schema(request=SplitSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def split(self, request: Request, pk: str | None = None) -> Response:
        body = SplitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case, data = self._case(), body.validated_data
        return self._respond(
            _run(
                lambda: services.split(
                    case, request.user, data["agency_codes"], data.get("note", "")
                )
            )
        )

    @extend_schema(request=ExtensionRequestSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        body = ExtensionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case, data = self._case(), body.validated_data
        _run(
            lambda: services.request_extension(
                case, request.user, data["extra_working_days"], data["reason"]
            )
        )
        return self._respond(case)

    @extend_schema(request=ReplySerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case, data = self._case(), body.validated_data
        _run(lambda: services.reply(case, request.user, data["handling"], data.get("basis", "")))
        return self._respond(case)

    @extend_schema(request=NoteSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = self._case()
        return self._respond(
            _run(lambda: services.close(case, request.user, body.validated_data.get("note", "")))
        )

    @extend_schema(request=DeclineSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case, data = self._case(), body.validated_data
        return self._respond(
            _run(lambda: services.decline(case, request.user, data["ground"], data["note"]))
        )

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "PetitionerReveal", {f: serializers.CharField() for f in services.PERSONAL_FIELDS}
        ),
    )
    @action(detail=True, methods=["get"])
    def petitioner(self, request: Request, pk: str | None = None) -> Response:
        """The real personal data for those who need it; every call is in the audit log."""
        case = self._case()
        if not services.may_see_personal_data(request.user, case):
            raise PermissionDenied(_("You may not see this petitioner's personal data."))
        return Response(services.petitioner_for(request.user, case, reveal=True))

    @extend_schema(responses=CaseEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        case = self._case()
        return Response(CaseEventSerializer(case.events.select_related("agency"), many=True).data)


class ExtensionViewSet(viewsets.GenericViewSet):
    queryset = Extension.objects.select_related("case")

    @extend_schema(request=ExtensionDecisionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        visible = services.visible_cases(request.user)
        extension = get_object_or_404(Extension, pk=pk, case__in=visible)
        body = ExtensionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _run(
            lambda: services.decide_extension(
                extension, request.user, approve=data["approve"], note=data.get("note", "")
            )
        )
        return Response(
            CaseSerializer(
                Case.objects.get(pk=extension.case_id), context={"request": request}
            ).data
        )


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    lookup_field = "code"
    queryset = Category.objects.filter(active=True).select_related("parent", "agency")

    @extend_schema(
        parameters=[
            OpenApiParameter("text", str, required=True, description="The citizen's words"),
            OpenApiParameter("district", str, description="The case's district, for routing"),
        ],
        responses=CategorySuggestionSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def suggest(self, request: Request) -> Response:
        """The top 3 categories for a text, best first, with confidence and the agency their
        routing gives; an empty list for an empty, very long or HTML text."""
        found = services.suggest_categories(
            request.query_params.get("text", ""),
            district=request.query_params.get("district", ""),
        )
        return Response(CategorySuggestionSerializer(found, many=True).data)


router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("case-extensions", ExtensionViewSet, basename="case-extension")
router.register("case-categories", CategoryViewSet, basename="case-category")
urlpatterns = [path("", include(router.urls))]
