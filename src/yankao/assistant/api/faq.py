"""REST API of the FAQ knowledge base, scoped like the pages: an agency's people see and edit
their own agency's entries, the commission all of them and decides on every edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yankao.agencies.models import Agency
from yankao.web.api import run_service as _run

from ..markup import render_answer
from ..models import FaqEntry, FaqStatus, FaqVersion, Topic, VersionStatus
from ..services import faq, visible_entries


class FaqVersionSerializer(serializers.ModelSerializer):
    entry_id = serializers.IntegerField(read_only=True)
    topic = serializers.CharField(source="topic.name", read_only=True, allow_null=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True
    )
    stale = serializers.SerializerMethodField()

    class Meta:
        model = FaqVersion
        fields = [
            "id",
            "entry_id",
            "number",
            "question",
            "alternatives",
            "answer",
            "topic",
            "valid_from",
            "valid_to",
            "note",
            "based_on",
            "status",
            "stale",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]

    def get_stale(self, version: FaqVersion) -> bool:
        """Submitted on a text another approved edit has replaced: it cannot be approved."""
        return version.status == VersionStatus.SUBMITTED and faq.is_stale(version, version.entry)


class FaqEntrySerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    agency_name = serializers.CharField(source="agency.name_zh", read_only=True)
    topic = serializers.CharField(source="topic.name", read_only=True, allow_null=True)
    alternatives = serializers.SerializerMethodField()
    answer_html = serializers.SerializerMethodField()

    class Meta:
        model = FaqEntry
        fields = [
            "id",
            "agency_code",
            "agency_name",
            "topic",
            "question",
            "alternatives",
            "answer",
            "answer_html",
            "status",
            "valid_from",
            "valid_to",
            "version",
            "views",
            "helpful",
            "unhelpful",
            "source_key",
            "updated_at",
        ]

    def get_alternatives(self, entry: FaqEntry) -> list[str]:
        return faq.alternative_lines(entry.alternatives)

    def get_answer_html(self, entry: FaqEntry) -> str:
        """The answer as safe HTML: escaped text, line breaks, http(s) links only."""
        return str(render_answer(entry.answer))


class FaqTextSerializer(serializers.Serializer):
    """One version's text, as the owning agency submits it."""

    question = serializers.CharField(max_length=faq.QUESTION_CHARS)
    answer = serializers.CharField(help_text="Plain text; links as [text](https://…) or bare")
    alternatives = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    topic = serializers.SlugRelatedField(
        slug_field="name", queryset=Topic.objects.all(), required=False, allow_null=True
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def text(self) -> faq.FaqText:
        data = self.validated_data
        return faq.FaqText(
            question=data["question"],
            answer=data["answer"],
            alternatives=data.get("alternatives") or [],
            topic=data.get("topic"),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            note=data.get("note", ""),
        )


class FaqNewEntrySerializer(FaqTextSerializer):
    agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.all(), help_text="Owning agency code"
    )


class FaqRejectionSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=faq.REASON_CHARS)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise serializers.ValidationError(
            {"published_on": [_("Date: give it as YYYY-MM-DD, e.g. 2026-03-02.")]}
        ) from exc


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=FaqStatus.values),
        OpenApiParameter("agency", str, description="Owning agency code"),
        OpenApiParameter("topic", str, description="Topic name"),
        OpenApiParameter("q", str, description="Text in the question, phrasings or answer"),
        OpenApiParameter(
            "published_on",
            dt.date,
            description="Only entries citizens are answered from on that day (YYYY-MM-DD)",
        ),
    ]
)
class FaqEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """FAQ entries (the approved text), with their versions; an edit is a new version."""

    serializer_class = FaqEntrySerializer

    def get_queryset(self) -> QuerySet[FaqEntry]:
        queryset = visible_entries(self.request.user).order_by("agency__sort_order", "pk")
        params = self.request.query_params
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        if params.get("agency"):
            queryset = queryset.filter(agency__code=params["agency"])
        if params.get("topic"):
            queryset = queryset.filter(topic__name=params["topic"])
        if params.get("q"):
            words = params["q"].strip()[:100]
            queryset = queryset.filter(
                Q(question__icontains=words)
                | Q(alternatives__icontains=words)
                | Q(answer__icontains=words)
            )
        day = _date(params.get("published_on"))
        if day:
            queryset = queryset.filter(pk__in=faq.published_entries(day).values("pk"))
        return queryset

    @extend_schema(request=FaqNewEntrySerializer, responses={201: FaqEntrySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new draft entry; its first version goes to the commission for approval."""
        body = FaqNewEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = _run(
            lambda: faq.create_entry(body.validated_data["agency"], body.text(), request.user)
        )
        return Response(FaqEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=FaqVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """Every version of the entry, newest first."""
        entry = self.get_object()
        versions = entry.versions.select_related("entry", "topic", "submitted_by", "decided_by")
        return Response(FaqVersionSerializer(versions, many=True).data)

    @extend_schema(request=FaqTextSerializer, responses={201: FaqVersionSerializer})
    @versions.mapping.post
    def submit_version(self, request: Request, pk: str | None = None) -> Response:
        """Submit an edit (owning agency): waits for the commission's approval."""
        entry = self.get_object()
        body = FaqTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = _run(lambda: faq.submit_version(entry, body.text(), request.user))
        return Response(FaqVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=FaqEntrySerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        """Take the entry off the assistant (owning agency or commission)."""
        entry = _run(lambda: faq.retire(self.get_object(), request.user))
        return Response(FaqEntrySerializer(entry).data)

    @extend_schema(request=None, responses=FaqEntrySerializer)
    @action(detail=True, methods=["post"])
    def republish(self, request: Request, pk: str | None = None) -> Response:
        """Put a retired entry's approved text back on the assistant (commission)."""
        entry = _run(lambda: faq.republish(self.get_object(), request.user))
        return Response(FaqEntrySerializer(entry).data)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=VersionStatus.values),
        OpenApiParameter("agency", str, description="Owning agency code"),
    ]
)
class FaqVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Edits of FAQ entries; `?status=submitted` is what waits for the commission."""

    serializer_class = FaqVersionSerializer

    def get_queryset(self) -> QuerySet[FaqVersion]:
        queryset = faq.visible_versions(self.request.user).order_by("-submitted_at", "-pk")
        params = self.request.query_params
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        if params.get("agency"):
            queryset = queryset.filter(entry__agency__code=params["agency"])
        return queryset

    @extend_schema(request=None, responses=FaqEntrySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Commission: the version becomes the entry's published text (stale ones refused)."""
        entry = _run(lambda: faq.approve(self.get_object(), request.user))
        return Response(FaqEntrySerializer(entry).data)

    @extend_schema(request=FaqRejectionSerializer, responses=FaqVersionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Commission: send the edit back with a reason."""
        version = self.get_object()
        body = FaqRejectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _run(lambda: faq.reject(version, request.user, body.validated_data["reason"]))
        return Response(FaqVersionSerializer(version).data)


router = SimpleRouter()
router.register("assistant/faq-entries", FaqEntryViewSet, basename="faq-entry")
router.register("assistant/faq-versions", FaqVersionViewSet, basename="faq-version")
urlpatterns = [path("", include(router.urls))]
