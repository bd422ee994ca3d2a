"""The summary sentences of the commission's annual and monthly reports, in ROC dates.

The sentences are the report's own wording for the mayor (always Chinese, whatever the UI
language), so they are built here from the figures and are not translated:

    112年共處理民眾陳情案202,880件及派工案件112,385件，平均每月9,365件

As in the annual report this follows, the monthly average is of the dispatch cases, the last
figure named (112,385 / 12 = 9,365), rounded half up.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal

from yankao.workdays.roc import roc_year

from ..models import CaseType
from .stats import Figures, MonthlyReport, Period, received_by_type


def _half_up(value: Decimal, places: str = "1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _period_label(year: int, first_month: int, last_month: int) -> str:
    """112年 (whole year), 113年1至3月 (part of a year) or 113年3月 (one month)."""
    if first_month == 1 and last_month == 12:
        return f"{roc_year(year)}年"
    if first_month == last_month:
        return f"{roc_year(year)}年{last_month}月"
    return f"{roc_year(year)}年{first_month}至{last_month}月"


def format_year_sentence(year: int, petitions: int, dispatch: int, months: int = 12) -> str:
    """112年共處理民眾陳情案202,880件及派工案件112,385件，平均每月9,365件.

    `months` is how many months the counts cover (January to that month); a part of a year reads
    113年1至3月.
    """
    if not 1 <= months <= 12:
        raise ValueError(f"months must be 1..12, got {months}")
    average = _half_up(Decimal(dispatch) / months)
    return (
        f"{_period_label(year, 1, months)}共處理民眾陳情案{petitions:,}件"
        f"及派工案件{dispatch:,}件，平均每月{int(average):,}件"
    )


def format_month_sentence(
    year: int, month: int, petitions: int, dispatch: int, handled: Figures
) -> str:
    """113年3月共處理民眾陳情案1,234件及派工案件567件，結案1,700件，如期結案率96.3%，平均處理2.4個工作天.

    `handled` gives the closing figures. The rate and the average are computed from the counts
    in decimal (a float would round 96.55 down) and left out when there is nothing to divide.
    """
    parts = [
        f"{_period_label(year, month, month)}共處理民眾陳情案{petitions:,}件及派工案件{dispatch:,}件",
        f"結案{handled.closed:,}件",
    ]
    if handled.closed_with_deadline:
        rate = Decimal(handled.closed_on_time) * 100 / handled.closed_with_deadline
        parts.append(f"如期結案率{_half_up(rate, '0.1')}%")
    if handled.working_days_cases:
        days = Decimal(handled.working_days_total) / handled.working_days_cases
        parts.append(f"平均處理{_half_up(days, '0.1')}個工作天")
    return "，".join(parts)


def _figures(report: MonthlyReport, case_type: str, *, ytd: bool) -> Figures:
    for row in report.by_case_type:
        if row.key == case_type:
            return row.ytd if ytd else row.month
    return Figures()


def month_sentence(report: MonthlyReport) -> str:
    """The monthly variant, from a built report (its scope: city or the user's agencies).

    Closed cases, the rate and the average are of petitions and dispatch cases together;
    consultations are answered on the line and would only inflate them.
    """
    handled = Figures()
    petitions = _figures(report, CaseType.PETITION, ytd=False)
    dispatch = _figures(report, CaseType.DISPATCH, ytd=False)
    handled.add(petitions)
    handled.add(dispatch)
    # Handling days are kept per agency, not per case type; consultations never have any.
    handled.working_days_total = report.totals_month.working_days_total
    handled.working_days_cases = report.totals_month.working_days_cases
    return format_month_sentence(
        report.period.year, report.period.month, petitions.received, dispatch.received, handled
    )


def year_to_date_sentence(report: MonthlyReport) -> str:
    """The annual sentence for January to the report month (the whole year in December)."""
    return format_year_sentence(
        report.period.year,
        _figures(report, CaseType.PETITION, ytd=True).received,
        _figures(report, CaseType.DISPATCH, ytd=True).received,
        report.period.month,
    )


def annual_sentence(year: int, agency_ids: Collection[int] | None = None) -> str:
    """The annual sentence straight from the cases of a whole year (one small query)."""
    period = Period(year, 12)
    counts = received_by_type(period.year_start, period.end, agency_ids)
    return format_year_sentence(year, counts[CaseType.PETITION], counts[CaseType.DISPATCH])
