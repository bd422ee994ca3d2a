"""Monthly and year-to-date case performance per agency and for the whole city.

Everything is counted in the database: one grouped scan of the cases (by lead agency, channel,
case type and category, with conditional counts for the month, the year to date and each month
of the year), then three small grouped queries (extensions, returns, satisfaction answers) and
two for handling time. Python only adds up the groups, never loops over cases; the working-day
average needs the office calendar, so the database groups the closed cases per agency and day
received, and per agency and day closed, and `load_calendar()` (one query) gives each day's
running count of working days.

Definitions (Taiwan time; a month is [1st 00:00, next 1st 00:00)):

* received: received in the period (all case types; consultations have no lead agency, so they
  count for the city only);
* closed: closed in the period and still in an end state (a reopened case is not closed);
* closed on time: closed with `closed_at <= deadline_at` (exactly at the deadline is on time);
  the on-time rate is over closed cases that have a deadline (petitions and dispatch);
* overdue: open past its deadline at the end of the month (cases closed after the month count
  as open then), plus cases closed late in the period;
* average handling working days: received → closed, working days after the day received up to
  the day closed, for closed petitions and dispatch cases (city-wide office calendar);
* extensions and returns are counted for the agency that asked or returned (the lead agency may
  change after a return); satisfaction for the lead agency, by the day the citizen answered.

Figures are as the records stand now: rebuilding a past month after a case was reopened or
reassigned gives the current picture, which is what the commission reconciles with agencies.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.workdays.services import TAIPEI, calendar_bounds, load_calendar

from ..models import (
    END_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    CaseType,
    Category,
    Channel,
    Extension,
    ExtensionStatus,
    SurveyResponse,
)

DEFAULT_RANKING_MIN_CASES = 10
RETURN_ACTION = "return"


def ranking_min_cases() -> int:
    """Agencies with fewer closed cases than this are listed but not ranked (a rate of 3 is noise)."""
    return int(getattr(settings, "YANKAO_CASE_RANKING_MIN_CASES", DEFAULT_RANKING_MIN_CASES))


# --- Periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A report month in Taiwan time, with its year to date."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if not 1912 <= self.year <= 9998:
            raise ValueError(f"year out of range: {self.year}")

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def start(self) -> dt.datetime:
        return _month_start(self.year, self.month)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the month (exclusive bound)."""
        return _month_start(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def year_start(self) -> dt.datetime:
        return _month_start(self.year, 1)

    def months_to_date(self) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
        """(first day, start, end) of January up to the report month."""
        return [
            (
                dt.date(self.year, m, 1),
                _month_start(self.year, m),
                _month_start(self.year + m // 12, m % 12 + 1),
            )
            for m in range(1, self.month + 1)
        ]


def _month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=TAIPEI)


# --- Figures -------------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _percent(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


@dataclass
class Figures:
    """The counts of one agency (or group) for one period; rates are derived, never stored."""

    received: int = 0
    closed: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    open_overdue: int = 0
    working_days_total: int = 0
    working_days_cases: int = 0
    extensions_requested: int = 0
    extensions_approved: int = 0
    returns: int = 0
    survey_answered: int = 0
    survey_satisfied: int = 0
    consultations: int = 0
    answered_on_line: int = 0

    def add(self, other: Figures) -> None:
        for name in _FIGURE_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def closed_with_deadline(self) -> int:
        """The base of the on-time rate (consultations have no deadline)."""
        return self.closed_on_time + self.closed_late

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.closed_on_time, self.closed_with_deadline)

    @property
    def overdue(self) -> int:
        return self.open_overdue + self.closed_late

    @property
    def average_working_days(self) -> float | None:
        return _ratio(self.working_days_total, self.working_days_cases)

    @property
    def satisfaction_rate(self) -> float | None:
        return _ratio(self.survey_satisfied, self.survey_answered)

    # Percentages (0-100) for templates, which cannot multiply.
    @property
    def on_time_percent(self) -> float | None:
        return _percent(self.on_time_rate)

    @property
    def satisfaction_percent(self) -> float | None:
        return _percent(self.satisfaction_rate)


_FIGURE_FIELDS = tuple(item.name for item in fields(Figures))


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date
    received: int
    closed: int


@dataclass
class AgencyRow:
    agency: Agency
    month: Figures
    ytd: Figures
    series: list[MonthPoint]
    rank: int | None = None


