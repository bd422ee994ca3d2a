"""Pages and partials: download, upload and remove. Every lookup answers 404 when the user may
not see the owning record, so nobody learns that another agency's file exists."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .forms import AttachmentForm
from .models import Attachment
from .services import (
    OwnerNotFound,
    attach,
    can_attach,
    can_remove,
    can_view,
    open_for_download,
    remove,
    resolve_owner,
)
from .widgets import panel_context, safe_next

# Raster images a browser may show in place (`?inline=1`); everything else is a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def file_response(attachment: Attachment, handle: File, *, inline: bool = False) -> FileResponse:
    """The stored file under its original name; RFC 5987 `filename*` for Chinese names.

    The type sent is the one detected at upload, with nosniff and a sandboxing CSP so a file
    can never run as a page of this site.
    """
    response = FileResponse(
        handle,
        as_attachment=not (inline and attachment.mime_type in INLINE_TYPES),
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


def _visible_attachment(user: Any, pk: Any) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    if not can_view(user, attachment):
        raise Http404
    return attachment


@login_required
@require_GET
def download(request: HttpRequest, pk: Any) -> FileResponse:
    attachment = _visible_attachment(request.user, pk)
    try:
        handle = open_for_download(attachment, request.user, via="web")
    except (Attachment.DoesNotExist, FileNotFoundError) as exc:
        raise Http404 from exc
    return file_response(attachment, handle, inline=request.GET.get("inline") == "1")


def _panel(
    request: HttpRequest,
    owner: Any,
    *,
    form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """htmx gets the panel partial; a plain form post gets a full page (errors) or a redirect."""
    next_url = safe_next(request)
    context = panel_context(request, owner, form=form, next_url=next_url)
    if getattr(request, "htmx", False):
        return render(request, "attachments/_panel.html", context)
    if form is not None and form.errors:
        return render(request, "attachments/upload_page.html", context, status=status)
    return redirect(next_url or "home")


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    try:
        owner = resolve_owner(
            request.POST.get("owner_type", ""), request.POST.get("owner_id", ""), request.user
        )
    except OwnerNotFound as exc:
        raise Http404 from exc
    if not can_attach(request.user, owner):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = attach(
                owner, form.cleaned_data["file"], request.user, form.cleaned_data["caption"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not getattr(request, "htmx", False):
                messages.success(
                    request,
                    _("Attached %(name)s.") % {"name": attachment.original_name},
                )
            return _panel(request, owner)
    return _panel(request, owner, form=form, status=400)


@login_required
@require_POST
def remove_attachment(request: HttpRequest, pk: Any) -> HttpResponse:
    attachment = _visible_attachment(request.user, pk)
    if not can_remove(request.user, attachment):
        raise PermissionDenied
    owner = attachment.owner
    remove(attachment, request.user)
    if not getattr(request, "htmx", False):
        messages.success(request, _("Removed %(name)s.") % {"name": attachment.original_name})
    return _panel(request, owner)
