"""Workflows of plan-control records: one transition map per record type, one write path each.

A write path locks the row, checks the move from the current state and who may make it, applies
the change, appends a step record (never editing an earlier one) and an audit entry, all in one
transaction. A record type adds its own map and write path here.

Year-end evaluation: self-assessment (the owning agency) → preliminary score (the commission's
plan controllers) → committee score (the controllers, recording the review committee's result)
→ published (the controllers publish the whole round). A stage may score again until the next
stage has scored (the latest step counts); nothing moves after publication.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import can_write, visibility
from yankao.audit.services import record_transition
from yankao.workdays.roc import format_for_language

from . import services
from .models import (
    Evaluation,
    EvaluationRound,
    EvaluationStage,
    EvaluationStatus,
    EvaluationStep,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
    RoundStatus,
)


class TransitionError(ValidationError):
    """A move that is not allowed now; the message is ready to show (zh-Hant)."""


class StaleRevision(ValidationError):
    """Someone else changed the record after the form was opened (the API answers 409)."""


# --- Who may act ---------------------------------------------------------------------------


def is_owning_agency(user: Any, evaluation: Evaluation) -> bool:
    """People of the plan's agency (supervisors also of its second-level agencies), not the
    commission: the self-assessment is the agency's own view."""
    if not can_write(user, BusinessLine.PLANS):
        return False
    seen = visibility(user, BusinessLine.PLANS)
    return not seen.everything and evaluation.plan.agency_id in seen.agency_ids


def is_controller(user: Any, evaluation: Evaluation) -> bool:
    return services.is_controller(user)


# --- Year-end evaluation -------------------------------------------------------------------

E = EvaluationStatus


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    may: Callable[[Any, Evaluation], bool]
    stage: str = ""  # the stage whose scores this move records; "" for publication


EVALUATION_MOVES: dict[str, Move] = {
    "self_assess": Move(
        frozenset({E.SELF_ASSESSMENT, E.PRELIMINARY}),
        E.PRELIMINARY,
        is_owning_agency,
        EvaluationStage.SELF_ASSESSMENT,
    ),
    "preliminary": Move(
        frozenset({E.PRELIMINARY, E.COMMITTEE}),
        E.COMMITTEE,
        is_controller,
        EvaluationStage.PRELIMINARY,
    ),
    "committee": Move(
        frozenset({E.COMMITTEE, E.SCORED}), E.SCORED, is_controller, EvaluationStage.COMMITTEE
    ),
    "publish": Move(frozenset({E.SCORED}), E.PUBLISHED, is_controller),
}

STAGE_ACTIONS: dict[str, str] = {m.stage: a for a, m in EVALUATION_MOVES.items() if m.stage}

EVALUATION_ACTION_LABELS: dict[str, Any] = {
    "self_assess": gettext_lazy("Self-assessment"),
    "preliminary": gettext_lazy("Preliminary score"),
    "committee": gettext_lazy("Committee score"),
    "publish": gettext_lazy("Published"),
}


def allowed_evaluation_actions(evaluation: Evaluation, user: Any) -> list[str]:
    """What this user may do now (pages show these forms and buttons only)."""
    if evaluation.round.status != RoundStatus.OPEN:
        return []
    return [
        action
        for action, move in EVALUATION_MOVES.items()
        if move.stage and evaluation.status in move.sources and move.may(user, evaluation)
    ]


@dataclass(frozen=True)
class StageScores:
    scores: dict[str, Decimal]
    total: Decimal
    grade: str = ""  # only the committee's total is graded
    comment: str = ""