@dataclass
class BreakdownRow:
    """One channel, case type or category group."""

    key: str
    label: str
    month: Figures
    ytd: Figures
    share: float | None = None  # of the month's received cases in the scope

    @property
    def share_percent(self) -> float | None:
        return _percent(self.share)


@dataclass(frozen=True)
class CallCentreFigures:
    """1999 figures derived from the cases: every hotline case is a call handled."""

    calls: int
    consultations: int
    answered_on_line: int

    @property
    def consultation_share(self) -> float | None:
        return _ratio(self.consultations, self.calls)

    @property
    def immediate_answer_rate(self) -> float | None:
        """Consultations answered and closed on the line, over all hotline cases."""
        return _ratio(self.answered_on_line, self.calls)

    @classmethod
    def of(cls, figures: Figures) -> CallCentreFigures:
        return cls(figures.received, figures.consultations, figures.answered_on_line)


@dataclass
class MonthlyReport:
    period: Period
    everything: bool  # whole city, or only the agencies in the user's scope
    totals_month: Figures
    totals_ytd: Figures
    series: list[MonthPoint]
    agencies: list[AgencyRow]
    by_channel: list[BreakdownRow]
    by_case_type: list[BreakdownRow]
    by_category: list[BreakdownRow]
    call_centre_month: CallCentreFigures | None
    call_centre_ytd: CallCentreFigures | None
    min_cases: int
    outside_calendar: int = 0  # closed cases left out of the working-day average

    @property
    def ranking(self) -> list[AgencyRow]:
        """Ranked agencies best first, then the unranked ones in agency order."""
        ranked = sorted((r for r in self.agencies if r.rank is not None), key=lambda r: r.rank)
        return ranked + [r for r in self.agencies if r.rank is None]

    def row_for(self, agency_id: int) -> AgencyRow | None:
        return next((r for r in self.agencies if r.agency.pk == agency_id), None)


# --- Ranking -------------------------------------------------------------------------------


