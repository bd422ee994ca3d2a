"""The commission's plan-control dashboard: plans by status and agency, a heat map of agencies ×
months (share of reports behind, with submission gaps), and the plans behind in the latest month.

Counted in the database (a handful of grouped queries whatever the number of plans), through
the same scoping as every page: an agency sees its own plans only. The figures agree with the
monthly analysis (`analysis.analyse`): a plan owes a report in each month it is controlled and
running; a report counts once it is submitted with its computed status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.web.charts import (
    Chart,
    HeatCell,
    HeatRow,
    StackedRow,
    heat_legend,
    heat_map,
    month_label,
    stacked_bars,
)
from yankao.workdays.roc import format_for_language

from . import rules, services
from .analysis import NOT_REPORTED, STATUS_ORDER, StatusCounts, running_in, status_label
from .charts import STATUS_COLOURS, legend
from .models import PlanStatus, ProgressReport, ProgressStatus, ReportStatus

BEHIND_SHOWN = 50  # the page lists the plans furthest behind; the plan list has them all


@dataclass(frozen=True)
class MonthCell:
    """One agency (or the city) in one month: plans owing a report, reports in, their status."""

    month: dt.date
    expected: int = 0
    reported: int = 0
    ahead: int = 0
    on_schedule: int = 0
    behind: int = 0
    late: int = 0
    due: bool = False  # the month's deadline has passed: a report not in is a gap

    @property
    def not_reported(self) -> int:
        return max(self.expected - self.reported, 0)

    @property
    def gap(self) -> int:
        """Reports missing after the deadline (a month still being reported has no gap yet)."""
        return self.not_reported if self.due else 0

    @property
    def behind_share(self) -> Decimal | None:
        """Share of the month's reports that are behind, in percent; none without reports."""
        return rules.percent_of(self.behind, self.reported) if self.reported else None

    def __add__(self, other: MonthCell) -> MonthCell:
        return MonthCell(
            self.month,
            self.expected + other.expected,
            self.reported + other.reported,
            self.ahead + other.ahead,
            self.on_schedule + other.on_schedule,
            self.behind + other.behind,
            self.late + other.late,
            self.due,
        )


@dataclass
class AgencyLine:
    agency: Agency
    status: StatusCounts  # in the reference month
    cells: list[MonthCell]


@dataclass
class Dashboard:
    year: int
    month: dt.date  # the reference month: the latest month whose reports were due
    months: list[dt.date]
    overall: StatusCounts
    agencies: list[AgencyLine]
    totals: list[MonthCell]  # the city (what the user sees), month by month
    behind: list[ProgressReport] = field(default_factory=list)  # furthest behind first
    behind_total: int = 0

    @property
    def month_label(self) -> str:
        return format_for_language(self.month, "month")


def latest_due_month(year: int, today: dt.date | None = None) -> dt.date:
    """The last month of the year whose report deadline has passed; January before any has."""
    today = today or timezone.localdate()
    month = dt.date(year, 12, 1)
    while month.year == year and rules.report_deadline(month) >= today:
        month = rules.add_months(month, -1)
    return month if month.year == year else dt.date(year, 1, 1)


def _status_counts(cell: MonthCell) -> StatusCounts:
    counts = StatusCounts()
    counts.counts.update(
        {
            ProgressStatus.AHEAD: cell.ahead,
            ProgressStatus.ON_SCHEDULE: cell.on_schedule,
            ProgressStatus.BEHIND: cell.behind,
            NOT_REPORTED: cell.not_reported,
        }
    )
    return counts


