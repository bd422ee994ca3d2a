"""REST API of the year-end evaluation: rounds, evaluations scored stage by stage, results.

Scoped like the pages: an agency sees its own plans' evaluations (another agency's is a 404);
the commission's plan controllers see all. Rule errors are 400 with zh-Hant messages by field,
a forbidden step 403, and a score sent with a stale revision 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from .. import evaluations
from ..models import (
    Evaluation,
    EvaluationRound,
    EvaluationStage,
    EvaluationStatus,
    EvaluationStep,
    RubricItem,
)
from ..workflow import StaleRevision
from .plans import _run


class RubricItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricItem
        fields = ["code", "name", "weight", "order"]


class GradeBandSerializer(serializers.Serializer):
    grade = serializers.CharField()
    lowest = serializers.DecimalField(max_digits=5, decimal_places=2)


class RoundSerializer(serializers.ModelSerializer):
    items = RubricItemSerializer(many=True, read_only=True)
    grade_bands = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationRound
        fields = [
            "year",
            "status",
            "items",
            "grade_bands",
            "outcomes",
            "opened_at",
            "published_at",
            "revision",
        ]

    @extend_schema_field(GradeBandSerializer(many=True))
    def get_grade_bands(self, year_round: EvaluationRound) -> list[dict[str, Any]]:
        return [{"grade": g, "lowest": str(low)} for g, low in year_round.grade_bands]


class OpenRoundSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1912, max_value=9999)


class RubricInSerializer(serializers.Serializer):
    items = RubricItemSerializer(many=True)
    grade_bands = GradeBandSerializer(many=True, required=False)
    revision = serializers.IntegerField(help_text="The round's revision you read")


class StepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username")

    class Meta:
        model = EvaluationStep
        fields = [
            "action",
            "stage",
            "from_status",
            "to_status",
            "scores",
            "total",
            "grade",
            "comment",
            "by",
            "at",
        ]


class EvaluationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year")
    plan_code = serializers.CharField(source="plan.code")
    plan_name = serializers.CharField(source="plan.name")
    agency_code = serializers.CharField(source="plan.agency.code")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "year",
            "plan_code",
            "plan_name",
            "agency_code",
            "status",
            "self_score",
            "preliminary_score",
            "final_score",
            "grade",
            "revision",
        ]


class EvaluationDetailSerializer(EvaluationSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "steps"]


class ScoreInSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=EvaluationStage.choices)
    scores = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Score 0-100 (two decimals at most) by rubric item code",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    revision = serializers.IntegerField(help_text="The evaluation's revision you read")


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Years evaluated: the commission opens a year, sets its rubric and publishes it."""

    serializer_class = RoundSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self) -> QuerySet[EvaluationRound]:
        return evaluations.visible_rounds(self.request.user).prefetch_related("items")

    @extend_schema(request=OpenRoundSerializer, responses={201: RoundSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = OpenRoundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opened = _run(lambda: evaluations.open_round(body.validated_data["year"], request.user))
        return Response(RoundSerializer(opened).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RubricInSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def rubric(self, request: Request, year: str | None = None) -> Response:
        """Replace the items (and grade bands) before the first score; weights add up to 100."""
        year_round = self.get_object()
        body = RubricInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rows = [evaluations.RubricRow(i["code"], i["name"], i["weight"]) for i in data["items"]]
        bands = (
            [(b["grade"], b["lowest"]) for b in data["grade_bands"]]
            if data.get("grade_bands")
            else None
        )
        changed = _run(
            lambda: evaluations.set_rubric(
                year_round, request.user, rows, revision=data["revision"], grade_bands=bands
            )
        )
        return Response(RoundSerializer(changed).data)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, year: str | None = None) -> Response:
        """Every plan needs its committee score; publication freezes the scores."""
        published = _run(lambda: evaluations.publish(self.get_object(), request.user))
        return Response(RoundSerializer(published).data)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="Grade distribution, per agency, and the plans sent for reward or penalty",
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, year: str | None = None) -> Response:
        year_round = self.get_object()
        if not evaluations.results_visible(request.user, year_round):
            raise Http404
        result = evaluations.results(year_round, request.user)
        return Response(
            {
                "year": year_round.year,
                "published": year_round.is_published,
                "sentences": result.sentences(),
                "graded": result.graded,
                "average": None if result.average is None else str(result.average),
                "distribution": [
                    {"grade": line.grade, "count": line.count, "share": str(line.share)}
                    for line in result.distribution
                ],
                "agencies": [
                    {
                        "agency_code": line.agency.code,
                        "plans": line.total,
                        "by_grade": {g.grade: line.counts[g.grade] for g in result.distribution},
                        "average": None if line.average is None else str(line.average),
                    }
                    for line in result.agencies
                ],
                "sanctions": [
                    {
                        "outcome": s.outcome,
                        "plan_code": s.evaluation.plan.code,
                        "agency_code": s.evaluation.plan.agency.code,
                        "final_score": str(s.evaluation.final_score),
                        "grade": s.evaluation.grade,
                    }
                    for s in result.sanctions
                ],
            }
        )


@extend_schema(
    parameters=[
        OpenApiParameter("year", int),
        OpenApiParameter("status", str, enum=EvaluationStatus.values),
        OpenApiParameter("agency", str, description="Owning agency code"),
        OpenApiParameter("plan", str, description="Plan code"),
    ]
)
class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Each plan's evaluation; POST a stage's scores with the revision you read."""

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return EvaluationDetailSerializer if self.action == "retrieve" else EvaluationSerializer

    def get_queryset(self) -> QuerySet[Evaluation]:
        queryset = evaluations.visible_evaluations(self.request.user)
        params = self.request.query_params
        if (value := params.get("year", "")).isdigit():
            queryset = queryset.filter(round__year=int(value))
        if value := params.get("status"):
            queryset = queryset.filter(status=value)
        if value := params.get("agency"):
            queryset = queryset.filter(plan__agency__code=value)
        if value := params.get("plan"):
            queryset = queryset.filter(plan__code=value)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("steps__by")
        return queryset.order_by("-round__year", "plan__agency__sort_order", "plan__code")

    @extend_schema(
        request=ScoreInSerializer,
        responses={200: EvaluationSerializer, 409: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str | None = None) -> Response:
        body = ScoreInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        evaluation = self.get_object()
        try:
            scored = evaluations.score(
                evaluation,
                request.user,
                data["stage"],
                data["scores"],
                comment=data["comment"],
                revision=data["revision"],
            )
        except StaleRevision as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            ) from exc
        return Response(EvaluationSerializer(scored).data)


router = SimpleRouter()
router.register("evaluation-rounds", RoundViewSet, basename="evaluation-round")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
urlpatterns = [path("", include(router.urls))]