def rank_agencies(rows: Sequence[AgencyRow], min_cases: int | None = None) -> list[AgencyRow]:
    """Rank by the month's on-time rate, then by shorter average handling time.

    Only agencies with at least `min_cases` closed cases with a deadline in the month are ranked
    (default: setting YANKAO_CASE_RANKING_MIN_CASES, 10): a small agency with 2 of 2 on time must
    not top one with 980 of 1,000. Equal keys share a rank (1, 2, 2, 4). Returns new rows in the
    given order, with `rank` set or None.
    """
    limit = ranking_min_cases() if min_cases is None else min_cases

    def key(row: AgencyRow) -> tuple[float, float]:
        days = row.month.average_working_days
        return (-(row.month.on_time_rate or 0.0), days if days is not None else float("inf"))

    eligible = sorted(
        (r for r in rows if r.month.closed_with_deadline >= max(limit, 1)),
        key=key,
    )
    ranks: dict[int, int] = {}
    previous: tuple[float, float] | None = None
    rank = 0
    for position, row in enumerate(eligible, start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        ranks[id(row)] = rank
    return [replace(row, rank=ranks.get(id(row))) for row in rows]


# --- The report ----------------------------------------------------------------------------

_END = list(END_STATUSES)
# Open statuses named one by one (not "NOT IN end states") so the database can use the
# (status, deadline_at) index for the open-overdue part.
_OPEN = [status for status in CaseStatus.values if status not in END_STATUSES]


def _received_in(start: dt.datetime, end: dt.datetime) -> Q:
    return Q(received_at__gte=start, received_at__lt=end)


def _closed_in(start: dt.datetime, end: dt.datetime) -> Q:
    return Q(closed_at__gte=start, closed_at__lt=end, status__in=_END)


def _open_overdue_at(end: dt.datetime) -> Q:
    """Past its deadline and not closed at `end` (closed later counts as open then)."""
    return Q(received_at__lt=end, deadline_at__lt=end) & (
        Q(status__in=_OPEN) | Q(closed_at__gte=end)
    )


# The counts of the one scan, per group, as a flat vector:
# [month: received, closed, on time, late, consultations, on the line] [same for the year to date]
# [open overdue at the end] [received per month of the year] [closed per month of the year]
_PERIOD_COUNTS = (
    "received",
    "closed",
    "closed_on_time",
    "closed_late",
    "consultations",
    "answered_on_line",
)
_WIDTH = len(_PERIOD_COUNTS)
_OVERDUE = 2 * _WIDTH
_SERIES = _OVERDUE + 1
_GROUP_KEYS = ("lead_agency_id", "channel", "case_type", "category_id")


def _case_aggregates(period: Period) -> dict[str, Count]:
    """Conditional counts in the vector's order (dicts keep insertion order)."""
    on_time = Q(closed_at__lte=F("deadline_at"))
    late = Q(closed_at__gt=F("deadline_at"))
    consultation = Q(case_type=CaseType.CONSULTATION)
    on_line = consultation & Q(closed_at=F("received_at"))
    aggregates: dict[str, Count] = {}
    for prefix, start in (("m", period.start), ("y", period.year_start)):
        received = _received_in(start, period.end)
        closed = _closed_in(start, period.end)
        aggregates[f"{prefix}_received"] = Count("pk", filter=received)
        aggregates[f"{prefix}_closed"] = Count("pk", filter=closed)
        aggregates[f"{prefix}_on_time"] = Count("pk", filter=closed & on_time)
        aggregates[f"{prefix}_late"] = Count("pk", filter=closed & late)
        aggregates[f"{prefix}_consultations"] = Count("pk", filter=received & consultation)
        aggregates[f"{prefix}_on_line"] = Count("pk", filter=received & on_line)
    aggregates["open_overdue"] = Count("pk", filter=_open_overdue_at(period.end))
    months = period.months_to_date()
    for i, (_first, start, end) in enumerate(months):
        aggregates[f"r{i}"] = Count("pk", filter=_received_in(start, end))
    for i, (_first, start, end) in enumerate(months):
        aggregates[f"c{i}"] = Count("pk", filter=_closed_in(start, end))
    return aggregates


class _Bucket:
    """One group's counts (a vector, summed with `map`, cheap over thousands of groups), plus
    the figures the smaller queries add (working days, extensions, returns, answers)."""

    __slots__ = ("counts", "month_extra", "ytd_extra")

    def __init__(self, size: int) -> None:
        self.counts = [0] * size
        self.month_extra = Figures()
        self.ytd_extra = Figures()

    def add_counts(self, values: Sequence[int]) -> None:
        self.counts = list(map(operator.add, self.counts, values))

    def add(self, other: _Bucket) -> None:
        self.add_counts(other.counts)
        self.month_extra.add(other.month_extra)
        self.ytd_extra.add(other.ytd_extra)

    def figures(self, *, ytd: bool) -> Figures:
        base = _WIDTH if ytd else 0
        figures = Figures(
            **dict(zip(_PERIOD_COUNTS, self.counts[base : base + _WIDTH], strict=True)),
            open_overdue=self.counts[_OVERDUE],
        )
        figures.add(self.ytd_extra if ytd else self.month_extra)
        return figures

    def series(self, period: Period) -> list[MonthPoint]:
        months = period.months_to_date()
        received = self.counts[_SERIES : _SERIES + len(months)]
        closed = self.counts[_SERIES + len(months) :]
        return [
            MonthPoint(first, r, c)
            for (first, _s, _e), r, c in zip(months, received, closed, strict=True)
        ]


def _scoped(queryset: QuerySet[Any], field_name: str, agency_ids: Collection[int] | None) -> Any:
    if agency_ids is None:
        return queryset
    return queryset.filter(**{f"{field_name}__in": list(agency_ids)})


def _case_groups(
    period: Period, agency_ids: Collection[int] | None, *, overdue: bool = True
) -> Iterable[tuple[Any, ...]]:
    """The one scan: every case touching the year to date, grouped four ways at once.

    Rows are (agency, channel, case type, category, *counts in the vector's order). Without
    `overdue` the cases that only count as open and overdue at the end are left out (month
    sums count those live).
    """
    ys, end = period.year_start, period.end
    # Each branch can use an index (received_at, closed_at, status+deadline_at), so the
    # database can combine them instead of scanning years of closed cases.
    touching = _received_in(ys, end) | Q(closed_at__gte=ys, closed_at__lt=end)
    if overdue:
        touching |= Q(status__in=_OPEN, deadline_at__lt=end) | Q(
            closed_at__gte=end, deadline_at__lt=end
        )
    queryset = _scoped(Case.objects.filter(touching), "lead_agency_id", agency_ids)
    aggregates = _case_aggregates(period)
    return (
        queryset.values(*_GROUP_KEYS)
        .annotate(**aggregates)
        .order_by()
        .values_list(*_GROUP_KEYS, *aggregates)
    )


class TaiwanDate(TruncDate):
    """The Taiwan calendar date of a stored time.

    On SQLite Django converts time zones with a Python callback per row; Taiwan has kept UTC+8
    without daylight saving since 1980, so there the date is SQLite's own date(t, '+8 hours'),
    many times faster over a year of cases. Other databases convert natively (AT TIME ZONE).
    """

    def __init__(self, expression: str) -> None:
        super().__init__(expression, tzinfo=TAIPEI)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '+8 hours')", list(params)


