"""Central-subsidy projects (基本設施補助, 前瞻基礎建設): award rate and budget achievement rate.

Award rate (發包率) = projects awarded / projects whose planned award date has come (a project
is awarded when its award milestone has an actual date or its report gives an award amount).
Budget achievement rate (預算達成率) = actual cumulative spending / planned cumulative spending
to date, summed over the projects' latest submitted reports. Both per agency and overall, with
the projects that hold them down: awards overdue, and the largest spending shortfalls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yankao.workdays.roc import format_for_language

from . import rules
from .models import (
    SUBSIDY_KINDS,
    Milestone,
    MilestoneKind,
    Plan,
    ProgressReport,
    ReportStatus,
    WorkPlanStatus,
)
from .services import expected_plans


@dataclass
class SubsidyFigures:
    projects: int = 0
    award_due: int = 0
    awarded: int = 0
    award_amount: Decimal = Decimal(0)
    planned_spending: Decimal = Decimal(0)
    actual_spending: Decimal = Decimal(0)

    @property
    def award_rate(self) -> Decimal | None:
        return rules.percent_of(self.awarded, self.award_due) if self.award_due else None

    @property
    def achievement_rate(self) -> Decimal | None:
        return rules.execution_rate(self.actual_spending, self.planned_spending)


@dataclass
class SubsidyAgency:
    agency: Any
    figures: SubsidyFigures


@dataclass
class Project:
    plan: Plan
    report: ProgressReport | None
    award_planned: dt.date | None
    award_actual: dt.date | None

    @property
    def awarded(self) -> bool:
        return self.award_actual is not None or bool(self.report and self.report.award_amount)

    @property
    def shortfall(self) -> Decimal:
        if self.report is None or not self.report.planned_spending:
            return Decimal(0)
        return max(self.report.planned_spending - self.report.actual_spending, Decimal(0))


@dataclass
class SubsidyView:
    month: dt.date
    overall: SubsidyFigures
    agencies: list[SubsidyAgency]
    award_overdue: list[Project] = field(default_factory=list)
    low_achievement: list[Project] = field(default_factory=list)

    def sentences(self) -> list[str]:
        o = self.overall
        lines = [
            _("%(month)s: %(n)s central-subsidy projects.")
            % {"month": format_for_language(self.month, "month"), "n": o.projects}
        ]
        if o.award_rate is not None:
            lines.append(
                _("Award rate %(rate)s%%: %(awarded)s of %(due)s projects due for award.")
                % {"rate": o.award_rate, "awarded": o.awarded, "due": o.award_due}
            )
        if o.achievement_rate is not None:
            lines.append(
                _(
                    "Budget achievement rate %(rate)s%%: NT$%(actual)s spent of NT$%(planned)s "
                    "planned to date."
                )
                % {
                    "rate": o.achievement_rate,
                    "actual": f"{o.actual_spending:,.0f}",
                    "planned": f"{o.planned_spending:,.0f}",
                }
            )
        return lines


def subsidy_view(month: dt.date, plans: QuerySet[Plan]) -> SubsidyView:
    """`plans` is already scoped to what the user may see."""
    month = rules.first_of_month(month)
    month_end = rules.add_months(month, 1) - dt.timedelta(days=1)
    projects = list(
        expected_plans(month, plans).filter(kind__in=SUBSIDY_KINDS).select_related("agency")
    )
    ids = [p.pk for p in projects]
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(
        plan_id__in=ids, month__lte=month, status=ReportStatus.SUBMITTED
    ).order_by("plan_id", "-month"):
        latest.setdefault(report.plan_id, report)
    awards = {
        m.work_plan.plan_id: m
        for m in Milestone.objects.filter(
            kind=MilestoneKind.AWARD,
            work_plan__plan_id__in=ids,
            work_plan__status=WorkPlanStatus.APPROVED,
        ).select_related("work_plan")
    }
    overall = SubsidyFigures()
    per_agency: dict[int, SubsidyAgency] = {}
    overdue: list[Project] = []
    low: list[Project] = []
    for plan in projects:
        milestone = awards.get(plan.pk)
        actual = milestone.actual_date if milestone and milestone.actual_date else None
        project = Project(
            plan,
            latest.get(plan.pk),
            milestone.planned_date if milestone else None,
            actual if actual and actual <= month_end else None,
        )
        due = project.award_planned is not None and project.award_planned <= month_end
        line = per_agency.setdefault(plan.agency_id, SubsidyAgency(plan.agency, SubsidyFigures()))
        for figures in (overall, line.figures):
            figures.projects += 1
            if due:
                figures.award_due += 1
                figures.awarded += int(project.awarded)
            if project.report is not None:
                figures.award_amount += project.report.award_amount or 0
                if project.report.planned_spending:
                    figures.planned_spending += project.report.planned_spending
                    figures.actual_spending += project.report.actual_spending
        if due and not project.awarded:
            overdue.append(project)
        if project.report is not None and rules.spending_warning(project.report.execution_rate):
            low.append(project)
    overdue.sort(key=lambda p: (p.award_planned or month, p.plan.code))
    low.sort(key=lambda p: (-p.shortfall, p.plan.code))
    agencies = sorted(
        per_agency.values(),
        key=lambda a: (
            a.figures.achievement_rate if a.figures.achievement_rate is not None else Decimal(999),
            a.agency.sort_order,
        ),
    )
    return SubsidyView(month, overall, agencies, overdue, low)
