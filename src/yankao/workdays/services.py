"""The public interface of workdays: working days and deadlines on the Taiwan office calendar.

Citizen petitions get deadlines in *working days*; urgent dispatch cases in clock hours (24/7).
A working day is a day the government offices are open:

* the national calendar: Monday to Friday, minus the holidays the `holidays` package lists for
  TW (days off, bridge days and compensatory days), plus its make-up workdays (補班 Saturdays);
* then the commission's `DeclaredDay` rows: closures (停止上班, e.g. typhoon days) and extra
  working days, for the whole city or for one district (a district's own row wins).

The national calendar is built once per process (per year from `holidays`, then one index over
FIRST_YEAR..LAST_YEAR), so every answer is O(1) plus the declared days in the range. The module
functions run one small query per call for the declared days in the range they need; a job that
computes many deadlines should call `load_calendar()` once and ask the returned
`WorkingCalendar`, which never touches the database again.

Rules every function follows:

* Dates are the Taiwan (Asia/Taipei) calendar date. An aware datetime is converted to Taiwan
  time first; a **naive datetime is rejected** with `NaiveDatetimeError` (it is usually a UTC value
  that lost its zone, and guessing would move deadlines by a day around midnight).
* Dates outside YANKAO_CALENDAR_FIRST_YEAR..LAST_YEAR raise `CalendarRangeError` instead of
  guessing: the holiday calendar is only known (and checked) for those years.
* The start day is never counted: `add_working_days(start, n)` is the n-th working day after the
  start's date, and `working_days_between(start, end)` counts working days after the start's
  date up to and including the end's date, so the two round-trip.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.signals import setting_changed
from django.db import connections, router
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yankao.core.db import prepared

from .models import CITY_WIDE, KAOHSIUNG_DISTRICTS, DeclaredDay, DeclaredDayKind
from .roc import RocDateError, format_for_language

TAIPEI = ZoneInfo("Asia/Taipei")
UTC = dt.UTC

DateLike = dt.date | dt.datetime
DayStatus = Literal["workday", "weekend", "holiday", "makeup", "closure", "extra_workday"]

# How far past the national answer `add_working_days` loads declared days in its one query:
# closures beyond this many extra working days in one span are rare enough to cost a 2nd query.
_LOOKAHEAD_WORKING_DAYS = 15
_DISTRICTS = frozenset(KAOHSIUNG_DISTRICTS)


# --- Errors -------------------------------------------------------------------------------------


class WorkdaysError(ValueError):
    """Bad input to the calendar; the message is ready to show to the user."""


class CalendarRangeError(WorkdaysError):
    """A date the shipped holiday calendar does not cover."""

    def __init__(self, message: str, day: dt.date | None = None) -> None:
        super().__init__(message)
        self.day = day


class NaiveDatetimeError(WorkdaysError):
    """A datetime without a time zone: refused rather than guessed."""


class UnknownDistrictError(WorkdaysError):
    """A district name that is not one of Kaohsiung's 38 districts."""


def _show(day: dt.date) -> str:
    """The date as the user's language shows it (ROC in Chinese), for error messages."""
    try:
        return format_for_language(day)
    except RocDateError:
        return day.isoformat()


def _range_error(day: dt.date, first: dt.date, last: dt.date) -> CalendarRangeError:
    return CalendarRangeError(
        _(
            "%(date)s is outside the working-day calendar, which covers %(first)s to %(last)s. "
            "Deadlines cannot be computed for it."
        )
        % {"date": _show(day), "first": _show(first), "last": _show(last)},
        day,
    )


# --- The national calendar, built once ---------------------------------------------------------


@cache
def _year_calendar(year: int) -> tuple[dict[dt.date, str], dict[dt.date, str], frozenset[dt.date]]:
    """Days off (Chinese and English names) and make-up workdays of one year, from `holidays`."""
    zh = holidays.country_holidays("TW", years=year, language="zh_TW")
    en = holidays.country_holidays("TW", years=year, language="en_US")
    # `weekend_workdays` also carries make-up days of other years (2014-12-27 shows up in every
    # year's set), so keep only this year's.
    makeup = frozenset(d for d in zh.weekend_workdays if d.year == year)
    names_zh = {d: name for d, name in zh.items() if d.year == year}
    names_en = {d: name for d, name in en.items() if d.year == year}
    return names_zh, names_en, makeup