def _add_working_days(
    period: Period, agency_ids: Collection[int] | None, buckets: dict[int | None, _Bucket]
) -> int:
    """Add handling working days; returns how many cases fell outside the calendar.

    A case's handling time is W(day closed) − W(day received), W being the running count of
    working days on the calendar, so an agency's total is Σ W(closed) − Σ W(received): the
    database only groups the closed cases per (agency, day closed) and per (agency, day
    received), a few hundred rows per agency and year, and each day is looked up once.
    """
    first, last = calendar_bounds()
    inside = Q(
        received_at__gte=dt.datetime.combine(first, dt.time.min, TAIPEI),
        closed_at__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, TAIPEI),
    )
    closed = _closed_in(period.year_start, period.end)
    queryset = _scoped(
        Case.objects.filter(closed).exclude(case_type=CaseType.CONSULTATION),
        "lead_agency_id",
        agency_ids,
    )
    in_month = Q(closed_at__gte=period.start)
    by_closed = (
        queryset.values("lead_agency_id", day=TaiwanDate("closed_at"))
        .annotate(
            y=Count("pk", filter=inside),
            m=Count("pk", filter=inside & in_month),
            outside=Count("pk", filter=~inside),
        )
        .order_by()
        .values_list("lead_agency_id", "day", "y", "m", "outside")
    )
    by_received = (
        queryset.filter(inside)
        .values("lead_agency_id", day=TaiwanDate("received_at"))
        .annotate(y=Count("pk"), m=Count("pk", filter=in_month), outside=Value(0))
        .order_by()
        .values_list("lead_agency_id", "day", "y", "m", "outside")
    )
    calendar = load_calendar()
    running: dict[dt.date, int] = {}

    def working(day: dt.date) -> int:
        count = running.get(day)
        if count is None:
            count = running[day] = calendar.working_days_between(first, day)
        return count

    size = _SERIES + 2 * period.month
    outside_total = 0
    for rows, sign in ((by_closed, 1), (by_received, -1)):
        for agency_id, day, ytd, month, outside in rows:
            outside_total += outside
            if not ytd:
                continue
            bucket = buckets.get(agency_id)
            if bucket is None:
                bucket = buckets[agency_id] = _Bucket(size)
            days = sign * working(day)
            bucket.ytd_extra.working_days_total += days * ytd
            bucket.month_extra.working_days_total += days * month
            if sign > 0:  # each case once, from its closing day
                bucket.ytd_extra.working_days_cases += ytd
                bucket.month_extra.working_days_cases += month
    return outside_total


