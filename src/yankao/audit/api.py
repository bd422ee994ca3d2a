"""The audit log over the API: read-only, commission administrators only."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from yankao.agencies.roles import RoleCode
from yankao.web.scoping import HasRole, ScopedQuerysetMixin

from .filters import FilterError, filter_entries
from .models import AuditAction, AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor_name",
            "actor_agency_code",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "changes",
            "note",
            "ip_address",
            "request_id",
        ]


@extend_schema(
    parameters=[
        OpenApiParameter("actor", str),
        OpenApiParameter("action", str, enum=AuditAction.values),
        OpenApiParameter("target_type", str),
        OpenApiParameter("target_id", str),
        OpenApiParameter("q", str),
        OpenApiParameter("start", str, description="From date (ISO or ROC)"),
        OpenApiParameter("end", str, description="To date (ISO or ROC)"),
    ]
)
class AuditEntryViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEntrySerializer
    queryset = AuditEntry.objects.all()
    permission_classes = [HasRole]
    required_roles = (RoleCode.RDEC_ADMIN,)

    def get_queryset(self) -> QuerySet[AuditEntry]:
        try:
            return filter_entries(super().get_queryset(), self.request.query_params)
        except FilterError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]}) from exc


router = SimpleRouter()
router.register("audit-entries", AuditEntryViewSet, basename="audit-entry")
urlpatterns = router.urls
