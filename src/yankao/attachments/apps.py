from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Attachments write their own audit entries (CREATE on attach, DELETE on soft removal,
    DOWNLOAD on every download) from services.py, with the owner and checksum in them.
    `audit.services.track` is deliberately not used: it would add a second, less informative
    CREATE entry for every upload and a CHANGE entry for every removal."""

    name = "yankao.attachments"
    verbose_name = _("Attachments")
