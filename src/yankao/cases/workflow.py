"""The case workflow: one transition map and one write path.

Every state change goes through `transition()`: it locks the case row, checks the move is allowed
from the current state, applies the change, appends a `CaseEvent` and an audit entry, all in one
transaction. History is appended, never edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yankao.audit.services import record_transition
from yankao.core.db import insert_later

from .models import Case, CaseEvent, CaseStatus

S = CaseStatus
WORKING = frozenset({S.ACCEPTED, S.IN_PROGRESS})
BEFORE_ACCEPT = frozenset({S.RECEIVED, S.ASSIGNED, S.RETURNED})
OPEN = frozenset(
    {
        S.RECEIVED,
        S.ASSIGNED,
        S.ACCEPTED,
        S.RETURNED,
        S.IN_PROGRESS,
        S.AWAITING_SUPPLEMENT,
        S.PENDING_REVIEW,
        S.REPLIED,
    }
)


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str | None  # None: the status stays (extension requests, notes)
    needs_note: bool = False


TRANSITIONS: dict[str, Move] = {
    "answer_on_line": Move(frozenset({S.RECEIVED}), S.CLOSED),
    "assign": Move(frozenset({S.RECEIVED, S.RETURNED}), S.ASSIGNED),
    "accept": Move(frozenset({S.ASSIGNED}), S.ACCEPTED),
    "return": Move(frozenset({S.ASSIGNED}), S.RETURNED, needs_note=True),
    "start": Move(frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    "reassign": Move(
        frozenset({S.RECEIVED, S.ASSIGNED, S.RETURNED, S.ACCEPTED, S.IN_PROGRESS}),
        S.ASSIGNED,
        needs_note=True,
    ),
    "split": Move(frozenset({S.RECEIVED, S.ASSIGNED, S.RETURNED, S.ACCEPTED, S.IN_PROGRESS}), None),
    "request_extension": Move(WORKING, None, needs_note=True),
    "decide_extension": Move(WORKING | {S.AWAITING_SUPPLEMENT, S.PENDING_REVIEW}, None),
    "request_supplement": Move(WORKING, S.AWAITING_SUPPLEMENT, needs_note=True),
    "supplement_received": Move(frozenset({S.AWAITING_SUPPLEMENT}), S.IN_PROGRESS),
    "submit_reply_for_review": Move(WORKING, S.PENDING_REVIEW),
    "reply": Move(WORKING, S.REPLIED),
    "approve_reply": Move(frozenset({S.PENDING_REVIEW}), S.REPLIED),
    "reject_reply": Move(frozenset({S.PENDING_REVIEW}), S.IN_PROGRESS, needs_note=True),
    "close": Move(frozenset({S.REPLIED}), S.CLOSED),
    "withdraw": Move(OPEN, S.WITHDRAWN, needs_note=True),
    "decline": Move(OPEN - {S.REPLIED}, S.DECLINED, needs_note=True),
    "merge": Move(OPEN - {S.REPLIED}, S.MERGED),
    "reopen": Move(frozenset({S.CLOSED}), S.IN_PROGRESS, needs_note=True),
}


ACTION_LABELS: dict[str, Any] = {
    "answer_on_line": gettext_lazy("Answered on the line"),
    "assign": gettext_lazy("Assigned"),
    "accept": gettext_lazy("Accepted"),
    "return": gettext_lazy("Returned"),
    "start": gettext_lazy("Started"),
    "reassign": gettext_lazy("Reassigned"),
    "split": gettext_lazy("Shared with co-handling agencies"),
    "request_extension": gettext_lazy("Extension requested"),
    "decide_extension": gettext_lazy("Extension decided"),
    "request_supplement": gettext_lazy("Supplement requested"),
    "supplement_received": gettext_lazy("Supplement received"),
    "submit_reply_for_review": gettext_lazy("Reply sent for review"),
    "reply": gettext_lazy("Replied"),
    "approve_reply": gettext_lazy("Reply approved"),
    "reject_reply": gettext_lazy("Reply sent back"),
    "close": gettext_lazy("Closed"),
    "withdraw": gettext_lazy("Withdrawn"),
    "decline": gettext_lazy("Declined"),
    "merge": gettext_lazy("Merged"),
    "reopen": gettext_lazy("Reopened"),
}


class TransitionError(ValidationError):
    """A move that is not allowed now; the message is ready to show (zh-Hant)."""


def allowed_actions(case: Case) -> list[str]:
    return [action for action, move in TRANSITIONS.items() if case.status in move.sources]


def start(
    case: Case,
    action: str,
    actor: Any,
    *,
    note: str = "",
    agency: Any = None,
    data: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The first move of a case being recorded: insert it already moved, with its history.

    Call inside the intake's transaction with an unsaved case (its key may be reserved);
    nobody else can hold a row that does not exist yet, so there is nothing to lock. Saves two
    statements per intake.
    """
    if not case._state.adding:
        raise ValueError("start() records a new case; use transition() for a saved one.")
    move = TRANSITIONS[action]
    if case.status not in move.sources:
        raise TransitionError(
            _("This case is “%(status)s”; the action “%(action)s” is not allowed now.")
            % {"status": case.get_status_display(), "action": action}
        )
    before = case.status
    if move.target is not None:
        case.status = move.target
    insert_later(case, referred=True)  # the history refers to it
    _history(case, action, before, actor, agency=agency, note=note, data=data, now=now)
    return case


def _history(
    case: Case,
    action: str,
    before: str,
    actor: Any,
    *,
    agency: Any,
    note: str,
    data: dict[str, Any] | None,
    now: dt.datetime | None,
) -> None:
    """Append the case event and the audit entry; never edits an earlier one."""
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    insert_later(
        CaseEvent(
            case=case,
            at=now or timezone.now(),
            action=action,
            from_status=before,
            to_status=case.status,
            actor=actor if authenticated else None,
            actor_name=actor.get_username() if authenticated else "",
            agency=agency,
            note=note.strip(),
            data=data or {},
        )
    )
    record_transition(
        case, action, before, actor=actor if authenticated else None, note=note.strip()
    )


def transition(
    case: Case | int,
    action: str,
    actor: Any,
    *,
    note: str = "",
    agency: Any = None,
    data: dict[str, Any] | None = None,
    apply: Callable[[Case], None] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Move a case; `apply` changes its fields under the same lock (deadline, agency …)."""
    move = TRANSITIONS.get(action)
    if move is None:
        raise TransitionError(_("Unknown action: %(action)s") % {"action": action})
    if move.needs_note and not note.strip():
        raise TransitionError({"note": _("A reason is required for this action.")})
    pk = case.pk if isinstance(case, Case) else case
    now = now or timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=pk)
        if locked.status not in move.sources:
            raise TransitionError(
                _("This case is “%(status)s”; the action “%(action)s” is not allowed now.")
                % {"status": locked.get_status_display(), "action": action}
            )
        before = locked.status
        if apply is not None:
            apply(locked)
        if move.target is not None:
            locked.status = move.target
        locked.save()
        _history(locked, action, before, actor, agency=agency, note=note, data=data, now=now)
    return locked
