"""Supervision meetings (督導會報) and the follow-up of their decisions.

The commission holds the meeting over one month's reports (by default every plan behind that
month), records each decision as a follow-up item owned by an agency with a due date, and keeps
it open until it releases it. Agencies report their handling; the commission releases the item
or keeps following it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.agencies.services import can_write, scope_queryset

from . import rules, services
from .models import (
    FollowUp,
    FollowUpStatus,
    Plan,
    ProgressReport,
    ProgressStatus,
    ReportStatus,
    ReviewedPlan,
    SupervisionMeeting,
)
from .workflow import follow_up_transition

OUTSTANDING = (FollowUpStatus.OPEN, FollowUpStatus.REPORTED)


def visible_meetings(user: Any) -> QuerySet[SupervisionMeeting]:
    """The commission sees every meeting; an agency the meetings that reviewed or tasked it."""
    meetings = SupervisionMeeting.objects.all()
    if services.is_controller(user):
        return meetings
    tasked = visible_follow_ups(user).values("meeting_id")
    reviewed = ReviewedPlan.objects.filter(plan__in=services.visible_plans(user)).values(
        "meeting_id"
    )
    return meetings.filter(Q(pk__in=tasked) | Q(pk__in=reviewed))


def visible_follow_ups(user: Any) -> QuerySet[FollowUp]:
    return scope_queryset(FollowUp.objects.select_related("meeting", "agency", "plan"), user)


def behind_plans(month: dt.date, plans: QuerySet[Plan] | None = None) -> QuerySet[Plan]:
    """The default agenda: controlled plans whose submitted report for the month is behind."""
    month = rules.first_of_month(month)
    behind = ProgressReport.objects.filter(
        month=month, status=ReportStatus.SUBMITTED, progress_status=ProgressStatus.BEHIND
    ).values("plan_id")
    return services.expected_plans(month, plans).filter(pk__in=behind).select_related("agency")


def candidate_plans(month: dt.date) -> QuerySet[Plan]:
    """Plans that may go on the agenda: every plan controlled in the month."""
    return services.expected_plans(month).select_related("agency")


@transaction.atomic
def hold_meeting(
    user: Any,
    *,
    title: str,
    held_on: dt.date,
    report_month: dt.date,
    chair: str = "",
    minutes: str = "",
    plans: Iterable[Plan] | None = None,
) -> SupervisionMeeting:
    """Record a meeting; its agenda keeps each plan's standing in the month reviewed."""
    services._require(services.is_controller(user))
    report_month = rules.first_of_month(report_month)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the meeting a title.")
    if report_month > rules.first_of_month(held_on):
        errors["report_month"] = _("The month reviewed cannot be after the meeting.")
    if errors:
        raise ValidationError(errors)
    chosen = list(plans) if plans is not None else list(behind_plans(report_month))
    if not chosen:
        raise ValidationError(
            {"plans": _("Choose at least one plan to review; no plan was behind that month.")}
        )
    meeting = SupervisionMeeting.objects.create(
        title=title.strip(),
        held_on=held_on,
        report_month=report_month,
        chair=chair.strip(),
        minutes=minutes.strip(),
        created_by=user,
    )
    reports = {
        r.plan_id: r
        for r in ProgressReport.objects.filter(
            plan__in=chosen, month=report_month, status=ReportStatus.SUBMITTED
        )
    }
    ReviewedPlan.objects.bulk_create(
        ReviewedPlan(
            meeting=meeting,
            plan=plan,
            progress_status=reports[plan.pk].progress_status if plan.pk in reports else "",
            lag=reports[plan.pk].lag if plan.pk in reports else None,
        )
        for plan in {p.pk: p for p in chosen}.values()
    )
    return meeting


@transaction.atomic
def add_decision(
    meeting: SupervisionMeeting,
    user: Any,
    *,
    decision: str,
    due_date: dt.date | None,
    agency: Agency | None = None,
    plan: Plan | None = None,
) -> FollowUp:
    """A decision (決議) becomes a follow-up item owned by the plan's agency unless told."""
    services._require(services.is_controller(user))
    owner = agency or (plan.agency if plan is not None else None)
    errors: dict[str, str] = {}
    if not decision.strip():
        errors["decision"] = _("Write the decision.")
    if owner is None:
        errors["agency"] = _("Choose the agency that carries out the decision.")
    if due_date is None:
        errors["due_date"] = _("Give the due date.")
    elif due_date < meeting.held_on:
        errors["due_date"] = _("The due date cannot be before the meeting.")
    if plan is not None and not meeting.agenda.filter(plan=plan).exists():
        errors["plan"] = _("The plan was not reviewed at this meeting.")
    if errors:
        raise ValidationError(errors)
    assert owner is not None and due_date is not None
    item = FollowUp.objects.create(
        meeting=meeting, plan=plan, decision=decision.strip(), agency=owner, due_date=due_date
    )
    follow_up_transition(item, "create", user)
    return item


def may_report(user: Any, item: FollowUp) -> bool:
    return can_write(user, "plans") and visible_follow_ups(user).filter(pk=item.pk).exists()


def report_handling(item: FollowUp, user: Any, handling: str) -> FollowUp:
    """The agency says what it has done; the item waits for the commission's release."""
    services._require(may_report(user, item))
    if not handling.strip():
        raise ValidationError({"handling": _("Describe how the decision was carried out.")})
    return follow_up_transition(item, "report", user, note=handling.strip(), handling=True)


def release(item: FollowUp, user: Any, note: str = "") -> FollowUp:
    services._require(services.is_controller(user))
    return follow_up_transition(item, "release", user, note=note.strip())


def keep_following(item: FollowUp, user: Any, note: str) -> FollowUp:
    """Not done yet: back to the agency, with what is still missing."""
    services._require(services.is_controller(user))
    if not note.strip():
        raise ValidationError({"note": _("Say what is still missing.")})
    return follow_up_transition(item, "continue", user, note=note.strip())


def outstanding(user: Any) -> QuerySet[FollowUp]:
    """Follow-ups not yet released, soonest due first (the agency's home page shows these)."""
    return visible_follow_ups(user).filter(status__in=OUTSTANDING).order_by("due_date", "pk")


def is_overdue(item: FollowUp, today: dt.date | None = None) -> bool:
    return item.status == FollowUpStatus.OPEN and item.due_date < (today or timezone.localdate())


@dataclass(frozen=True)
class MeetingSummary:
    meeting: SupervisionMeeting
    reviewed: int
    decisions: int
    outstanding: int


def summaries(meetings: QuerySet[SupervisionMeeting]) -> list[MeetingSummary]:
    annotated = meetings.annotate(
        n_reviewed=Count("agenda", distinct=True),
        n_decisions=Count("follow_ups", distinct=True),
        n_outstanding=Count(
            "follow_ups", filter=Q(follow_ups__status__in=OUTSTANDING), distinct=True
        ),
    )
    return [MeetingSummary(m, m.n_reviewed, m.n_decisions, m.n_outstanding) for m in annotated]
