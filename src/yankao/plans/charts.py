"""Charts of plan control: status by agency, the monthly trend, and a plan's S-curve."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from yankao.web.charts import (
    MUTED_BAR,
    PRIMARY,
    SECOND,
    Chart,
    Series,
    StackedRow,
    grouped_columns,
    line_chart,
    month_label,
    stacked_bars,
)

from .analysis import NOT_REPORTED, STATUS_ORDER, Analysis, status_label
from .models import ProgressReport, ProgressStatus

AHEAD_COLOUR = "#1b7f3b"  # green, 5.1:1 on white
STATUS_COLOURS = {
    ProgressStatus.AHEAD: AHEAD_COLOUR,
    ProgressStatus.ON_SCHEDULE: PRIMARY,
    ProgressStatus.BEHIND: SECOND,
    NOT_REPORTED: MUTED_BAR,
}


def legend() -> list[tuple[str, str]]:
    return [(status_label(s), STATUS_COLOURS[s]) for s in STATUS_ORDER]


def status_by_agency(analysis: Analysis) -> Chart:
    rows = []
    for line in analysis.agencies:
        counts = line.figures.counts
        segments = [
            (
                float(counts[s]),
                STATUS_COLOURS[s],
                f"{line.agency} · {status_label(s)}: {counts[s]}",
            )
            for s in STATUS_ORDER
        ]
        display = _("%(b)s of %(n)s behind") % {
            "b": counts[ProgressStatus.BEHIND],
            "n": line.figures.total,
        }
        rows.append(StackedRow(str(line.agency), segments, display))
    return stacked_bars(
        _("Plans by status and agency, %(month)s") % {"month": analysis.month_label},
        _(
            "For each agency, its controlled plans split by progress status; the table lists the numbers."
        ),
        rows,
        legend=legend(),
    )


def trend(analysis: Analysis) -> Chart:
    months = [month_label(m.month) for m, _counts in analysis.trend]
    series = [
        Series(status_label(s), STATUS_COLOURS[s], [float(c.counts[s]) for _m, c in analysis.trend])
        for s in STATUS_ORDER
    ]
    return grouped_columns(
        _("Plans by status, month by month"),
        _(
            "How many plans were ahead, on schedule, behind or not reported in each month of the year."
        ),
        months,
        series,
    )


def s_curve(
    months: Sequence, planned: Sequence[Decimal | None], actual: Sequence[Decimal | None]
) -> Chart:
    return line_chart(
        _("Planned and actual cumulative progress"),
        _(
            "The approved work plan's cumulative progress and the progress the agency reported, by month."
        ),
        [month_label(m.month) for m in months],
        [
            Series(_("Planned"), MUTED_BAR, [None if v is None else float(v) for v in planned]),
            Series(_("Actual"), PRIMARY, [None if v is None else float(v) for v in actual]),
        ],
        maximum=100,
        tick_format=lambda v: f"{v:.0f}%",
    )


def spending_curve(
    months: Sequence, planned: Sequence, actual: Sequence[ProgressReport | None]
) -> Chart:
    return line_chart(
        _("Planned and actual cumulative spending (NT$ thousand)"),
        _("The work plan's cumulative spending and the spending the agency reported, by month."),
        [month_label(m.month) for m in months],
        [
            Series(
                _("Planned"), MUTED_BAR, [None if v is None else float(v) / 1000 for v in planned]
            ),
            Series(
                _("Actual"),
                SECOND,
                [None if r is None else float(r.actual_spending) / 1000 for r in actual],
            ),
        ],
    )
