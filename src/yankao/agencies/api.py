"""Agencies and people over the API. Agencies are reference data; people are scoped records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yankao.web.scoping import ScopedQuerysetMixin

from .models import Agency, AgencyKind, User
from .roles import CITYWIDE_LINES


class AgencySerializer(serializers.ModelSerializer):
    parent_code = serializers.SlugRelatedField(source="parent", slug_field="code", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "code_official",
            "name_zh",
            "name_en",
            "short_name",
            "kind",
            "parent_code",
            "district",
            "active",
            "phone",
            "email",
            "website",
        ]


class PersonSerializer(serializers.ModelSerializer):
    agency_code = serializers.SlugRelatedField(source="agency", slug_field="code", read_only=True)
    roles = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "job_title", "agency_code", "roles", "is_active"]


class MeSerializer(PersonSerializer):
    citywide_lines = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "email", "citywide_lines"]

    def get_citywide_lines(self, user: User) -> list[str]:
        lines: set[str] = set()
        for code in user.role_codes:
            lines |= CITYWIDE_LINES.get(code, frozenset())
        return sorted(lines)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=AgencyKind.values),
        OpenApiParameter("active", bool),
    ]
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    lookup_field = "code"
    queryset = Agency.objects.select_related("parent").order_by("sort_order", "code")

    def get_queryset(self) -> QuerySet[Agency]:
        queryset = super().get_queryset()
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in AgencyKind.values:
                raise serializers.ValidationError(
                    {"kind": [_("Unknown agency kind: %(kind)s") % {"kind": kind}]}
                )
            queryset = queryset.filter(kind=kind)
        active = self.request.query_params.get("active")
        if active in {"true", "false"}:
            queryset = queryset.filter(active=active == "true")
        return queryset


@extend_schema(parameters=[OpenApiParameter("agency", str, description="Agency code")])
class PersonViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    queryset = User.objects.select_related("agency").prefetch_related("roles").order_by("id")

    def get_queryset(self) -> QuerySet[User]:
        queryset = super().get_queryset()
        code = self.request.query_params.get("agency")
        if code:
            if not Agency.objects.filter(code=code).exists():
                raise serializers.ValidationError(
                    {"agency": [_("Unknown agency code: %(code)s") % {"code": code}]}
                )
            queryset = queryset.filter(agency__code=code)
        return queryset


class MeView(generics.GenericAPIView):
    serializer_class = MeSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(request.user).data)


router = SimpleRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("people", PersonViewSet, basename="person")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