def evaluation_transition(
    evaluation: Evaluation | int,
    action: str,
    actor: Any,
    *,
    revision: int | None = None,
    scored: StageScores | None = None,
) -> Evaluation:
    """Move an evaluation under a row lock (the round's first, then its own).

    `revision` is the one the form was opened with: if someone scored in between, the write is
    refused so that neither score is lost silently.
    """
    move = EVALUATION_MOVES.get(action)
    if move is None:
        raise TransitionError(_("Unknown action: %(action)s") % {"action": action})
    if move.stage and scored is None:
        raise ValueError("a scoring move needs its scores")
    pk = evaluation.pk if isinstance(evaluation, Evaluation) else evaluation
    with transaction.atomic():
        round_id = Evaluation.objects.values_list("round_id", flat=True).get(pk=pk)
        year_round = EvaluationRound.objects.select_for_update().get(pk=round_id)
        locked = (
            Evaluation.objects.select_for_update(of=("self",)).select_related("plan").get(pk=pk)
        )
        locked.round = year_round
        _check(locked, move, actor, revision)
        before = locked.status
        locked.status = move.target
        if scored is not None:
            if move.stage == EvaluationStage.SELF_ASSESSMENT:
                locked.self_score = scored.total
            elif move.stage == EvaluationStage.PRELIMINARY:
                locked.preliminary_score = scored.total
            else:
                locked.final_score = scored.total
                locked.grade = scored.grade
        locked.revision += 1
        locked.save()
        EvaluationStep.objects.create(
            evaluation=locked,
            action=action,
            stage=move.stage,
            from_status=before,
            to_status=locked.status,
            scores={code: str(v) for code, v in scored.scores.items()} if scored else {},
            total=scored.total if scored else locked.final_score,
            grade=scored.grade if scored else locked.grade,
            comment=scored.comment.strip() if scored else "",
            by=actor,
        )
        record_transition(
            locked,
            action,
            before,
            actor=actor,
            extra={"total": str(scored.total)} if scored else None,
        )
    return locked


def check_evaluation_move(evaluation: Evaluation, action: str, actor: Any) -> None:
    """The same checks as the write path, without locks: to refuse early, before validating
    scores, with the message that matters (published, wrong role, a step skipped)."""
    _check(evaluation, EVALUATION_MOVES[action], actor, None)


def _check(evaluation: Evaluation, move: Move, actor: Any, revision: int | None) -> None:
    year_round = evaluation.round
    if not move.may(actor, evaluation):
        raise PermissionDenied(_wrong_role(move))
    if year_round.status == RoundStatus.PUBLISHED or evaluation.status == E.PUBLISHED:
        raise TransitionError(
            _(
                "The %(year)s evaluation was published on %(date)s; "
                "its scores are frozen and can no longer change."
            )
            % {
                "year": format_for_language(_year_start(year_round.year), "year"),
                "date": format_for_language(year_round.published_at, "long"),
            }
        )
    if revision is not None and revision != evaluation.revision:
        raise StaleRevision(
            _(
                "Someone else scored this evaluation after you opened it. "
                "Reload the page to see their scores, then score again."
            )
        )
    if evaluation.status not in move.sources:
        raise TransitionError(_not_now(evaluation, move))


def _year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def _wrong_role(move: Move) -> str:
    if move.stage == EvaluationStage.SELF_ASSESSMENT:
        return _("Only the plan's own agency gives its self-assessment.")
    if move.stage:
        return _("Only the commission's plan controllers record preliminary and committee scores.")
    return _("Only the commission's plan controllers publish the evaluation.")


def _not_now(evaluation: Evaluation, move: Move) -> str:
    """Say which step comes first, rather than only that the move is refused."""
    waiting = {
        E.SELF_ASSESSMENT: _("The agency's self-assessment comes first."),
        E.PRELIMINARY: _("The commission's preliminary score comes first."),
        E.COMMITTEE: _("The review committee's score comes first."),
    }
    if move.target == E.PUBLISHED:
        hint = waiting.get(evaluation.status, "")
    elif evaluation.status in waiting and _order(evaluation.status) < _order(move.target) - 1:
        hint = waiting[evaluation.status]
    else:
        hint = _("A later stage has already scored it.")
    return (
        _("This evaluation is “%(status)s”; this step is not allowed now.")
        % {"status": evaluation.get_status_display()}
        + " "
        + hint
    ).strip()


def _order(status: str) -> int:
    return list(EvaluationStatus.values).index(status)


# --- Follow-up items of supervision meetings ------------------------------------------------
# open → reported (the owner agency says what it did) → released (the commission); or back to open
# when the commission keeps following. Created open with its first event.

F = FollowUpStatus


@dataclass(frozen=True)
class FollowUpMove:
    sources: frozenset[str]
    target: str


FOLLOW_UP_MOVES: dict[str, FollowUpMove] = {
    "create": FollowUpMove(frozenset({F.OPEN}), F.OPEN),
    "report": FollowUpMove(frozenset({F.OPEN}), F.REPORTED),
    "continue": FollowUpMove(frozenset({F.REPORTED}), F.OPEN),
    "release": FollowUpMove(frozenset({F.OPEN, F.REPORTED}), F.RELEASED),
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
            raise TransitionError(
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
        record_transition(locked, action, before, actor=actor, note=note)
    return locked
