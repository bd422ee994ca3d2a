"""REST API of mined FAQ candidates, scoped like the pages: an agency's editor sees and decides
its own agency's candidates, the commission all of them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yankao.web.api import run_service as _run

from ..models import CandidateStatus, FaqCandidate
from ..services import mining, visible_candidates


class FaqCandidateSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    agency_name = serializers.CharField(source="agency.name_zh", read_only=True)
    entry_id = serializers.IntegerField(read_only=True, allow_null=True)
    examples = serializers.ListField(child=serializers.CharField(), read_only=True)
    case_numbers = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = FaqCandidate
        fields = [
            "id",
            "agency_code",
            "agency_name",
            "question",
            "draft_answer",
            "cluster_size",
            "examples",
            "case_numbers",
            "status",
            "entry_id",
            "decided_at",
            "created_at",
        ]


class FaqCandidateApprovalSerializer(serializers.Serializer):
    question = serializers.CharField(
        required=False, max_length=mining.QUESTION_CHARS, help_text="Default: as proposed"
    )
    answer = serializers.CharField(required=False, help_text="Default: the draft answer")
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=CandidateStatus.values),
        OpenApiParameter("agency", str, description="Owning agency code"),
    ]
)
class FaqCandidateViewSet(viewsets.ReadOnlyModelViewSet):
    """FAQ candidates mined from closed cases, largest groups first."""

    serializer_class = FaqCandidateSerializer

    def get_queryset(self) -> QuerySet[FaqCandidate]:
        queryset = visible_candidates(self.request.user).order_by("-cluster_size", "pk")
        wanted = self.request.query_params.get("status")
        if wanted:
            queryset = queryset.filter(status=wanted)
        agency = self.request.query_params.get("agency")
        if agency:
            queryset = queryset.filter(agency__code=agency)
        return queryset

    @extend_schema(request=FaqCandidateApprovalSerializer, responses=FaqCandidateSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Draft an FAQ entry from the candidate (edited or not), submitted to the commission."""
        candidate = self.get_object()
        body = FaqCandidateApprovalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _run(
            lambda: mining.approve(
                candidate,
                request.user,
                question=data.get("question"),
                answer=data.get("answer"),
                note=data.get("note", ""),
            )
        )
        return Response(FaqCandidateSerializer(candidate).data)

    @extend_schema(request=None, responses=FaqCandidateSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Not an FAQ: never proposed again."""
        candidate = self.get_object()
        _run(lambda: mining.reject(candidate, request.user))
        return Response(FaqCandidateSerializer(candidate).data)


router = SimpleRouter()
router.register("assistant/faq-candidates", FaqCandidateViewSet, basename="faq-candidate")
urlpatterns = [path("", include(router.urls))]
