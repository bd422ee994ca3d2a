"""The public interface of the assistant: who edits and approves the knowledge base, and what
each user may see. Subject modules (`services.faq`, `services.answering`, `services.mining`,
`services.suggestion`, …) hold the rules; other apps import from here or from them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yankao.agencies.roles import BusinessLine, RoleCode
from yankao.agencies.services import can_write, scope_queryset, visibility

from ..models import FaqCandidate, FaqEntry


def is_approver(user: Any) -> bool:
    """The commission approves what agencies write (its administrator and case officers)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        visibility(user, BusinessLine.ASSISTANT).everything
        and user.has_role(RoleCode.RDEC_ADMIN, RoleCode.RDEC_CASE_OFFICER)
    )


def may_edit(user: Any, agency_id: int) -> bool:
    """An agency's own people (not read-only viewers) edit its entries; approvers edit all."""
    if not can_write(user, BusinessLine.ASSISTANT):
        return False
    return is_approver(user) or agency_id in visibility(user, BusinessLine.ASSISTANT).agency_ids


def visible_entries(user: Any) -> QuerySet[FaqEntry]:
    return scope_queryset(FaqEntry.objects.select_related("agency", "topic"), user)


def visible_candidates(user: Any) -> QuerySet[FaqCandidate]:
    return scope_queryset(FaqCandidate.objects.select_related("agency"), user)