@dataclass(frozen=True, slots=True)
class _National:
    """Index over the covered span: day i is `first + i days`."""

    first: dt.date
    last: dt.date
    origin: int  # first.toordinal()
    working: list[bool]
    cum: list[int]  # cum[i]: working days among indices < i (len = days + 1)
    workdays: list[int]  # indices of the working days, in order
    names_zh: dict[int, str]
    names_en: dict[int, str]
    makeup: frozenset[int]

    def index(self, day: dt.date) -> int:
        i = day.toordinal() - self.origin
        if i < 0 or i >= len(self.working):
            raise _range_error(day, self.first, self.last)
        return i

    def day(self, i: int) -> dt.date:
        return dt.date.fromordinal(self.origin + i)

    def nth_after(self, i: int, n: int) -> int:
        """Index of the n-th (n >= 1) national working day after index i."""
        pos = self.cum[i + 1] + n - 1
        if pos >= len(self.workdays):
            raise _past_end_error(self)
        return self.workdays[pos]


def _past_end_error(nat: _National) -> CalendarRangeError:
    return CalendarRangeError(
        _(
            "The deadline would fall after %(last)s, the end of the working-day calendar. "
            "Ask the administrator to extend YANKAO_CALENDAR_LAST_YEAR once the holidays of the "
            "next year are published."
        )
        % {"last": _show(nat.last)},
        None,
    )


def _build_national(first_year: int, last_year: int) -> _National:
    first = dt.date(first_year, 1, 1)
    last = dt.date(last_year, 12, 31)
    origin = first.toordinal()
    size = last.toordinal() - origin + 1
    names_zh: dict[int, str] = {}
    names_en: dict[int, str] = {}
    makeup: set[int] = set()
    for year in range(first_year, last_year + 1):
        zh, en, extra = _year_calendar(year)
        names_zh.update((d.toordinal() - origin, name) for d, name in zh.items())
        names_en.update((d.toordinal() - origin, name) for d, name in en.items())
        makeup.update(d.toordinal() - origin for d in extra)
    working = [False] * size
    cum = [0] * (size + 1)
    workdays: list[int] = []
    weekday = first.weekday()
    for i in range(size):
        is_working = i in makeup or (weekday < 5 and i not in names_zh)
        working[i] = is_working
        if is_working:
            workdays.append(i)
        cum[i + 1] = len(workdays)
        weekday = (weekday + 1) % 7
    return _National(
        first, last, origin, working, cum, workdays, names_zh, names_en, frozenset(makeup)
    )


_national_state: _National | None = None
_national_lock = threading.Lock()


def _national() -> _National:
    state = _national_state
    if state is None:
        state = _load_national()
    return state


def _load_national() -> _National:
    global _national_state
    with _national_lock:
        if _national_state is None:
            first_year = int(settings.YANKAO_CALENDAR_FIRST_YEAR)
            last_year = int(settings.YANKAO_CALENDAR_LAST_YEAR)
            if first_year > last_year or first_year < dt.MINYEAR or last_year >= dt.MAXYEAR:
                raise ValueError(
                    "YANKAO_CALENDAR_FIRST_YEAR must not be after YANKAO_CALENDAR_LAST_YEAR"
                )
            _national_state = _build_national(first_year, last_year)
        return _national_state


def clear_cache() -> None:
    """Forget the national calendar (overriding the calendar years in settings does this)."""
    global _national_state
    with _national_lock:
        _national_state = None
        _year_calendar.cache_clear()


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs: Any) -> None:
    if setting in {"YANKAO_CALENDAR_FIRST_YEAR", "YANKAO_CALENDAR_LAST_YEAR"}:
        clear_cache()


