"""The public interface of plan control: plans, work plans, monthly reports and their rules.

Plain functions; pages and the API call these. Every write is one transaction; a report saved
by two people at once is refused for the second (revision check), never silently overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.roles import BusinessLine, RoleCode
from yankao.agencies.services import can_write, scope_queryset, visibility

from . import rules
from .models import (
    LagCause,
    Milestone,
    Plan,
    PlanStatus,
    ProgressReport,
    ReportingMonth,
    ReportStatus,
    WorkPlan,
    WorkPlanMonth,
    WorkPlanStatus,
)

# --- Who may do what -----------------------------------------------------------------------


def is_controller(user: Any) -> bool:
    """The commission's plan controllers (and its administrator) run plan control city-wide."""
    return visibility(user, BusinessLine.PLANS).everything and user.has_role(
        RoleCode.RDEC_ADMIN, RoleCode.PLAN_CONTROLLER
    )


def visible_plans(user: Any) -> QuerySet[Plan]:
    return scope_queryset(Plan.objects.select_related("agency", "project_manager"), user)


def visible_reports(user: Any) -> QuerySet[ProgressReport]:
    return scope_queryset(ProgressReport.objects.select_related("plan", "plan__agency"), user)


def may_report(user: Any, plan: Plan) -> bool:
    """The owning agency's people fill the report (the project manager first of all)."""
    if not can_write(user, BusinessLine.PLANS):
        return False
    return plan.project_manager_id == user.pk or (
        user.agency_id is not None and visible_plans(user).filter(pk=plan.pk).exists()
    )


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied(_("You may not do this for this plan."))


# --- Work plans ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthTarget:
    month: dt.date
    planned_progress: Decimal
    planned_spending: Decimal


def approved_work_plan(plan: Plan) -> WorkPlan | None:
    return plan.work_plans.filter(status=WorkPlanStatus.APPROVED).first()


def validate_targets(plan: Plan, targets: list[MonthTarget]) -> list[str]:
    """Months inside the plan, cumulative values that never go down, progress 0-100."""
    errors: list[str] = []
    seen: set[dt.date] = set()
    previous: MonthTarget | None = None
    for target in sorted(targets, key=lambda t: t.month):
        label = f"{target.month.year - 1911}年{target.month.month}月"
        if target.month in seen:
            errors.append(_("%(m)s: the month appears twice.") % {"m": label})
        seen.add(target.month)
        if not rules.first_of_month(plan.start_date) <= target.month <= plan.end_date:
            errors.append(_("%(m)s: outside the plan's period.") % {"m": label})
        if not Decimal(0) <= target.planned_progress <= Decimal(100):
            errors.append(_("%(m)s: planned progress must be between 0 and 100.") % {"m": label})
        if target.planned_spending < 0:
            errors.append(_("%(m)s: planned spending cannot be negative.") % {"m": label})
        if previous is not None and (
            target.planned_progress < previous.planned_progress
            or target.planned_spending < previous.planned_spending
        ):
            errors.append(
                _("%(m)s: cumulative figures cannot go down from the month before.") % {"m": label}
            )
        previous = target
    if not targets:
        errors.append(_("A work plan needs at least one month."))
    return errors


@transaction.atomic
def submit_work_plan(
    plan: Plan,
    user: Any,
    targets: list[MonthTarget],
    *,
    milestones: dict[str, dt.date] | None = None,
    note: str = "",
) -> WorkPlan:
    """A new version, submitted for the commission's approval; the approved baseline stays."""
    _require(may_report(user, plan) or is_controller(user))
    errors = validate_targets(plan, targets)
    if errors:
        raise ValidationError(errors)
    latest = plan.work_plans.aggregate(v=Max("version"))["v"] or 0
    if latest and not note.strip() and approved_work_plan(plan) is not None:
        raise ValidationError({"note": _("Say why the approved work plan changes.")})
    work_plan = WorkPlan.objects.create(
        plan=plan,
        version=latest + 1,
        status=WorkPlanStatus.SUBMITTED,
        note=note.strip(),
        submitted_at=timezone.now(),
    )
    WorkPlanMonth.objects.bulk_create(
        WorkPlanMonth(
            work_plan=work_plan,
            month=t.month,
            planned_progress=t.planned_progress,
            planned_spending=t.planned_spending,
        )
        for t in targets
    )
    Milestone.objects.bulk_create(
        Milestone(work_plan=work_plan, kind=kind, planned_date=day)
        for kind, day in (milestones or {}).items()
    )
    return work_plan


