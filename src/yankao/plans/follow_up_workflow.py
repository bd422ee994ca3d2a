"""The follow-up item's states: one transition map, one write path that locks and appends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.audit.models import AuditAction
from yankao.audit.services import record

from .models import FollowUp, FollowUpEvent, FollowUpStatus

F = FollowUpStatus


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str


FOLLOW_UP_MOVES: dict[str, Move] = {
    "create": Move(frozenset({F.OPEN}), F.OPEN),
    "report": Move(frozenset({F.OPEN}), F.REPORTED),
    "continue": Move(frozenset({F.REPORTED}), F.OPEN),
    "release": Move(frozenset({F.OPEN, F.REPORTED}), F.RELEASED),
}


def allowed_follow_up_actions(item: FollowUp) -> list[str]:
    return [a for a, m in FOLLOW_UP_MOVES.items() if a != "create" and item.status in m.sources]


def follow_up_transition(
    item: FollowUp, action: str, actor: Any, *, note: str = "", handling: bool = False
) -> FollowUp:
    """Move the item under a row lock; `handling` stores the note as the agency's handling."""
    move = FOLLOW_UP_MOVES[action]
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=item.pk)
        if locked.status not in move.sources:
            raise ValidationError(
                _("This follow-up item is “%(status)s”; this action is not allowed now.")
                % {"status": locked.get_status_display()}
            )
        before = locked.status
        locked.status = move.target
        if handling:
            locked.handling = note
        locked.save()
        FollowUpEvent.objects.create(
            follow_up=locked,
            action=action,
            from_status=before if action != "create" else "",
            to_status=locked.status,
            note=note,
            by=actor,
        )
        record(
            AuditAction.STATUS,
            locked,
            actor=actor,
            changes={"action": action, "status": {"old": before, "new": locked.status}},
            note=note,
        )
    return locked