def calendar_bounds() -> tuple[dt.date, dt.date]:
    """First and last date the calendar covers (1 January FIRST_YEAR, 31 December LAST_YEAR)."""
    nat = _national()
    return nat.first, nat.last


# --- Input normalisation -----------------------------------------------------------------------


def to_taiwan_date(value: DateLike) -> dt.date:
    """The Taiwan calendar date of a date or an aware datetime; naive datetimes are refused."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                _(
                    "The time %(value)s has no time zone. Give an aware datetime (stored times "
                    "are UTC, shown in Taiwan time)."
                )
                % {"value": value.isoformat()}
            )
        return value.astimezone(TAIPEI).date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _check_district(district: str | None) -> str | None:
    if not district:
        return None
    if district not in _DISTRICTS:
        raise UnknownDistrictError(
            _("“%(district)s” is not a district of Kaohsiung. Use a name such as 鳳山區.")
            % {"district": str(district)[:20]}
        )
    return district


def _check_count(n: int, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} must be a whole number, got {type(n).__name__}")
    if n < 0:
        raise WorkdaysError(_("The number of working days must be 0 or more."))
    return n


# --- Declared days -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Declaration:
    """A declared day as the calendar sees it (a `DeclaredDay` row without the bookkeeping)."""

    date: dt.date
    kind: str
    district: str = CITY_WIDE
    reason: str = ""


@cache
def _declarations_sql(alias: str, scopes: int) -> str:
    """The one query, built once per database: the ORM takes ~8x longer to compile it than the
    database takes to run it, and every deadline computation runs it."""
    quote = connections[alias].ops.quote_name
    meta = DeclaredDay._meta
    date, kind, district, reason = (
        quote(meta.get_field(name).column) for name in ("date", "kind", "district", "reason")
    )
    places = ", ".join(["%s"] * scopes)
    # Only quoted names from the model's metadata are interpolated; values are parameters.
    return (
        f"SELECT {date}, {kind}, {district}, {reason} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {date} BETWEEN %s AND %s AND {district} IN ({places})"
    )


def _query_declarations(district: str | None, start: dt.date, end: dt.date) -> list[Declaration]:
    """One query: the city-wide rows, and the district's own rows, dated start..end."""
    alias = router.db_for_read(DeclaredDay)
    connection = connections[alias]
    scopes = [CITY_WIDE] if district is None else [CITY_WIDE, district]
    adapt = connection.ops.adapt_datefield_value
    with prepared(alias), connection.cursor() as cursor:
        cursor.execute(_declarations_sql(alias, len(scopes)), [adapt(start), adapt(end), *scopes])
        rows = cursor.fetchall()
    return [
        Declaration(day if isinstance(day, dt.date) else dt.date.fromisoformat(day), *rest)
        for day, *rest in rows
    ]


# --- The calendar of one scope -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One day for display: national facts and the declaration that applies to the scope."""

    date: dt.date
    is_working_day: bool
    is_weekend: bool
    is_makeup_workday: bool
    holiday_name_zh: str
    holiday_name_en: str
    declared_kind: str  # "" | "closure" | "workday"
    declared_reason: str
    declared_district: str  # "" = whole city

    @property
    def is_day_off(self) -> bool:
        return not self.is_working_day

    @property
    def weekday(self) -> int:
        """ISO weekday: 1 = Monday … 7 = Sunday."""
        return self.date.isoweekday()

    @property
    def holiday_name(self) -> str:
        """The national holiday's name in the user's language (Chinese unless English)."""
        lang = (get_language() or "zh-hant").lower()
        if lang.startswith("zh") or not self.holiday_name_en:
            return self.holiday_name_zh
        return self.holiday_name_en

    @property
    def name(self) -> str:
        """What to call the day in a list: the declaration's reason, the holiday, or 補班."""
        if self.declared_kind:
            return self.declared_reason
        if self.holiday_name_zh:
            return self.holiday_name
        if self.is_makeup_workday:
            return _("Make-up workday")
        return ""

    @property
    def status(self) -> DayStatus:
        if self.declared_kind == DeclaredDayKind.CLOSURE:
            return "closure"
        if self.declared_kind == DeclaredDayKind.WORKDAY:
            return "extra_workday"
        if self.is_makeup_workday:
            return "makeup"
        if self.holiday_name_zh:
            return "holiday"
        return "workday" if self.is_working_day else "weekend"


