"""The monthly case report's charts, built from the shared chart primitives in `web.charts`."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from yankao.web.charts import *  # noqa: F403  (the primitives are part of this module's interface)
from yankao.web.charts import (
    MUTED_BAR,
    PRIMARY,
    SECOND,
    Bar,
    Chart,
    Series,
    grouped_columns,
    horizontal_bars,
    month_label,
    percent,
)
from yankao.workdays.roc import format_for_language

from .stats import AgencyRow, MonthlyReport

# --- The report's charts -------------------------------------------------------------------


def on_time_bars(rows: Sequence[AgencyRow]) -> list[Bar]:
    """Agencies with a rate, best first; unranked (too few cases) ones in grey."""
    with_rate = [r for r in rows if r.month.on_time_rate is not None]
    with_rate.sort(key=lambda r: (-(r.month.on_time_rate or 0), r.agency.sort_order, r.agency.code))
    return [
        Bar(
            str(r.agency),
            (r.month.on_time_rate or 0) * 100,
            _("%(rate)s (%(n)s closed)")
            % {"rate": percent(r.month.on_time_rate), "n": f"{r.month.closed_with_deadline:,}"},
            muted=r.rank is None,
        )
        for r in with_rate
    ]


def on_time_chart(report: MonthlyReport, bars: Sequence[Bar] | None = None) -> Chart:
    bars = on_time_bars(report.agencies) if bars is None else bars
    month = format_for_language(report.period.first_day, "month")
    title = _("On-time closing rate by agency, %(month)s") % {"month": month}
    if bars:
        best, worst = bars[0], bars[-1]
        description = _(
            "Share of closed cases closed by their deadline, one bar per agency, highest first. "
            "Highest: %(best)s %(best_rate)s; lowest: %(worst)s %(worst_rate)s. Grey bars: "
            "fewer than %(min)s closed cases, not ranked."
        ) % {
            "best": best.label,
            "best_rate": best.display,
            "worst": worst.label,
            "worst_rate": worst.display,
            "min": report.min_cases,
        }
    else:
        description = _("No case with a deadline was closed in this month.")
    legend = [(_("Ranked"), PRIMARY), (_("Not ranked: too few cases"), MUTED_BAR)]
    return horizontal_bars(
        title,
        description,
        bars,
        maximum=100,
        tick_format=lambda v: f"{v:.0f}%",
        legend=legend if any(b.muted for b in bars) else legend[:1],
    )


def monthly_chart(report: MonthlyReport) -> Chart:
    received = [p.received for p in report.series]
    closed = [p.closed for p in report.series]
    title = _("Cases received and closed by month, %(year)s") % {
        "year": format_for_language(report.period.first_day, "year")
    }
    description = _(
        "Two columns per month from January to %(month)s: cases received (blue) and cases "
        "closed (orange). Received in the year: %(received)s; closed: %(closed)s."
    ) % {
        "month": month_label(report.period.month),
        "received": f"{sum(received):,}",
        "closed": f"{sum(closed):,}",
    }
    return grouped_columns(
        title,
        description,
        [month_label(p.month.month) for p in report.series],
        [Series(_("Received"), PRIMARY, received), Series(_("Closed"), SECOND, closed)],
    )


def channel_chart(report: MonthlyReport) -> Chart:
    rows = sorted(
        (r for r in report.by_channel if r.month.received), key=lambda r: -r.month.received
    )
    bars = [
        Bar(r.label, (r.share or 0) * 100, f"{percent(r.share)} ({r.month.received:,})")
        for r in rows
    ]
    title = _("Cases received by channel, %(month)s") % {
        "month": format_for_language(report.period.first_day, "month")
    }
    description = (
        _("Share of the month's received cases per intake channel, largest first: %(list)s.")
        % {"list": "; ".join(f"{b.label} {b.display}" for b in bars)}
        if bars
        else _("No case was received in this month.")
    )
    return horizontal_bars(title, description, bars, maximum=100, tick_format=lambda v: f"{v:.0f}%")
