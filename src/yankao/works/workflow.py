"""Workflows of works-inspection records: one transition map per record type, one write path.

The write path locks the row, checks the move from the current state and who may make it,
applies the change, appends a history row (never editing an earlier one) and an audit entry, in
one transaction.

Inspection: planned → draft (being recorded on site) → recorded → sent (to the agency) → closed
(every defect closed). Defect: open → reported (the agency's remediation report) → closed (the
team verified it), or back to open; an extension is asked and decided while open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from yankao.audit.services import record_transition

from .models import (
    Defect,
    DefectEvent,
    DefectStatus,
    Inspection,
    InspectionEvent,
    InspectionStatus,
)
from .services import is_inspection_team, may_write_for_agency

S = InspectionStatus
D = DefectStatus
TEAM = "team"
AGENCY = "agency"


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str | None  # None: the state stays (e.g. an extension asked)
    who: str  # TEAM or AGENCY (the team may always act for the agency)


class TransitionError(ValidationError):
    """A move that is not allowed now; the message is ready to show (zh-Hant)."""


INSPECTION_MOVES: dict[str, Move] = {
    "start": Move(frozenset({S.PLANNED}), S.DRAFT, TEAM),
    "record": Move(frozenset({S.PLANNED, S.DRAFT}), S.RECORDED, TEAM),
    "settle_tests": Move(frozenset({S.RECORDED, S.SENT}), None, TEAM),
    "send": Move(frozenset({S.RECORDED}), S.SENT, TEAM),
    "close": Move(frozenset({S.SENT}), S.CLOSED, TEAM),
}

DEFECT_MOVES: dict[str, Move] = {
    "report": Move(frozenset({D.OPEN}), D.REPORTED, AGENCY),
    "return": Move(frozenset({D.REPORTED}), D.OPEN, TEAM),
    "close": Move(frozenset({D.OPEN, D.REPORTED}), D.CLOSED, TEAM),
    "request_extension": Move(frozenset({D.OPEN}), None, AGENCY),
    "decide_extension": Move(frozenset({D.OPEN, D.REPORTED}), None, TEAM),
}


def _agency_id(obj: Inspection | Defect) -> int:
    inspection = obj if isinstance(obj, Inspection) else obj.inspection
    return inspection.project.agency_id


def may(user: Any, obj: Inspection | Defect, move: Move) -> bool:
    if is_inspection_team(user):
        return True
    return move.who == AGENCY and may_write_for_agency(user, _agency_id(obj))


def allowed(obj: Inspection | Defect, user: Any) -> list[str]:
    moves = INSPECTION_MOVES if isinstance(obj, Inspection) else DEFECT_MOVES
    return [a for a, m in moves.items() if obj.status in m.sources and may(user, obj, m)]


def _transition(
    model: type[models.Model],
    moves: dict[str, Move],
    history: Callable[..., models.Model],
    obj: Any,
    action: str,
    actor: Any,
    note: str,
    apply: Callable[[Any], None] | None,
) -> Any:
    move = moves.get(action)
    if move is None:
        raise TransitionError(_("Unknown action: %(action)s") % {"action": action})
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if locked.status not in move.sources:
            raise TransitionError(
                _("This is “%(status)s” now; this step is not allowed.")
                % {"status": locked.get_status_display()}
            )
        if not may(actor, locked, move):
            raise PermissionDenied(_("You may not take this step."))
        before = locked.status
        if apply is not None:
            apply(locked)
        if move.target is not None:
            locked.status = move.target
        locked.save()
        history(locked, action, before, note)
        record_transition(locked, action, before, actor=actor, note=note)
    return locked


def inspection_transition(
    inspection: Inspection,
    action: str,
    actor: Any,
    *,
    note: str = "",
    apply: Callable[[Inspection], None] | None = None,
) -> Inspection:
    def history(locked: Inspection, act: str, before: str, text: str) -> InspectionEvent:
        return InspectionEvent.objects.create(
            inspection=locked,
            action=act,
            from_status=before,
            to_status=locked.status,
            note=text,
            by=actor,
        )

    return _transition(
        Inspection, INSPECTION_MOVES, history, inspection, action, actor, note, apply
    )


def defect_transition(
    defect: Defect,
    action: str,
    actor: Any,
    *,
    note: str = "",
    apply: Callable[[Defect], None] | None = None,
) -> Defect:
    def history(locked: Defect, act: str, before: str, text: str) -> DefectEvent:
        return DefectEvent.objects.create(
            defect=locked,
            action=act,
            from_status=before,
            to_status=locked.status,
            note=text,
            by=actor,
        )

    return _transition(Defect, DEFECT_MOVES, history, defect, action, actor, note, apply)
