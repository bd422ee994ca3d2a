from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yankao.web.admin import ReadOnlyAdminMixin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: attachments are removed softly through their record, never deleted here."""

    list_display = (
        "original_name",
        "kind",
        "mime_type",
        "size",
        "content_type",
        "object_id",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
    )
    list_filter = ("kind", "content_type", ("removed_at", admin.EmptyFieldListFilter))
    search_fields = ("original_name", "sha256", "object_id", "caption")
    date_hierarchy = "uploaded_at"
    list_select_related = ("content_type", "uploaded_by")
    # The stored path is not shown as a link: files are only served through the checked view.
    fields = (
        "id",
        "download",
        "original_name",
        "caption",
        "kind",
        "mime_type",
        "size",
        "sha256",
        "content_type",
        "object_id",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
        "removed_by",
    )
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        if obj.removed_at is not None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("attachments:download", args=[obj.pk]), _("Download")
        )
