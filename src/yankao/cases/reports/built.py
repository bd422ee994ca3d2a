"""Month sums for the monthly report (ADR 0006).

When a month is over, `build_month` sums its cases once into `CaseMonthFigures` with the very
queries the live report runs, limited to that month. A report for a finished month whose months
are all summed adds those rows up (a few thousand per year) instead of scanning the case table;
only "overdue and still open at the month's end", a point in time, is counted live. Any other
report (the running month, a month not summed yet) is computed live, with the same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from ..models import Case, CaseMonthBuild, CaseMonthFigures
from .stats import (
    _OVERDUE,
    _SERIES,
    _WIDTH,
    Collected,
    Period,
    _add_activity,
    _add_working_days,
    _Bucket,
    _case_groups,
    _open_overdue_at,
    _scoped,
)

COUNT_FIELDS = (
    "received",
    "closed",
    "closed_on_time",
    "closed_late",
    "consultations",
    "answered_on_line",
)  # the order of the report's count vector
EXTRA_FIELDS = (
    "working_days_total",
    "working_days_cases",
    "extensions_requested",
    "extensions_approved",
    "returns",
    "survey_answered",
    "survey_satisfied",
)


@dataclass(frozen=True)
class OneMonth(Period):
    """A period whose "year to date" is the month itself: what one month's sums need."""

    @property
    def year_start(self) -> dt.datetime:
        return self.start

    def months_to_date(self) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
        return [(self.first_day, self.start, self.end)]


def month_is_over(period: Period, now: dt.datetime | None = None) -> bool:
    return period.end <= (now or timezone.now())


@transaction.atomic
def build_month(year: int, month: int) -> int:
    """Sum one finished month (again); returns the number of rows written."""
    period = OneMonth(year, month)
    if not month_is_over(period):
        raise ValueError(f"{year}-{month:02d} is not over yet")
    CaseMonthFigures.objects.filter(month=period.first_day).delete()
    rows: list[CaseMonthFigures] = []
    for agency_id, channel, case_type, category_id, *counts in _case_groups(
        period, None, overdue=False
    ):
        values = counts[:_WIDTH]
        if not any(values):
            continue  # touched only by the open-overdue condition, counted live
        rows.append(
            CaseMonthFigures(
                month=period.first_day,
                agency_id=agency_id,
                channel=channel,
                case_type=case_type,
                category_id=category_id,
                **dict(zip(COUNT_FIELDS, values, strict=True)),
            )
        )
    buckets: dict[int | None, _Bucket] = {}
    outside = _add_working_days(period, None, buckets)
    _add_activity(period, None, buckets)
    for agency_id, bucket in buckets.items():
        extra = bucket.month_extra
        rows.append(
            CaseMonthFigures(
                month=period.first_day,
                agency_id=agency_id,
                **{name: getattr(extra, name) for name in EXTRA_FIELDS},
            )
        )
    if outside:
        rows.append(CaseMonthFigures(month=period.first_day, outside_calendar=outside))
    CaseMonthFigures.objects.bulk_create(rows, batch_size=2000)
    CaseMonthBuild.objects.update_or_create(
        month=period.first_day, defaults={"built_at": timezone.now(), "dirty": False}
    )
    return len(rows)


def mark_dirty(day: dt.date) -> None:
    """A case was recorded into a month already summed (an import): sum it again."""
    CaseMonthBuild.objects.filter(month=day.replace(day=1)).update(dirty=True)


def build_due_months(now: dt.datetime | None = None) -> list[dt.date]:
    """Sum every finished month that has cases and no clean sums yet (the periodic task)."""
    now = now or timezone.now()
    first_case = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first_case is None:
        return []
    local = timezone.localtime(first_case)
    year, month = local.year, local.month
    clean = set(CaseMonthBuild.objects.filter(dirty=False).values_list("month", flat=True))
    built = []
    while month_is_over(Period(year, month), now):
        first = dt.date(year, month, 1)
        if first not in clean:
            build_month(year, month)
            built.append(first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return built


def collect_built(
    period: Period, agency_ids: Collection[int] | None, parent_of: dict[int, int]
) -> Collected | None:
    """The report's counts from the month sums, or None when they do not cover the period."""
    if not month_is_over(period):
        return None
    months = [first for first, _s, _e in period.months_to_date()]
    ready = CaseMonthBuild.objects.filter(month__in=months, dirty=False).count()
    if ready < len(months):
        return None
    report_month = period.first_day
    collected = Collected(size=_SERIES + 2 * period.month)
    rows = _scoped(
        CaseMonthFigures.objects.filter(month__in=months), "agency_id", agency_ids
    ).order_by()
    in_month = Q(month=report_month)

    counts = rows.exclude(channel="").values("agency_id", "channel", "case_type", "category_id")
    sums = {f"m_{n}": Sum(n, filter=in_month) for n in COUNT_FIELDS}
    sums |= {f"y_{n}": Sum(n) for n in COUNT_FIELDS}
    for row in counts.annotate(**sums):
        vector = [0] * collected.size
        for i, name in enumerate(COUNT_FIELDS):
            vector[i] = row[f"m_{name}"] or 0
            vector[_WIDTH + i] = row[f"y_{name}"] or 0
        keys = (row["agency_id"], row["channel"], row["case_type"], row["category_id"])
        collected.add(keys, vector, parent_of)

    series = rows.exclude(channel="").values("agency_id", "month")
    for row in series.annotate(r=Sum("received"), c=Sum("closed")):
        vector = [0] * collected.size
        index = row["month"].month - 1
        vector[_SERIES + index] = row["r"] or 0
        vector[_SERIES + period.month + index] = row["c"] or 0
        _agency_bucket(collected, row["agency_id"]).add_counts(vector)

    extras = rows.filter(channel="").values("agency_id")
    extra_sums = {f"m_{n}": Sum(n, filter=in_month) for n in EXTRA_FIELDS}
    extra_sums |= {f"y_{n}": Sum(n) for n in EXTRA_FIELDS}
    extra_sums["outside"] = Sum("outside_calendar")
    for row in extras.annotate(**extra_sums):
        collected.outside += row["outside"] or 0
        if row["agency_id"] is None and not any(row[f"y_{n}"] for n in EXTRA_FIELDS):
            continue  # the row that only carries the outside-calendar count
        bucket = _agency_bucket(collected, row["agency_id"])
        for name in EXTRA_FIELDS:
            setattr(
                bucket.month_extra,
                name,
                getattr(bucket.month_extra, name) + (row[f"m_{name}"] or 0),
            )
            setattr(
                bucket.ytd_extra, name, getattr(bucket.ytd_extra, name) + (row[f"y_{name}"] or 0)
            )

    overdue = _scoped(
        Case.objects.filter(_open_overdue_at(period.end)), "lead_agency_id", agency_ids
    ).values("lead_agency_id", "channel", "case_type", "category_id")
    for row in overdue.annotate(n=Count("pk")).order_by():
        vector = [0] * collected.size
        vector[_OVERDUE] = row["n"]
        keys = (row["lead_agency_id"], row["channel"], row["case_type"], row["category_id"])
        collected.add(keys, vector, parent_of)
    return collected


def _agency_bucket(collected: Collected, agency_id: int | None) -> _Bucket:
    bucket = collected.by_agency.get(agency_id)
    if bucket is None:
        bucket = collected.by_agency[agency_id] = _Bucket(collected.size)
    return bucket
