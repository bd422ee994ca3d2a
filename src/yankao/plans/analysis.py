"""The monthly analysis report (月分析報告) of controlled plans: counts and shares per status,
per agency, the behind plans with causes and remedies, spending, the trend, and its sentences.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from yankao.workdays.roc import format_for_language

from . import rules
from .models import LagCause, Plan, PlanStatus, ProgressReport, ProgressStatus, ReportStatus
from .services import expected_plans

NOT_REPORTED = "not_reported"
STATUS_ORDER = (
    ProgressStatus.AHEAD,
    ProgressStatus.ON_SCHEDULE,
    ProgressStatus.BEHIND,
    NOT_REPORTED,
)


def status_label(status: str) -> str:
    if status == NOT_REPORTED:
        return _("Not reported")
    if status == ProgressStatus.ON_SCHEDULE:
        return _("Completed or on schedule")
    return str(ProgressStatus(status).label)


@dataclass
class StatusCounts:
    counts: Counter[str] = field(default_factory=Counter)
    planned_spending: Decimal = Decimal(0)
    actual_spending: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, status: str) -> Decimal:
        return rules.percent_of(self.counts[status], self.total)

    @property
    def execution_rate(self) -> Decimal | None:
        return rules.execution_rate(self.actual_spending, self.planned_spending)

    def rows(self) -> list[tuple[str, str, int, Decimal]]:
        return [(s, status_label(s), self.counts[s], self.share(s)) for s in STATUS_ORDER]


@dataclass
class AgencyLine:
    agency: Any
    figures: StatusCounts


@dataclass
class BehindPlan:
    plan: Plan
    report: ProgressReport

    @property
    def cause_label(self) -> str:
        return str(LagCause(self.report.lag_cause).label) if self.report.lag_cause else "—"


@dataclass
class Analysis:
    month: dt.date
    overall: StatusCounts
    agencies: list[AgencyLine]
    behind: list[BehindPlan]
    low_spending: list[BehindPlan]
    trend: list[tuple[dt.date, StatusCounts]]

    @property
    def month_label(self) -> str:
        return format_for_language(self.month, "month")

    def sentences(self) -> list[str]:
        """The lines the commission writes to the mayor, out of the data, in ROC dates."""
        o = self.overall
        head = _("%(month)s: %(n)s controlled plans.") % {"month": self.month_label, "n": o.total}
        parts = _(
            "Ahead: %(a)s, %(ap)s%%; completed or on schedule: %(o)s, %(op)s%%; "
            "behind: %(b)s, %(bp)s%%."
        ) % {
            "a": o.counts[ProgressStatus.AHEAD],
            "ap": o.share(ProgressStatus.AHEAD),
            "o": o.counts[ProgressStatus.ON_SCHEDULE],
            "op": o.share(ProgressStatus.ON_SCHEDULE),
            "b": o.counts[ProgressStatus.BEHIND],
            "bp": o.share(ProgressStatus.BEHIND),
        }
        lines = [head + parts]
        if o.counts[NOT_REPORTED]:
            lines.append(
                _("%(n)s plans had not reported by the deadline (%(p)s%%).")
                % {"n": o.counts[NOT_REPORTED], "p": o.share(NOT_REPORTED)}
            )
        if o.execution_rate is not None:
            lines.append(
                _("Budget execution to date: NT$%(actual)s of NT$%(planned)s planned, %(rate)s%%.")
                % {
                    "actual": f"{o.actual_spending:,.0f}",
                    "planned": f"{o.planned_spending:,.0f}",
                    "rate": o.execution_rate,
                }
            )
        return lines


def _status_of(report: ProgressReport | None) -> str:
    if report is None or report.status != ReportStatus.SUBMITTED or not report.progress_status:
        return NOT_REPORTED
    return report.progress_status


def _counts_for(
    month: dt.date, plans: QuerySet[Plan]
) -> tuple[list[Plan], dict[int, ProgressReport]]:
    expected = list(expected_plans(month, plans).select_related("agency"))
    reports = {
        r.plan_id: r
        for r in ProgressReport.objects.filter(plan__in=[p.pk for p in expected], month=month)
    }
    return expected, reports


def analyse(
    month: dt.date, plans: QuerySet[Plan], *, agency_ids: Collection[int] | None = None
) -> Analysis:
    """`plans` is already scoped to what the user may see."""
    month = rules.first_of_month(month)
    if agency_ids is not None:
        plans = plans.filter(agency_id__in=list(agency_ids))
    expected, reports = _counts_for(month, plans)
    overall = StatusCounts()
    per_agency: dict[int, AgencyLine] = {}
    behind: list[BehindPlan] = []
    low: list[BehindPlan] = []
    for plan in expected:
        report = reports.get(plan.pk)
        status = _status_of(report)
        line = per_agency.setdefault(plan.agency_id, AgencyLine(plan.agency, StatusCounts()))
        for figures in (overall, line.figures):
            figures.counts[status] += 1
            if status != NOT_REPORTED and report is not None and report.planned_spending:
                figures.planned_spending += report.planned_spending
                figures.actual_spending += report.actual_spending
        if status == ProgressStatus.BEHIND and report is not None:
            behind.append(BehindPlan(plan, report))
        elif (
            status != NOT_REPORTED
            and report is not None
            and rules.spending_warning(report.execution_rate)
        ):
            low.append(BehindPlan(plan, report))
    behind.sort(key=lambda b: (-(b.report.lag or 0), b.plan.agency.sort_order, b.plan.code))
    low.sort(key=lambda b: (b.report.execution_rate or 0, b.plan.code))
    agencies = sorted(
        per_agency.values(),
        key=lambda a: (-a.figures.share(ProgressStatus.BEHIND), a.agency.sort_order),
    )
    return Analysis(month, overall, agencies, behind, low, _trend(month, plans))


def running_in(first: dt.date, prefix: str = "") -> Q:
    """A plan running in the month (as `expected_plans`); `prefix` reaches it from a report."""
    last = rules.add_months(first, 1) - dt.timedelta(days=1)
    return Q(**{f"{prefix}start_date__lte": last, f"{prefix}end_date__gte": first})


def _trend(month: dt.date, plans: QuerySet[Plan]) -> list[tuple[dt.date, StatusCounts]]:
    """Status counts for each month of the year to date, counted in the database: two queries
    whatever the number of plans (loading every plan and report per month took seconds)."""
    months = [dt.date(month.year, m, 1) for m in range(1, month.month + 1)]
    controlled = plans.filter(status=PlanStatus.CONTROLLED)
    expected = controlled.aggregate(
        **{f"m{m.month}": Count("pk", filter=running_in(m)) for m in months}
    )
    reported = (
        ProgressReport.objects.filter(plan__in=controlled, status=ReportStatus.SUBMITTED)
        .filter(month__range=(months[0], months[-1]))  # lets the (month, status) index serve
        .exclude(progress_status="")
        .filter(reduce(or_, (Q(month=m) & running_in(m, "plan__") for m in months)))
        .order_by()
        .values("month", "progress_status")
        .annotate(n=Count("pk"))
    )
    by_month: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for row in reported:
        by_month[row["month"]][row["progress_status"]] += row["n"]
    trend = []
    for first in months:
        counts = StatusCounts()
        counts.counts.update({s: n for s, n in by_month[first].items() if n})
        missing = expected[f"m{first.month}"] - by_month[first].total()
        if missing > 0:
            counts.counts[NOT_REPORTED] += missing
        trend.append((first, counts))
    return trend


def status_by_agency_rows(analysis: Analysis) -> dict[int, dict[str, int]]:
    table: dict[int, dict[str, int]] = defaultdict(dict)
    for line in analysis.agencies:
        table[line.agency.pk] = dict(line.figures.counts)
    return table