@transaction.atomic
def decide_work_plan(work_plan: WorkPlan, user: Any, *, approve: bool, note: str = "") -> WorkPlan:
    _require(is_controller(user))
    locked = WorkPlan.objects.select_for_update().get(pk=work_plan.pk)
    if locked.status != WorkPlanStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted work plan can be decided."))
    if approve:
        before = approved_work_plan(locked.plan)
        if before is not None:  # milestones reached stay reached in the new baseline
            for done in before.milestones.exclude(actual_date=None):
                locked.milestones.filter(kind=done.kind, actual_date=None).update(
                    actual_date=done.actual_date
                )
        WorkPlan.objects.filter(plan=locked.plan, status=WorkPlanStatus.APPROVED).update(
            status=WorkPlanStatus.SUPERSEDED
        )
    locked.status = WorkPlanStatus.APPROVED if approve else WorkPlanStatus.RETURNED
    locked.decided_at = timezone.now()
    locked.decided_by = user
    if note:
        locked.note = f"{locked.note}\n{note}".strip()
    locked.save()
    return locked


@transaction.atomic
def record_milestones(
    plan: Plan, user: Any, reached: dict[str, dt.date | None], today: dt.date | None = None
) -> list[Milestone]:
    """The dates milestones (award, start, completion …) were actually reached."""
    _require(may_report(user, plan) or is_controller(user))
    baseline = approved_work_plan(plan)
    if baseline is None:
        raise ValidationError(_("The plan has no approved work plan with milestones."))
    today = today or timezone.localdate()
    milestones = {m.kind: m for m in baseline.milestones.select_for_update()}
    errors: dict[str, str] = {}
    for kind, day in reached.items():
        if kind not in milestones:
            errors[kind] = _("The approved work plan has no such milestone.")
        elif day is not None and day > today:
            errors[kind] = _("The actual date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    changed = []
    for kind, day in reached.items():
        milestone = milestones[kind]
        if milestone.actual_date != day:
            milestone.actual_date = day
            milestone.save(update_fields=["actual_date"])
            changed.append(milestone)
    return changed


def planned_for(plan: Plan, month: dt.date) -> tuple[Decimal, Decimal] | None:
    """Planned cumulative progress and spending for a month from the approved baseline.

    Before the first planned month: zero; after the last: the last month's values.
    """
    baseline = approved_work_plan(plan)
    if baseline is None:
        return None
    row = baseline.months.filter(month__lte=month).order_by("-month").first()
    if row is None:
        return Decimal(0), Decimal(0)
    return row.planned_progress, row.planned_spending


def total_budget(plan: Plan) -> Decimal:
    return plan.budgets.aggregate(total=Sum("amount"))["total"] or Decimal(0)


# --- Reporting months ----------------------------------------------------------------------


def reporting_month(month: dt.date) -> ReportingMonth:
    month = rules.first_of_month(month)
    found, _created = ReportingMonth.objects.get_or_create(
        month=month, defaults={"deadline": rules.report_deadline(month)}
    )
    return found


@transaction.atomic
def close_month(month: dt.date, user: Any) -> ReportingMonth:
    """After closing, a month's reports are final: the analysis is sent on them."""
    _require(is_controller(user))
    period = ReportingMonth.objects.select_for_update().get(pk=reporting_month(month).pk)
    if period.closed_at is None:
        period.closed_at = timezone.now()
        period.save(update_fields=["closed_at"])
    return period


# --- Monthly reports -----------------------------------------------------------------------


@dataclass
class ReportData:
    actual_progress: Decimal
    actual_spending: Decimal
    award_amount: Decimal | None = None
    narrative: str = ""
    problems: str = ""
    help_requested: str = ""
    lag_cause: str = ""
    remedy: str = ""
    remedy_due: dt.date | None = None
    correction_note: str = ""


@dataclass
class Computed:
    planned_progress: Decimal | None
    planned_spending: Decimal | None
    lag: Decimal | None
    progress_status: str
    execution_rate: Decimal | None
    needs_cause: bool
    errors: dict[str, list[str]] = field(default_factory=dict)


def previous_report(plan: Plan, month: dt.date) -> ProgressReport | None:
    return plan.reports.filter(month__lt=month).order_by("-month").first()


def evaluate(plan: Plan, month: dt.date, data: ReportData, *, submit: bool) -> Computed:
    """Compute the status and check every rule; errors by field, in the user's language."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    month = rules.first_of_month(month)
    if not rules.first_of_month(plan.start_date) <= month <= plan.end_date:
        add("month", _("Month: outside the plan's period."))
    if plan.status != PlanStatus.CONTROLLED:
        add("month", _("This plan is not under control; it takes no reports."))
    period = ReportingMonth.objects.filter(month=month).first()
    if period is not None and period.closed_at is not None:
        add("month", _("Month: this month is closed; its reports can no longer change."))
    if not Decimal(0) <= data.actual_progress <= Decimal(100):
        add("actual_progress", _("Progress: give a percentage between 0 and 100."))
    if data.actual_spending < 0:
        add("actual_spending", _("Spending: cannot be negative."))
    budget = total_budget(plan)
    if budget and data.actual_spending > budget:
        add(
            "actual_spending",
            _("Spending: NT$%(spent)s is more than the plan's budget of NT$%(budget)s.")
            % {"spent": f"{data.actual_spending:,.0f}", "budget": f"{budget:,.0f}"},
        )
    if data.award_amount is not None and data.award_amount < 0:
        add("award_amount", _("Award amount: cannot be negative."))
    before = previous_report(plan, month)
    if (
        before is not None
        and data.actual_progress < before.actual_progress
        and not data.correction_note.strip()
    ):
        add(
            "correction_note",
            _(
                "Progress went down from %(before)s%% last reported; "
                "explain the correction or fix the figure."
            )
            % {"before": f"{before.actual_progress:g}"},
        )
    planned = planned_for(plan, month)
    planned_progress, planned_spending = planned if planned else (None, None)
    status = ""
    lag = None
    if planned_progress is not None:
        lag = rules.lag_of(planned_progress, data.actual_progress)
        status = rules.progress_status(planned_progress, data.actual_progress)
    rate = rules.execution_rate(data.actual_spending, planned_spending)
    needs_cause = rules.needs_lag_cause(status, rate)
    if submit:
        if planned is None:
            add("month", _("The plan has no approved work plan yet; submit one first."))
        if needs_cause:
            if data.lag_cause not in LagCause.values:
                add("lag_cause", _("Lag cause: choose the main cause of the delay."))
            if len(data.remedy.strip()) < 5:
                add("remedy", _("Remedy: say how the plan will catch up."))
            if data.remedy_due is None:
                add("remedy_due", _("Remedy target date: give the date it will be caught up."))
    return Computed(planned_progress, planned_spending, lag, status, rate, needs_cause, errors)


def save_report(
    plan: Plan,
    month: dt.date,
    data: ReportData,
    user: Any,
    *,
    submit: bool = False,
    revision: int | None = None,
) -> ProgressReport:
    """Create or update the month's report (draft or submitted), all or nothing.

    `revision` is the one the form was opened with; if someone saved in between, the save is
    refused so that neither version is lost silently.
    """
    plan = Plan.objects.get(pk=plan.pk)  # its status now, not when the page was opened
    _require(may_report(user, plan))
    month = rules.first_of_month(month)
    computed = evaluate(plan, month, data, submit=submit)
    if computed.errors:
        raise ValidationError(computed.errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            report = (
                ProgressReport.objects.select_for_update().filter(plan=plan, month=month).first()
            )
            if report is None:
                if revision not in (None, 0):
                    raise ValidationError(_("This report was removed; reload the page."))
                report = ProgressReport(plan=plan, month=month)
            elif revision is None:
                raise ValidationError(
                    {"month": _("A report for this month exists already; open it to change it.")}
                )
            elif revision != report.revision:
                raise ValidationError(
                    _(
                        "Someone else saved this report after you opened it. "
                        "Reload the page to see their changes, then save again."
                    )
                )
            else:
                report.revision += 1
            for name, value in vars(data).items():
                setattr(report, name, value.strip() if isinstance(value, str) else value)
            report.planned_progress = computed.planned_progress
            report.planned_spending = computed.planned_spending
            report.lag = computed.lag
            report.progress_status = computed.progress_status
            report.execution_rate = computed.execution_rate
            if submit:
                report.status = ReportStatus.SUBMITTED
                report.submitted_at = now
                report.submitted_by = user
                report.late = timezone.localdate(now) > reporting_month(month).deadline
            report.full_clean(exclude=["plan", "submitted_by"])
            report.save()
    except IntegrityError as exc:  # two first saves at the same moment
        raise ValidationError(
            _("Someone else saved this report at the same moment. Reload the page.")
        ) from exc
    return report


def prefill(plan: Plan, month: dt.date) -> ReportData:
    """The month before, as the starting point of this month's form."""
    before = previous_report(plan, month)
    if before is None:
        return ReportData(actual_progress=Decimal(0), actual_spending=Decimal(0))
    return ReportData(
        actual_progress=before.actual_progress,
        actual_spending=before.actual_spending,
        award_amount=before.award_amount,
        narrative=before.narrative,
        problems=before.problems,
        help_requested=before.help_requested,
        lag_cause=before.lag_cause,
        remedy=before.remedy,
        remedy_due=before.remedy_due,
    )


@transaction.atomic
def release(plan: Plan, user: Any, reason: str) -> Plan:
    """Release from control (解除列管): reporting ends; the reason is kept."""
    _require(is_controller(user))
    if not reason.strip():
        raise ValidationError({"release_reason": _("Give the reason for releasing the plan.")})
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.CONTROLLED:
        raise ValidationError(_("Only a controlled plan can be released."))
    locked.status = PlanStatus.RELEASED
    locked.release_reason = reason.strip()
    locked.save()
    return locked


# --- Submission -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionRow:
    agency: Any
    expected: int
    submitted: int
    late: int

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def rate(self) -> Decimal:
        return rules.percent_of(self.submitted, self.expected)


def expected_plans(month: dt.date, plans: QuerySet[Plan] | None = None) -> QuerySet[Plan]:
    """Controlled plans running in the month: each owes a report for it."""
    month = rules.first_of_month(month)
    end = rules.add_months(month, 1) - dt.timedelta(days=1)
    queryset = plans if plans is not None else Plan.objects.all()
    return queryset.filter(status=PlanStatus.CONTROLLED, start_date__lte=end, end_date__gte=month)


def submission_rates(user: Any, month: dt.date) -> list[SubmissionRow]:
    """Per agency: plans that owe a report, reports submitted (on time or late)."""
    month = rules.first_of_month(month)
    plans = expected_plans(month, visible_plans(user))
    submitted = dict(
        ProgressReport.objects.filter(
            plan__in=plans, month=month, status=ReportStatus.SUBMITTED
        ).values_list("plan_id", "late")
    )
    rows: dict[int, list[Any]] = {}
    for plan in plans.select_related("agency"):
        row = rows.setdefault(plan.agency_id, [plan.agency, 0, 0, 0])
        row[1] += 1
        if plan.pk in submitted:
            row[2] += 1
            row[3] += int(submitted[plan.pk])
    return sorted(
        (SubmissionRow(*values) for values in rows.values()),
        key=lambda r: (r.rate, r.agency.sort_order),
    )


def current_report_month(today: dt.date | None = None) -> dt.date:
    """The month being reported now: last month until its deadline has passed, then this one."""
    today = today or timezone.localdate()
    last = rules.add_months(today.replace(day=1), -1)
    return last if today <= rules.report_deadline(last) else today.replace(day=1)


# --- Home page ------------------------------------------------------------------------------


def home_work(user: Any) -> list[Any]:
    """Outstanding follow-ups of supervision meetings and monthly reports still owed."""
    from django.urls import reverse

    from yankao.core.services import WorkItem, WorkList
    from yankao.workdays.roc import format_roc

    from . import meetings  # meetings builds on this module

    if not visibility(user, BusinessLine.PLANS).agency_ids and not is_controller(user):
        return []
    lists: list[Any] = []
    today = timezone.localdate()
    follow_ups = meetings.outstanding(user)
    if is_controller(user):
        follow_ups = follow_ups.filter(Q(status="reported") | Q(status="open", due_date__lt=today))
    shown = list(follow_ups[:8])
    lists.append(
        WorkList(
            _("Follow-up items to release") if is_controller(user) else _("Follow-up items"),
            [
                WorkItem(
                    f"{item.decision[:40]}（{item.agency}）",
                    reverse("plans:follow_up", args=[item.pk]),
                    note=(_("overdue") + " " if meetings.is_overdue(item, today) else "")
                    + format_roc(item.due_date, "date"),
                    alert=meetings.is_overdue(item, today),
                )
                for item in shown
            ],
            follow_ups.count(),
            more_url=reverse("plans:follow_ups"),
            empty_text=_("No meeting decision is waiting."),
            replaces=RoleCode.PLAN_CONTROLLER if is_controller(user) else "",
        )
    )
    lists.extend(_evaluation_work(user))
    if not is_controller(user) and can_write(user, BusinessLine.PLANS):
        month = current_report_month(today)
        owed = expected_plans(month, visible_plans(user)).exclude(
            reports__month=month, reports__status=ReportStatus.SUBMITTED
        )
        deadline = rules.report_deadline(month)
        lists.append(
            WorkList(
                _("Monthly reports due for %(month)s") % {"month": format_roc(month, "month")},
                [
                    WorkItem(
                        f"{plan.code} {plan.name}",
                        reverse("plans:report", args=[plan.code, month.year, month.month]),
                        note=_("due %(date)s") % {"date": format_roc(deadline, "date")},
                        alert=today > deadline,
                    )
                    for plan in owed[:8]
                ],
                owed.count(),
                more_url=reverse("plans:list"),
                empty_text=_("Every report for the month is in."),
            )
        )
    return lists


def _evaluation_work(user: Any) -> list[Any]:
    """Year-end evaluations waiting for this user's step: the agency's self-assessments, the
    controllers' preliminary and committee scores."""
    from django.urls import reverse

    from yankao.core.services import WorkItem, WorkList

    from .models import Evaluation, EvaluationStatus, RoundStatus

    if not can_write(user, BusinessLine.PLANS):
        return []
    waiting = (
        [EvaluationStatus.PRELIMINARY, EvaluationStatus.COMMITTEE]
        if is_controller(user)
        else [EvaluationStatus.SELF_ASSESSMENT]
    )
    evaluations = (
        scope_queryset(Evaluation.objects.select_related("round", "plan"), user)
        .filter(round__status=RoundStatus.OPEN, status__in=waiting)
        .order_by("round__year", "plan__code")
    )
    total = evaluations.count()
    if not total:
        return []
    return [
        WorkList(
            _("Year-end evaluations waiting for you"),
            [
                WorkItem(
                    f"{e.plan.code} {e.plan.name}",
                    reverse("plans:evaluation", args=[e.round.year, e.plan.code]),
                    note=str(e.get_status_display()),
                )
                for e in evaluations[:8]
            ],
            total,
            more_url=reverse("plans:evaluation_round", args=[evaluations[0].round.year]),
        )
    ]
