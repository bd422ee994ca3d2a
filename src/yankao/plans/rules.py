"""The plan-control rules as plain arithmetic: status from progress, spending rate, early warning.

No database here, so the rules are tested with properties; thresholds come from settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from .models import ProgressStatus

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def behind_points() -> Decimal:
    return Decimal(str(settings.YANKAO_PLAN_BEHIND_POINTS))


def spending_warning_percent() -> Decimal:
    return Decimal(str(settings.YANKAO_PLAN_SPENDING_WARNING_PERCENT))


def lag_of(planned: Decimal, actual: Decimal) -> Decimal:
    """Planned minus actual cumulative progress, in percentage points."""
    return (planned - actual).quantize(CENT)


def progress_status(planned: Decimal, actual: Decimal, threshold: Decimal | None = None) -> str:
    """Ahead when actual exceeds the plan; behind when the lag reaches the threshold (default 5)."""
    threshold = behind_points() if threshold is None else threshold
    lag = lag_of(planned, actual)
    if lag < 0:
        return ProgressStatus.AHEAD
    if lag >= threshold:
        return ProgressStatus.BEHIND
    return ProgressStatus.ON_SCHEDULE


def execution_rate(actual_spending: Decimal, planned_spending: Decimal | None) -> Decimal | None:
    """Actual / planned spending to date, in percent; none when nothing was planned yet."""
    if not planned_spending:
        return None
    return (actual_spending * HUNDRED / planned_spending).quantize(CENT, ROUND_HALF_UP)


def spending_warning(rate: Decimal | None, threshold: Decimal | None = None) -> bool:
    threshold = spending_warning_percent() if threshold is None else threshold
    return rate is not None and rate < threshold


def needs_lag_cause(status: str, rate: Decimal | None) -> bool:
    """A behind plan, or one spending below the threshold, must say why and how it recovers."""
    return status == ProgressStatus.BEHIND or spending_warning(rate)


def percent_of(part: int, whole: int) -> Decimal:
    """Share in percent with two decimals, rounded half up (報告用語: 占0.47%)."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


# --- Early warning ------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    slope: Decimal  # percentage points per month, from the recent trend
    next_month: Decimal  # projected cumulative progress next month
    year_end: Decimal  # projected cumulative progress in December
    behind_next_month: bool
    misses_year_end: bool


def trend_slope(actuals: Sequence[Decimal]) -> Decimal:
    """Least-squares slope of the last few monthly values (points per month)."""
    n = len(actuals)
    if n < 2:
        return Decimal(0)
    xs = range(n)
    mean_x = Decimal(sum(xs)) / n
    mean_y = sum(actuals, Decimal(0)) / n
    num = sum((Decimal(x) - mean_x) * (y - mean_y) for x, y in zip(xs, actuals, strict=True))
    den = sum((Decimal(x) - mean_x) ** 2 for x in xs)
    return (num / den).quantize(CENT, ROUND_HALF_UP)


def forecast(
    actuals: Sequence[Decimal],
    *,
    planned_next: Decimal | None,
    planned_year_end: Decimal | None,
    months_to_year_end: int,
    window: int | None = None,
    threshold: Decimal | None = None,
) -> Forecast:
    """Project the recent trend forward; flag a plan about to fall behind or miss its year end."""
    window = window or settings.YANKAO_PLAN_TREND_MONTHS
    threshold = behind_points() if threshold is None else threshold
    recent = list(actuals)[-window:]
    last = recent[-1] if recent else Decimal(0)
    slope = max(trend_slope(recent), Decimal(0))  # progress is cumulative: never projected down
    next_month = min(HUNDRED, last + slope).quantize(CENT)
    year_end = min(HUNDRED, last + slope * max(months_to_year_end, 0)).quantize(CENT)
    return Forecast(
        slope=slope,
        next_month=next_month,
        year_end=year_end,
        behind_next_month=planned_next is not None and planned_next - next_month >= threshold,
        misses_year_end=planned_year_end is not None and planned_year_end - year_end >= threshold,
    )


# --- Months -------------------------------------------------------------------------------


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def report_deadline(month: dt.date, day: int | None = None) -> dt.date:
    """A month's report is due on the given day of the next month (default the 6th)."""
    day = day or settings.YANKAO_PLAN_REPORT_DAY
    return add_months(first_of_month(month), 1).replace(day=day)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months