def _add_activity(
    period: Period, agency_ids: Collection[int] | None, buckets: dict[int | None, _Bucket]
) -> None:
    """Extensions, returns and satisfaction answers: small tables, one grouped query each."""
    ms, ys, end = period.start, period.year_start, period.end
    size = _SERIES + 2 * period.month

    def extra(agency_id: int | None) -> tuple[Figures, Figures]:
        bucket = buckets.get(agency_id)
        if bucket is None:
            bucket = buckets[agency_id] = _Bucket(size)
        return bucket.month_extra, bucket.ytd_extra

    requested = Q(requested_at__gte=ys, requested_at__lt=end)
    approved = Q(status=ExtensionStatus.APPROVED, decided_at__gte=ys, decided_at__lt=end)
    extensions = _scoped(
        Extension.objects.filter(requested | approved), "agency_id", agency_ids
    ).values("agency_id")
    for row in extensions.annotate(
        m_requested=Count("pk", filter=Q(requested_at__gte=ms, requested_at__lt=end)),
        y_requested=Count("pk", filter=requested),
        m_approved=Count("pk", filter=approved & Q(decided_at__gte=ms)),
        y_approved=Count("pk", filter=approved),
    ).order_by():
        month, ytd = extra(row["agency_id"])
        month.extensions_requested += row["m_requested"]
        ytd.extensions_requested += row["y_requested"]
        month.extensions_approved += row["m_approved"]
        ytd.extensions_approved += row["y_approved"]

    returns = _scoped(
        CaseEvent.objects.filter(action=RETURN_ACTION, at__gte=ys, at__lt=end),
        "agency_id",
        agency_ids,
    ).values("agency_id")
    for row in returns.annotate(m=Count("pk", filter=Q(at__gte=ms)), y=Count("pk")).order_by():
        month, ytd = extra(row["agency_id"])
        month.returns += row["m"]
        ytd.returns += row["y"]

    answers = _scoped(
        SurveyResponse.objects.filter(answered_at__gte=ys, answered_at__lt=end),
        "case__lead_agency_id",
        agency_ids,
    ).values("case__lead_agency_id")
    in_month = Q(answered_at__gte=ms)
    for row in answers.annotate(
        m_answered=Count("pk", filter=in_month),
        m_satisfied=Count("pk", filter=in_month & Q(satisfied=True)),
        y_answered=Count("pk"),
        y_satisfied=Count("pk", filter=Q(satisfied=True)),
    ).order_by():
        month, ytd = extra(row["case__lead_agency_id"])
        month.survey_answered += row["m_answered"]
        month.survey_satisfied += row["m_satisfied"]
        ytd.survey_answered += row["y_answered"]
        ytd.survey_satisfied += row["y_satisfied"]


def _english() -> bool:
    return (get_language() or "zh-hant").lower().startswith("en")


def _category_groups() -> tuple[dict[int, int], dict[int, tuple[str, int]]]:
    """leaf id → group id, and group id → (label, sort key); the tree is a few hundred rows."""
    english = _english()
    parent_of: dict[int, int] = {}
    labels: dict[int, tuple[str, int]] = {}
    for pk, parent_id, name_zh, name_en, order in Category.objects.values_list(
        "pk", "parent_id", "name_zh", "name_en", "sort_order"
    ):
        parent_of[pk] = parent_id or pk
        if parent_id is None:
            labels[pk] = ((name_en if english and name_en else name_zh), order)
    return parent_of, labels


def _breakdown(
    buckets: dict[Any, _Bucket],
    order: Iterable[Any],
    label: Any,
    total_received: int,
    *,
    keep_empty: bool = False,
) -> list[BreakdownRow]:
    rows = []
    for key in order:
        bucket = buckets.get(key)
        if bucket is None and not keep_empty:
            continue
        bucket = bucket or _Bucket(_SERIES)
        month = bucket.figures(ytd=False)
        rows.append(
            BreakdownRow(
                key="" if key is None else str(key),
                label=str(label(key)),
                month=month,
                ytd=bucket.figures(ytd=True),
                share=_ratio(month.received, total_received),
            )
        )
    return rows


@dataclass
class Collected:
    """A report's counts before they become rows: buckets per agency, channel, type, group."""

    size: int
    by_agency: dict[int | None, _Bucket] = field(default_factory=dict)
    by_channel: dict[str, _Bucket] = field(default_factory=dict)
    by_type: dict[str, _Bucket] = field(default_factory=dict)
    by_group: dict[int | None, _Bucket] = field(default_factory=dict)
    outside: int = 0

    def add(
        self,
        keys: tuple[int | None, str, str, int | None],
        counts: Sequence[int],
        parent_of: dict[int, int],
    ) -> None:
        agency_id, channel, case_type, category_id = keys
        group = parent_of.get(category_id) if category_id else None
        for buckets, key in (
            (self.by_agency, agency_id),
            (self.by_channel, channel),
            (self.by_type, case_type),
            (self.by_group, group),
        ):
            bucket = buckets.get(key)  # type: ignore[attr-defined]
            if bucket is None:
                bucket = buckets[key] = _Bucket(self.size)  # type: ignore[index]
            bucket.add_counts(counts)


