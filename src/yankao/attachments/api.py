"""Attachments over the API: list, upload (multipart), detail, download, remove.

Everything is scoped through the owner: an attachment whose owner the caller may not see is a
404, whether listed by owner, fetched, downloaded or removed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter

from .models import Attachment
from .services import (
    CAPTION_MAX_LENGTH,
    OwnerNotFound,
    attach,
    attachments_for,
    can_remove,
    open_for_download,
    owner_model,
    remove,
    resolve_owner,
    visible_attachments,
)
from .views import file_response

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class AttachmentSerializer(serializers.ModelSerializer):
    owner_type = serializers.CharField(read_only=True, help_text="app_label.model")
    owner_id = serializers.CharField(source="object_id", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "owner_type",
            "owner_id",
            "original_name",
            "mime_type",
            "kind",
            "size",
            "sha256",
            "caption",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse(
            "attachment-download", args=[attachment.pk], request=self.context.get("request")
        )


class AttachmentUploadSerializer(serializers.Serializer):
    owner_type = serializers.CharField(
        max_length=100, help_text="The owning record's type, app_label.model (e.g. cases.case)."
    )
    owner_id = serializers.CharField(max_length=64, help_text="The owning record's id.")
    # Empty files reach the service, whose message names the field like every other refusal.
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    caption = serializers.CharField(
        max_length=CAPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


OWNER_FILTERS = [
    OpenApiParameter(
        "owner_type", str, description="Only attachments of this owner type (app_label.model)."
    ),
    OpenApiParameter(
        "owner_id", str, description="Only attachments of this record; needs owner_type."
    ),
]


ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=OWNER_FILTERS),
    retrieve=extend_schema(parameters=[ID_PARAMETER]),
    create=extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer}),
    destroy=extend_schema(
        description="Remove softly: the attachment disappears from lists and downloads.",
        parameters=[ID_PARAMETER],
        responses={204: None},
    ),
)
class AttachmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()  # for the schema; get_queryset scopes every request
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[Attachment]:
        user = self.request.user
        params = self.request.query_params
        owner_type = params.get("owner_type", "").strip()
        owner_id = params.get("owner_id", "").strip()
        if self.action != "list" or not (owner_type or owner_id):
            queryset = visible_attachments(user)
        elif owner_id and not owner_type:
            raise serializers.ValidationError(
                {"owner_type": [_("Give owner_type together with owner_id.")]}
            )
        else:
            model = owner_model(owner_type)
            if model is None:
                raise serializers.ValidationError(
                    {"owner_type": [_("Unknown owner type: %(type)s") % {"type": owner_type}]}
                )
            if owner_id:
                try:
                    owner = resolve_owner(owner_type, owner_id, user)
                except OwnerNotFound as exc:
                    raise NotFound from exc
                queryset = attachments_for(owner, user)
            else:
                queryset = visible_attachments(user).filter(
                    content_type=ContentType.objects.get_for_model(model)
                )
        return queryset.select_related("content_type", "uploaded_by").order_by("uploaded_at", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        if owner_model(data["owner_type"]) is None:
            raise serializers.ValidationError(
                {"owner_type": [_("Unknown owner type: %(type)s") % {"type": data["owner_type"]}]}
            )
        try:
            owner = resolve_owner(data["owner_type"], data["owner_id"], request.user)
        except OwnerNotFound as exc:
            raise serializers.ValidationError(
                {"owner_id": [_("No such record, or you may not see it.")]}
            ) from exc
        # ValidationError (400, keyed by field) and PermissionDenied (403) come from the service.
        attachment = attach(owner, data["file"], request.user, data.get("caption", ""))
        body = AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Attachment) -> None:
        if not can_remove(self.request.user, instance):
            raise PermissionDenied(_("You may not remove this attachment."))
        remove(instance, self.request.user)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers with the file's own type whatever the client accepts.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        parameters=[ID_PARAMETER],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, with its detected type and original name.",
            )
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: Any, **kwargs: Any) -> FileResponse:
        attachment = self.get_object()
        try:
            handle = open_for_download(attachment, request.user, via="api")
        except (Attachment.DoesNotExist, FileNotFoundError) as exc:
            raise Http404 from exc
        return file_response(attachment, handle)


router = SimpleRouter()
router.register("attachments", AttachmentViewSet, basename="attachment")
urlpatterns = router.urls
