"""Filtering the audit log, shared by the page, its export and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yankao.workdays.roc import RocDateError, parse_roc

from .models import AuditAction, AuditEntry


class FilterError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _day(params: Mapping[str, str], name: str, label: str) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_roc(raw)
    except RocDateError as exc:
        raise FilterError(name, f"{label}: {exc}") from exc


def filter_entries(
    queryset: QuerySet[AuditEntry], params: Mapping[str, str]
) -> QuerySet[AuditEntry]:
    """Apply actor, action, record type, record id, text and date-range filters."""
    if actor := (params.get("actor") or "").strip():
        queryset = queryset.filter(actor_name__iexact=actor)
    if action := (params.get("action") or "").strip():
        if action not in AuditAction.values:
            raise FilterError("action", _("Unknown action: %(action)s") % {"action": action})
        queryset = queryset.filter(action=action)
    if target_type := (params.get("target_type") or "").strip():
        queryset = queryset.filter(target_type=target_type)
    if target_id := (params.get("target_id") or "").strip():
        queryset = queryset.filter(target_id=target_id)
    if text := (params.get("q") or "").strip():
        queryset = queryset.filter(
            Q(target_repr__icontains=text) | Q(note__icontains=text) | Q(actor_name__icontains=text)
        )
    start = _day(params, "start", _("From date"))
    end = _day(params, "end", _("To date"))
    if start and end and start > end:
        raise FilterError("end", _("To date must not be before From date."))
    if start:
        queryset = queryset.filter(at__date__gte=start)
    if end:
        queryset = queryset.filter(at__date__lte=end)
    return queryset