class WorkingCalendar:
    """The national calendar plus the declarations of one scope for a span of dates.

    `load_calendar()` builds one with a single query; its methods then answer without the
    database (O(1) plus the declared days crossed). Asking about a date outside the loaded span
    raises `CalendarRangeError` when outside the calendar years and `LookupError` when only
    outside the loaded span: load a wider span.
    """

    __slots__ = (
        "_declared",
        "_hi",
        "_lo",
        "_nat",
        "_over",
        "_over_idx",
        "_over_working",
        "district",
    )

    def __init__(
        self,
        declarations: Iterable[Declaration],
        district: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> None:
        nat = _national()
        self._nat = nat
        self.district = _check_district(district)
        self._lo = nat.index(start) if start is not None else 0
        self._hi = nat.index(end) if end is not None else len(nat.working) - 1
        # A district's own row overrides the city-wide row of the same date.
        chosen: dict[int, Declaration] = {}
        for item in declarations:
            if item.district not in (CITY_WIDE, self.district):
                continue
            i = nat.index(item.date)
            if i in chosen and item.district == CITY_WIDE:
                continue
            chosen[i] = item
        self._declared = chosen
        changed = sorted(
            (i, item.kind == DeclaredDayKind.WORKDAY)
            for i, item in chosen.items()
            if (item.kind == DeclaredDayKind.WORKDAY) != nat.working[i]
        )
        # Only declarations that change the national status matter to counting.
        self._over = dict(changed)
        self._over_idx = [i for i, _w in changed]
        self._over_working = [w for _i, w in changed]

    # -- internals --

    def _index(self, day: dt.date) -> int:
        i = self._nat.index(day)
        if i < self._lo or i > self._hi:
            raise LookupError(f"{day} is outside the loaded span of this WorkingCalendar")
        return i

    def _working(self, i: int) -> bool:
        over = self._over.get(i)
        return self._nat.working[i] if over is None else over

    def _add(self, s: int, n: int) -> int:
        """Index of the n-th working day after index s (n >= 1)."""
        nat = self._nat
        cum = nat.cum
        remaining = n
        cur = s
        over_idx = self._over_idx
        k = bisect_right(over_idx, s)
        while k < len(over_idx):
            o = over_idx[k]
            between = cum[o] - cum[cur + 1]  # national working days strictly between cur and o
            if between >= remaining:
                break
            remaining -= between
            if self._over_working[k]:
                remaining -= 1
                if remaining == 0:
                    return o
            cur = o
            k += 1
        result = nat.nth_after(cur, remaining)
        if result > self._hi:
            raise LookupError("the answer lies beyond the loaded span of this WorkingCalendar")
        return result

    def _count(self, s: int, e: int) -> int:
        """Working days in (s, e] for s <= e."""
        nat = self._nat
        total = nat.cum[e + 1] - nat.cum[s + 1]
        over_idx = self._over_idx
        for k in range(bisect_right(over_idx, s), bisect_right(over_idx, e)):
            total += 1 if self._over_working[k] else -1
        return total

    # -- public --

    def is_working_day(self, day: DateLike) -> bool:
        return self._working(self._index(to_taiwan_date(day)))

    def add_working_days(self, start: DateLike, n: int) -> dt.date:
        """The n-th working day after the start's date.

        n = 0 gives the start's date when it is a working day, else the next working day (a
        deadline that ends on a day off moves to the next working day, 行政程序法第48條).
        """
        _check_count(n)
        s = self._index(to_taiwan_date(start))
        if n == 0:
            if self._working(s):
                return self._nat.day(s)
            n = 1
        return self._nat.day(self._add(s, n))

    def working_day_deadline(self, start: DateLike, n: int) -> dt.datetime:
        return end_of_day(self.add_working_days(start, n))

    def next_working_day(self, start: DateLike) -> dt.date:
        return self.add_working_days(start, 1)

    def working_days_between(self, start: DateLike, end: DateLike) -> int:
        """Working days after the start's date up to and including the end's date.

        Negative when the end is before the start (e.g. how many working days overdue).
        """
        s = self._index(to_taiwan_date(start))
        e = self._index(to_taiwan_date(end))
        return self._count(s, e) if s <= e else -self._count(e, s)

    def days(self, start: DateLike, end: DateLike) -> list[CalendarDay]:
        """Every day from start to end inclusive, for calendars and the API."""
        s = self._index(to_taiwan_date(start))
        e = self._index(to_taiwan_date(end))
        return [self._day(i) for i in range(s, e + 1)]

    def notable_days(self, start: DateLike, end: DateLike) -> list[CalendarDay]:
        """Named days off, make-up workdays and declared days from start to end inclusive."""
        s = self._index(to_taiwan_date(start))
        e = self._index(to_taiwan_date(end))
        nat = self._nat
        found = {i for i in nat.names_zh if s <= i <= e}
        found.update(i for i in nat.makeup if s <= i <= e)
        found.update(i for i in self._declared if s <= i <= e)
        return [self._day(i) for i in sorted(found)]

    def _day(self, i: int) -> CalendarDay:
        nat = self._nat
        day = nat.day(i)
        declared = self._declared.get(i)
        return CalendarDay(
            date=day,
            is_working_day=self._working(i),
            is_weekend=day.weekday() >= 5,
            is_makeup_workday=i in nat.makeup,
            holiday_name_zh=nat.names_zh.get(i, ""),
            holiday_name_en=nat.names_en.get(i, ""),
            declared_kind=declared.kind if declared else "",
            declared_reason=declared.reason if declared else "",
            declared_district=declared.district if declared else "",
        )


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59.999999 Taiwan time on that day: when a working-day deadline runs out."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=TAIPEI)


def load_calendar(
    district: str | None = None, start: DateLike | None = None, end: DateLike | None = None
) -> WorkingCalendar:
    """One query; then answer any number of questions about start..end (default: all years).

    For batch work (recomputing millions of deadlines), load once per district.
    """
    district = _check_district(district)
    nat = _national()
    first = to_taiwan_date(start) if start is not None else nat.first
    last = to_taiwan_date(end) if end is not None else nat.last
    nat.index(first)
    nat.index(last)
    return WorkingCalendar(_query_declarations(district, first, last), district, first, last)


def _calendar_for(district: str | None, s: int, e: int) -> WorkingCalendar:
    nat = _national()
    first, last = nat.day(s), nat.day(e)
    return WorkingCalendar(_query_declarations(district, first, last), district, first, last)


# --- The module functions: one query per call --------------------------------------------------


def is_working_day(day: DateLike, district: str | None = None) -> bool:
    """Whether offices are open on that Taiwan date, for the city or one district."""
    district = _check_district(district)
    target = to_taiwan_date(day)
    i = _national().index(target)
    return _calendar_for(district, i, i).is_working_day(target)


def is_working_day_before_declaration(day: dt.date, district: str | None = None) -> bool:
    """The status a new declaration for this scope would change.

    For the whole city: the national calendar. For a district: the national calendar and the
    city-wide declaration, ignoring the district's own row. Used to refuse no-op declarations.
    """
    district = _check_district(district)
    nat = _national()
    i = nat.index(day)
    if district is None:
        return nat.working[i]
    return WorkingCalendar(_query_declarations(None, day, day), None, day, day).is_working_day(day)


def add_working_days(start: DateLike, n: int, district: str | None = None) -> dt.date:
    """The n-th working day after the start's date (the start day is not counted).

    `start` is a date or an aware datetime (its Taiwan date counts). The result is always a
    working day; n = 0 gives the start's date if it is a working day, else the next one.
    Raises CalendarRangeError when the start or the result is outside the calendar years.
    """
    district = _check_district(district)
    _check_count(n)
    nat = _national()
    s_day = to_taiwan_date(start)
    s = nat.index(s_day)
    last = len(nat.working) - 1
    # One query covering the national answer and some slack for closures in the span.
    pos = nat.cum[s + 1] + max(n, 1) - 1 + _LOOKAHEAD_WORKING_DAYS
    hi = nat.workdays[pos] if pos < len(nat.workdays) else last
    try:
        return _calendar_for(district, s, hi).add_working_days(s_day, n)
    except LookupError:
        # More closures than the slack covers: load the rest of the calendar once.
        return _calendar_for(district, s, last).add_working_days(s_day, n)


def working_day_deadline(start: DateLike, n: int, district: str | None = None) -> dt.datetime:
    """The end (23:59:59.999999 Taiwan time) of the n-th working day after the start."""
    return end_of_day(add_working_days(start, n, district))


def next_working_day(start: DateLike, district: str | None = None) -> dt.date:
    """The first working day after the start's date."""
    return add_working_days(start, 1, district)


def working_days_between(start: DateLike, end: DateLike, district: str | None = None) -> int:
    """Working days after the start's date up to and including the end's date.

    `working_days_between(s, add_working_days(s, n)) == n` for n >= 1. Negative when the end's
    date is before the start's (overdue by that many working days).
    """
    district = _check_district(district)
    nat = _national()
    s_day, e_day = to_taiwan_date(start), to_taiwan_date(end)
    s, e = nat.index(s_day), nat.index(e_day)
    return _calendar_for(district, min(s, e), max(s, e)).working_days_between(s_day, e_day)


def calendar_days(start: DateLike, end: DateLike, district: str | None = None) -> list[CalendarDay]:
    """Every day from start to end inclusive (empty when end is before start)."""
    district = _check_district(district)
    nat = _national()
    s, e = nat.index(to_taiwan_date(start)), nat.index(to_taiwan_date(end))
    if e < s:
        return []
    return _calendar_for(district, s, e).days(nat.day(s), nat.day(e))


def holidays_between(
    start: DateLike, end: DateLike, district: str | None = None
) -> list[CalendarDay]:
    """Named days off, make-up workdays and declared days from start to end inclusive.

    For display: each item has `date`, `name` (in the user's language), `status` and
    `is_day_off`. Plain weekends are left out. Empty when end is before start.
    """
    district = _check_district(district)
    nat = _national()
    s, e = nat.index(to_taiwan_date(start)), nat.index(to_taiwan_date(end))
    if e < s:
        return []
    return _calendar_for(district, s, e).notable_days(nat.day(s), nat.day(e))


def add_calendar_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """start + hours of elapsed time (24/7, for dispatch cases), in Taiwan time.

    The sum is done in UTC so the elapsed time is exact even across an offset change. `start`
    must be aware (naive datetimes raise NaiveDatetimeError); hours must be finite and >= 0.
    """
    if not isinstance(start, dt.datetime):
        raise TypeError(f"start must be a datetime, got {type(start).__name__}")
    if start.tzinfo is None or start.utcoffset() is None:
        to_taiwan_date(start)  # raises the NaiveDatetimeError with its message
    hours = float(hours)
    if not math.isfinite(hours) or hours < 0:
        raise WorkdaysError(_("The number of hours must be 0 or more."))
    try:
        return (start.astimezone(UTC) + dt.timedelta(hours=hours)).astimezone(TAIPEI)
    except OverflowError as exc:
        raise WorkdaysError(_("The number of hours is too large.")) from exc


__all__ = [
    "TAIPEI",
    "CalendarDay",
    "CalendarRangeError",
    "Declaration",
    "NaiveDatetimeError",
    "UnknownDistrictError",
    "WorkdaysError",
    "WorkingCalendar",
    "add_calendar_hours",
    "add_working_days",
    "calendar_bounds",
    "calendar_days",
    "clear_cache",
    "end_of_day",
    "holidays_between",
    "is_working_day",
    "is_working_day_before_declaration",
    "load_calendar",
    "next_working_day",
    "to_taiwan_date",
    "working_day_deadline",
    "working_days_between",
]