def build(
    user: Any,
    year: int | None = None,
    month: dt.date | None = None,
    *,
    today: dt.date | None = None,
    behind_limit: int | None = None,
) -> Dashboard:
    """The year's figures for what `user` may see; `month` (default: the latest due) for the
    status counts and the behind plans. Four queries (and the scoping's), however many plans."""
    today = today or timezone.localdate()
    year = month.year if month else (year or today.year)
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    reference = rules.first_of_month(month) if month else latest_due_month(year, today)
    year_end = dt.date(year, 12, 31)

    # 1. Plans owing a report, per agency and month: one grouped query, one count per month.
    owing = (
        services.visible_plans(user)
        .filter(status=PlanStatus.CONTROLLED, start_date__lte=year_end, end_date__gte=months[0])
        .order_by()
        .values("agency_id")
        .annotate(**{f"m{m.month}": Count("pk", filter=running_in(m)) for m in months})
    )
    expected = {row["agency_id"]: [row[f"m{m.month}"] for m in months] for row in owing}

    # 2. Submitted reports per agency and month, split by status.
    def status_is(value: str) -> Count:
        return Count("pk", filter=Q(progress_status=value))

    reports = (
        services.visible_reports(user)
        .filter(month__range=(months[0], months[-1]), status=ReportStatus.SUBMITTED)
        .filter(plan__status=PlanStatus.CONTROLLED)
        .filter(reduce(or_, (Q(month=m) & running_in(m, "plan__") for m in months)))
        .order_by()
        .values("plan__agency_id", "month")
        .annotate(
            ahead=status_is(ProgressStatus.AHEAD),
            on_schedule=status_is(ProgressStatus.ON_SCHEDULE),
            behind=status_is(ProgressStatus.BEHIND),
            late=Count("pk", filter=Q(late=True)),
        )
    )
    counted: dict[tuple[int, dt.date], dict[str, Any]] = {
        (row["plan__agency_id"], row["month"]): row for row in reports
    }

    # 3. The agencies themselves (names and order).
    agency_ids = set(expected) | {agency_id for agency_id, _m in counted}
    agencies = Agency.objects.filter(pk__in=agency_ids).order_by("sort_order", "code")

    due = [rules.report_deadline(m) < today for m in months]
    lines: list[AgencyLine] = []
    for agency in agencies:
        cells = []
        for i, first in enumerate(months):
            row = counted.get((agency.pk, first), {})
            ahead, on_schedule, behind = (
                row.get("ahead", 0),
                row.get("on_schedule", 0),
                row.get("behind", 0),
            )
            cells.append(
                MonthCell(
                    first,
                    expected.get(agency.pk, [0] * 12)[i],
                    ahead + on_schedule + behind,
                    ahead,
                    on_schedule,
                    behind,
                    row.get("late", 0),
                    due[i],
                )
            )
        lines.append(AgencyLine(agency, _status_counts(cells[reference.month - 1]), cells))
    totals = [
        sum((line.cells[i] for line in lines), MonthCell(first, due=due[i]))
        for i, first in enumerate(months)
    ]
    reference_total = totals[reference.month - 1]

    # 4. The plans behind in the reference month, furthest behind first.
    behind = (
        services.visible_reports(user)
        .filter(
            month=reference,
            status=ReportStatus.SUBMITTED,
            progress_status=ProgressStatus.BEHIND,
            plan__status=PlanStatus.CONTROLLED,
        )
        .order_by("-lag", "plan__agency__sort_order", "plan__code")
    )
    return Dashboard(
        year=year,
        month=reference,
        months=months,
        overall=_status_counts(reference_total),
        agencies=lines,
        totals=totals,
        behind=list(behind[:behind_limit] if behind_limit is not None else behind),
        behind_total=reference_total.behind,
    )


# --- Drill-down and charts -------------------------------------------------------------------


def drill_down(
    agency: Agency | None = None, month: dt.date | None = None, progress: str = ""
) -> str:
    """The plan list filtered to an agency, a month (that month's status) and a status."""
    query = {
        "agency": agency.code if agency else "",
        "month": f"{month:%Y-%m}" if month else "",
        "progress": progress,
    }
    filled = {k: v for k, v in query.items() if v}
    return reverse("plans:list") + ("?" + urlencode(filled) if filled else "")


def _cell_tooltip(agency: Agency, cell: MonthCell) -> str:
    where = f"{agency} · {format_for_language(cell.month, 'month')}"
    if not cell.expected and not cell.reported:
        return _("%(where)s: no controlled plan runs this month.") % {"where": where}
    text = _("%(where)s: %(b)s of %(r)s reports behind") % {
        "where": where,
        "b": cell.behind,
        "r": cell.reported,
    }
    if cell.behind_share is not None:
        text += f" ({cell.behind_share}%)"
    if cell.gap:
        text += _("; %(n)s reports missing after the deadline") % {"n": cell.gap}
    elif cell.not_reported:
        text += _("; %(n)s reports not in yet") % {"n": cell.not_reported}
    return text


def heat_chart(dashboard: Dashboard, month_href: Callable[[dt.date], str]) -> Chart:
    """Agencies × months, coloured by the share of reports behind; each cell drills down."""
    rows = []
    for line in dashboard.agencies:
        cells = []
        for cell in line.cells:
            share = cell.behind_share
            cells.append(
                HeatCell(
                    value=None if share is None else float(share) / 100,
                    text="" if share is None else f"{share:.0f}%",
                    tooltip=_cell_tooltip(line.agency, cell),
                    href=drill_down(line.agency, cell.month) if cell.expected else "",
                    note=_("%(n)s missing") % {"n": cell.gap} if cell.gap else "",
                )
            )
        rows.append(HeatRow(str(line.agency), cells, drill_down(line.agency, dashboard.month)))
    return heat_map(
        _("Share of reports behind, by agency and month, %(year)s")
        % {"year": format_for_language(dt.date(dashboard.year, 1, 1), "year")},
        _(
            "For each agency and month, the share of its submitted monthly reports that were "
            "behind schedule; a second line counts reports missing after the deadline. "
            "The table lists the numbers."
        ),
        [month_label(m.month) for m in dashboard.months],
        rows,
        column_links=[month_href(m) for m in dashboard.months],
        legend=heat_legend(none_label=_("no report")),
    )


def status_chart(dashboard: Dashboard) -> Chart:
    """Plans by status for each agency in the reference month (the stacked bars of analysis)."""
    rows = []
    for line in dashboard.agencies:
        counts = line.status.counts
        if not line.status.total:
            continue
        segments = [
            (float(counts[s]), STATUS_COLOURS[s], f"{line.agency} · {status_label(s)}: {counts[s]}")
            for s in STATUS_ORDER
        ]
        display = _("%(b)s of %(n)s behind") % {
            "b": counts[ProgressStatus.BEHIND],
            "n": line.status.total,
        }
        rows.append(StackedRow(str(line.agency), segments, display))
    return stacked_bars(
        _("Plans by status and agency, %(month)s") % {"month": dashboard.month_label},
        _(
            "For each agency, its controlled plans split by progress status; the table lists the numbers."
        ),
        rows,
        legend=legend(),
    )
