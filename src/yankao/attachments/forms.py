"""The upload form of the attachment panel; the real checks live in services.validate_upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import CAPTION_MAX_LENGTH


class AttachmentForm(forms.Form):
    # Empty files reach validate_upload, whose message names the field like every other one.
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    caption = forms.CharField(
        label=_("Caption"),
        max_length=CAPTION_MAX_LENGTH,
        required=False,
        help_text=_("Optional: what the photo or document shows."),
    )
