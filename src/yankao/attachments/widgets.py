"""The attachment panel's context, shared by the template tag and the views that redraw it.

Other apps render the panel with `{% include "attachments/_list.html" with owner=record %}`
(or `{% load attachments %}{% attachment_panel record %}`); both end here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from yankao.agencies.services import can_write

from .forms import AttachmentForm
from .models import Attachment
from .services import (
    accepted_extensions,
    attachments_for,
    can_see_owner,
    format_size,
    is_owner,
    max_bytes,
    owner_key_of,
    owner_type_of,
)


@dataclass(frozen=True)
class AttachmentRow:
    attachment: Attachment
    removable: bool


def safe_next(request: HttpRequest, fallback: str = "") -> str:
    """Where to send a browser without JavaScript after a form post: same site only."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def panel_context(
    request: HttpRequest,
    owner: models.Model,
    *,
    form: AttachmentForm | None = None,
    next_url: str = "",
) -> dict[str, Any]:
    """Everything `attachments/_panel.html` needs; `visible` is False when it must stay empty."""
    user = getattr(request, "user", None)
    if user is None or not is_owner(owner) or not can_see_owner(user, owner):
        return {"visible": False}
    writable = can_write(user, type(owner).scope_line)  # type: ignore[attr-defined]
    attachments = attachments_for(owner, user).select_related("uploaded_by")
    rows = [AttachmentRow(a, writable or a.uploaded_by_id == user.pk) for a in attachments]
    owner_type = owner_type_of(owner)
    owner_id = owner_key_of(owner)
    return {
        "visible": True,
        "owner": owner,
        "owner_type": owner_type,
        "owner_id": owner_id,
        "panel_id": f"attachments-{owner_type.replace('.', '-')}-{owner_id}",
        "rows": rows,
        "any_removable": any(row.removable for row in rows),
        "can_attach": writable,
        "form": form or AttachmentForm(),
        "accept": ",".join(f".{ext}" for ext in accepted_extensions()),
        "accepted": ", ".join(ext.upper() for ext in accepted_extensions(main_only=True)),
        "max_size": format_size(max_bytes()),
        "next_url": next_url or request.get_full_path(),
        "request": request,
        "user": user,
    }
