"""`{% attachment_panel owner %}`: the list of an owner's attachments and the upload form."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from ..widgets import panel_context

register = template.Library()


@register.inclusion_tag("attachments/_panel.html", takes_context=True)
def attachment_panel(context: template.Context, owner: models.Model | None) -> dict[str, Any]:
    """Renders nothing unless there is a request and its user may see the owner."""
    request = context.get("request")
    if request is None or owner is None:
        return {"visible": False}
    return panel_context(request, owner)