def collect_live(
    period: Period, agency_ids: Collection[int] | None, parent_of: dict[int, int]
) -> Collected:
    """Everything from the case tables themselves (the current month, or months not summed)."""
    collected = Collected(size=_SERIES + 2 * period.month)
    for agency_id, channel, case_type, category_id, *counts in _case_groups(period, agency_ids):
        collected.add((agency_id, channel, case_type, category_id), counts, parent_of)
    collected.outside = _add_working_days(period, agency_ids, collected.by_agency)
    _add_activity(period, agency_ids, collected.by_agency)
    return collected


def monthly_report(
    year: int,
    month: int,
    *,
    agency_ids: Collection[int] | None = None,
    min_cases: int | None = None,
) -> MonthlyReport:
    """The month's and year-to-date figures; `agency_ids=None` is the whole city.

    With `agency_ids` every figure (totals and breakdowns included) covers only those lead
    agencies, so an agency's report never shows another agency's numbers.
    """
    period = Period(year, month)
    limit = ranking_min_cases() if min_cases is None else min_cases
    size = _SERIES + 2 * period.month
    parent_of, group_labels = _category_groups()
    from .built import collect_built  # the month sums; they read this module's helpers

    collected = collect_built(period, agency_ids, parent_of) or collect_live(
        period, agency_ids, parent_of
    )
    by_agency, by_channel = collected.by_agency, collected.by_channel
    by_type, by_group, outside = collected.by_type, collected.by_group, collected.outside

    total = _Bucket(size)
    for bucket in by_agency.values():
        total.add(bucket)
    totals_month = total.figures(ytd=False)
    wanted = set(by_agency) - {None}
    if agency_ids is not None:
        wanted |= set(agency_ids)
    empty = _Bucket(size)
    rows = []
    for agency in Agency.objects.filter(pk__in=wanted).order_by("sort_order", "code"):
        bucket = by_agency.get(agency.pk, empty)
        rows.append(
            AgencyRow(
                agency=agency,
                month=bucket.figures(ytd=False),
                ytd=bucket.figures(ytd=True),
                series=bucket.series(period),
            )
        )
    received = totals_month.received
    channel_order = [c for c in Channel.values if c in by_channel]
    channel_order += sorted(set(by_channel) - set(Channel.values))
    group_order = sorted(
        (g for g in by_group if g is not None), key=lambda g: group_labels.get(g, ("", 0))[1]
    )
    if None in by_group:
        group_order.append(None)
    everything = agency_ids is None
    hotline = by_channel.get(Channel.HOTLINE, empty)
    return MonthlyReport(
        period=period,
        everything=everything,
        totals_month=totals_month,
        totals_ytd=total.figures(ytd=True),
        series=total.series(period),
        agencies=rank_agencies(rows, limit),
        by_channel=_breakdown(
            by_channel,
            channel_order,
            lambda c: Channel(c).label if c in Channel.values else c,
            received,
        ),
        by_case_type=_breakdown(
            by_type, CaseType.values, lambda t: CaseType(t).label, received, keep_empty=True
        ),
        by_category=_breakdown(
            by_group,
            group_order,
            lambda g: group_labels[g][0] if g in group_labels else _("No category"),
            received,
        ),
        call_centre_month=(
            CallCentreFigures.of(hotline.figures(ytd=False)) if everything else None
        ),
        call_centre_ytd=CallCentreFigures.of(hotline.figures(ytd=True)) if everything else None,
        min_cases=limit,
        outside_calendar=outside,
    )


def received_by_type(
    start: dt.datetime, end: dt.datetime, agency_ids: Collection[int] | None = None
) -> dict[str, int]:
    """Cases received in [start, end) per case type: what the annual sentence counts."""
    queryset = _scoped(Case.objects.filter(_received_in(start, end)), "lead_agency_id", agency_ids)
    counts = dict.fromkeys(CaseType.values, 0)
    for row in queryset.values("case_type").annotate(n=Count("pk")).order_by():
        counts[row["case_type"]] = row["n"]
    return counts


__all__ = [
    "AgencyRow",
    "BreakdownRow",
    "CallCentreFigures",
    "Figures",
    "MonthPoint",
    "MonthlyReport",
    "Period",
    "monthly_report",
    "rank_agencies",
    "ranking_min_cases",
    "received_by_type",
]
