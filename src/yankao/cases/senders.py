"""Telling the petitioner: e-mail through Django's mailers, SMS through a pluggable backend.

The default SMS backend writes to the log (and a file when YANKAO_SMS_FILE_PATH is set), so
nothing needs an outside service to run; a city plugs its SMS gateway in by dotted path.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Petitioner, ReplyChannel

logger = logging.getLogger("yankao.cases.notify")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


@dataclass
class ConsoleSmsBackend:
    """Logs each SMS; with a file path, also appends it as a JSON line (for tests and demos)."""

    path: str = ""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms", extra={"to": phone[-3:], "chars": len(text)})
        if self.path:
            with Path(self.path).open("a", encoding="utf-8") as handle:
                record = {"to": phone, "text": text, "at": timezone.now().isoformat()}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def sms_backend() -> SmsBackend:
    backend = import_string(settings.YANKAO_SMS_BACKEND)
    return (
        backend(path=settings.YANKAO_SMS_FILE_PATH) if backend is ConsoleSmsBackend else backend()
    )


def notify_petitioner(person: Petitioner, subject: str, text: str) -> str:
    """Send through the petitioner's preferred channel; returns the channel used ('' if none)."""
    if person.anonymised_at or person.reply_channel == ReplyChannel.NONE:
        return ""
    if person.reply_channel == ReplyChannel.SMS and person.phone:
        sms_backend().send(person.phone, f"{subject}\n{text}"[:300])
        return ReplyChannel.SMS
    if person.email and person.reply_channel in (ReplyChannel.EMAIL, ReplyChannel.LETTER):
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
        return ReplyChannel.EMAIL
    return ""
