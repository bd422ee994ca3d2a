"""One attachment table for every business area: photos and documents hung on any record.

The owner is a generic relation so cases, plans and inspections share one facility. Files are
stored under generated names only; the uploader's file name is kept as text for display and as
the download name. Attachments are removed softly: users never delete a stored file.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


def stored_name(instance: Attachment, filename: str) -> str:
    """`attachments/YYYY/MM/<uuid>.<ext>`: the uploader's name never reaches the file system.

    `filename` is ignored on purpose; the extension comes from the type detected in the content
    (set on the instance by the service before saving).
    """
    moment = instance.uploaded_at or timezone.now()
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    extension = instance.extension or "bin"
    return f"attachments/{local:%Y}/{local:%m}/{instance.pk}.{extension}"


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def present(self) -> AttachmentQuerySet:
        """Attachments not removed: what lists and downloads may show."""
        return self.filter(removed_at__isnull=True)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise models.ProtectedError(
            _("Attachments are removed, never deleted, so the record of what was sent stays."),
            set(self),
        )


class Attachment(models.Model):
    """A stored file attached to one record of a business area."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("owner type"), on_delete=models.PROTECT, related_name="+"
    )
    # Text so owners with integer or UUID keys both fit; see services.owner_key for the form.
    object_id = models.CharField(_("owner id"), max_length=64)
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=stored_name, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(_("extension"), max_length=10)
    mime_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "removed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(removed_at__isnull=True, removed_by__isnull=True)
                    | models.Q(removed_at__isnull=False)
                ),
                name="attachment_removed_by_needs_removed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def owner_type(self) -> str:
        """`app_label.model`, the form the API and the upload form use."""
        return f"{self.content_type.app_label}.{self.content_type.model}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise models.ProtectedError(
            _("Attachments are removed, never deleted, so the record of what was sent stays."),
            {self},
        )
