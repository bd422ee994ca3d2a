"""Works inspection statistics for a period: the quarterly report to the national works council
(季報表) and the annual statistics. Aggregated in the database; one pass over the period's
inspections and defects, whatever the years of data behind them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.workdays.roc import format_roc, roc_year

from . import rules
from .models import (
    Defect,
    DefectStatus,
    Grade,
    Inspection,
    InspectionStatus,
    Party,
    PenaltyFollowUp,
    ProgressVerification,
    WorksProject,
)
from .services import monitoring, training

DONE = (InspectionStatus.RECORDED, InspectionStatus.SENT, InspectionStatus.CLOSED)
GRADE_ORDER = (Grade.EXCELLENT, Grade.A, Grade.B, Grade.C)
TIER_ORDER = (rules.LARGE, rules.MEDIUM, rules.SMALL)


def tier_label(tier: str) -> str:
    return {
        rules.HUGE: _("Huge (NT$200M and over)"),
        rules.LARGE: _("NT$50M and over"),
        rules.MEDIUM: _("NT$10M to 50M"),
        rules.SMALL: _("NT$1.5M to 10M"),
        rules.BELOW: _("Below NT$1.5M"),
    }[tier]


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, last - dt.timedelta(days=1)


def quarter_due(year: int, quarter: int) -> dt.date:
    """Due by the end of the month after the quarter: April, July, October, January."""
    _first, last = quarter_bounds(year, quarter)
    after = last + dt.timedelta(days=1)
    nxt = dt.date(after.year + (after.month == 12), after.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _share(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def eligible_counts(year: int, projects: QuerySet[WorksProject] | None = None) -> dict[str, int]:
    """Tenders of the year that count towards the quota, per tier (subsidised ones excluded)."""
    from .services.planning import eligible_projects

    counts: Counter[str] = Counter()
    queryset = projects if projects is not None else WorksProject.objects.all()
    for budget in eligible_projects(year, queryset).values_list("budget_amount", flat=True):
        tier = rules.quota_tier(budget)
        if tier != rules.BELOW:
            counts[tier] += 1
    return dict(counts)


@dataclass
class ProjectResult:
    inspection: Inspection
    defects: int
    deductions: dict[str, int]
    open_defects: int


@dataclass
class Statistics:
    first: dt.date
    last: dt.date
    title: str
    results: list[ProjectResult]
    by_tier: dict[str, int]
    quota: rules.Quota | None
    grades: Counter[str]
    defects_by_code: list[tuple[str, str, int]]
    defects_by_party: Counter[str]
    defects_total: int
    remediation_due: int
    remediation_on_time: int
    remediation_late: int
    remediation_overdue_open: int
    penalties: int
    verifications: int
    monitoring: monitoring.MonitoringStats
    training: training.TrainingTotals | None
    year_to_date: int = 0  # inspections counting for the quota, from 1 January to the period's end
    notes: list[str] = field(default_factory=list)

    @property
    def inspections(self) -> int:
        return len(self.results)

    @property
    def inspections_in_quota(self) -> int:
        return sum(self.by_tier.get(t, 0) for t in TIER_ORDER)

    def grade_rows(self) -> list[tuple[str, str, int, Decimal]]:
        total = sum(self.grades.values())
        return [
            (g, str(Grade(g).label), self.grades[g], _share(self.grades[g], total))
            for g in GRADE_ORDER
        ]

    @property
    def timeliness(self) -> Decimal | None:
        settled = self.remediation_on_time + self.remediation_late + self.remediation_overdue_open
        return _share(self.remediation_on_time, settled) if settled else None

    def sentences(self) -> list[str]:
        lines = [
            _("From %(first)s to %(last)s the team inspected %(n)s works projects.")
            % {
                "first": format_roc(self.first, "date"),
                "last": format_roc(self.last, "date"),
                "n": self.inspections,
            }
        ]
        if self.quota is not None and self.quota.overall:
            lines.append(
                _(
                    "Inspections so far this year number %(percent)s%% of the legal minimum "
                    "(%(done)s of %(minimum)s; the city's target is %(target)s)."
                )
                % {
                    "percent": rules.percent_of(self.year_to_date, self.quota.overall),
                    "done": self.year_to_date,
                    "minimum": self.quota.overall,
                    "target": self.quota.target,
                }
            )
        graded = [r for r in self.grade_rows() if r[2]]
        if graded:
            lines.append(
                "；".join(
                    _("%(grade)s: %(n)s, %(share)s%%") % {"grade": label, "n": n, "share": share}
                    for _g, label, n, share in graded
                )
                + "。"
            )
        if self.defects_total:
            lines.append(
                _("%(n)s defects: owning agencies %(a)s, supervisors %(s)s, contractors %(c)s.")
                % {
                    "n": self.defects_total,
                    "a": self.defects_by_party[Party.AGENCY],
                    "s": self.defects_by_party[Party.SUPERVISOR],
                    "c": self.defects_by_party[Party.CONTRACTOR],
                }
            )
        if self.timeliness is not None:
            lines.append(
                _("Remediation on time: %(rate)s%% (%(late)s late, %(open)s overdue and open).")
                % {
                    "rate": self.timeliness,
                    "late": self.remediation_late,
                    "open": self.remediation_overdue_open,
                }
            )
        m = self.monitoring
        if m.received:
            text = _("Citizen works monitoring: %(n)s reports, %(closed)s closed") % {
                "n": m.received,
                "closed": m.closed,
            }
            if m.average_working_days is not None:
                text += _(", in %(days)s working days on average (limit %(limit)s)") % {
                    "days": m.average_working_days,
                    "limit": m.limit,
                }
            if m.inspection_rate is not None:
                text += _("; inspection rate of reported projects %(rate)s%%") % {
                    "rate": m.inspection_rate
                }
            lines.append(text + "。")
        if self.training is not None and self.training.sessions:
            lines.append(self.training.sentence())
        return lines


def _results(inspections: QuerySet[Inspection]) -> list[ProjectResult]:
    rows = inspections.annotate(
        n_defects=Count("defects"),
        n_open=Count("defects", filter=~Q(defects__status=DefectStatus.CLOSED)),
        d_agency=Sum("defects__deduction", filter=Q(defects__party=Party.AGENCY)),
        d_supervisor=Sum("defects__deduction", filter=Q(defects__party=Party.SUPERVISOR)),
        d_contractor=Sum("defects__deduction", filter=Q(defects__party=Party.CONTRACTOR)),
    ).order_by("inspected_on", "pk")
    return [
        ProjectResult(
            i,
            i.n_defects,
            {
                Party.AGENCY: i.d_agency or 0,
                Party.SUPERVISOR: i.d_supervisor or 0,
                Party.CONTRACTOR: i.d_contractor or 0,
            },
            i.n_open,
        )
        for i in rows
    ]


def statistics(
    first: dt.date,
    last: dt.date,
    *,
    inspections: QuerySet[Inspection],
    monitoring_reports: Any,
    verifications: QuerySet[ProgressVerification],
    title: str,
    year_quota: bool = True,
    top_codes: int = 15,
    today: dt.date | None = None,
) -> Statistics:
    """`inspections` and `monitoring_reports` are already scoped to what the user may see."""
    today = today or timezone.localdate()
    chosen = inspections.filter(
        status__in=DONE, inspected_on__gte=first, inspected_on__lte=last
    ).select_related("project", "project__agency")
    results = _results(chosen)
    by_tier: Counter[str] = Counter(
        rules.quota_tier(r.inspection.project.budget_amount) for r in results
    )
    grades: Counter[str] = Counter(r.inspection.grade for r in results if r.inspection.grade)
    defects = Defect.objects.filter(inspection__in=chosen)
    by_code = list(
        defects.values("code__code", "code__text")
        .annotate(n=Count("pk"))
        .order_by("-n", "code__code")[:top_codes]
    )
    by_party: Counter[str] = Counter(
        {r["party"]: r["n"] for r in defects.values("party").annotate(n=Count("pk"))}
    )
    due = Defect.objects.filter(
        inspection__in=inspections, remediation_due__gte=first, remediation_due__lte=last
    )
    deadline = F("remediation_due")
    on_time = due.filter(
        Q(closed_at__date__lte=deadline)
        | Q(extension_approved=True, closed_at__date__lte=F("extension_until")),
        status=DefectStatus.CLOSED,
    ).count()
    closed = due.filter(status=DefectStatus.CLOSED).count()
    overdue_open = (
        due.exclude(status=DefectStatus.CLOSED)
        .filter(remediation_due__lt=today)
        .exclude(extension_approved=True, extension_until__gte=today)
        .count()
    )
    quota = None
    year_to_date = 0
    if year_quota and first.year == last.year:
        quota = rules.quota(eligible_counts(first.year))
        year_to_date = inspections.filter(
            status__in=DONE,
            original__isnull=True,  # re-inspections do not count towards the quota
            inspected_on__gte=dt.date(first.year, 1, 1),
            inspected_on__lte=last,
            project__budget_amount__gte=settings.YANKAO_WORKS_TIER_SMALL,
        ).count()
    return Statistics(
        first=first,
        last=last,
        title=title,
        results=results,
        by_tier=dict(by_tier),
        quota=quota,
        grades=grades,
        defects_by_code=[(r["code__code"], r["code__text"], r["n"]) for r in by_code],
        defects_by_party=by_party,
        defects_total=sum(by_party.values()),
        remediation_due=due.count(),
        remediation_on_time=on_time,
        remediation_late=closed - on_time,
        remediation_overdue_open=overdue_open,
        penalties=PenaltyFollowUp.objects.filter(
            inspection__in=inspections, opened_at__date__gte=first, opened_at__date__lte=last
        ).count(),
        verifications=verifications.filter(month__gte=first, month__lte=last).count(),
        monitoring=monitoring.stats(monitoring_reports, first, last),
        training=training.year_totals(first.year) if first.year == last.year else None,
        year_to_date=year_to_date,
    )


def quarterly(year: int, quarter: int, **scoped: Any) -> Statistics:
    first, last = quarter_bounds(year, quarter)
    title = _("Works inspection quarterly report, ROC year %(y)s quarter %(q)s") % {
        "y": roc_year(year),
        "q": quarter,
    }
    return statistics(first, last, title=title, **scoped)


def annual(year: int, **scoped: Any) -> Statistics:
    title = _("Works inspection statistics, ROC year %(y)s") % {"y": roc_year(year)}
    return statistics(dt.date(year, 1, 1), dt.date(year, 12, 31), title=title, **scoped)
