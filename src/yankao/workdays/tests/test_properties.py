"""Properties of the working-day arithmetic and ROC dates, checked on generated inputs.

The jump-based arithmetic (prefix sums between declared days) is compared with a plain
day-by-day walk, with random closures and extra working days for random districts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from yankao.workdays import services
from yankao.workdays.models import DeclaredDay, DeclaredDayKind
from yankao.workdays.roc import RocDateError, format_for_language, format_roc, parse_roc
from yankao.workdays.services import Declaration, WorkingCalendar

FIRST = dt.date(2014, 1, 1)
LAST = dt.date(2027, 12, 31)
# Starts early enough that 120 working days (even with closures) stay inside the calendar.
starts = st.dates(min_value=FIRST, max_value=dt.date(2027, 3, 31))
any_day = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=0, max_value=120)
districts = st.sampled_from([None, "鳳山區", "那瑪夏區"])


def declaration_lists(days: st.SearchStrategy[dt.date]) -> st.SearchStrategy[list[Declaration]]:
    return st.lists(
        st.builds(
            Declaration,
            date=days,
            kind=st.sampled_from([DeclaredDayKind.CLOSURE, DeclaredDayKind.WORKDAY]),
            district=st.sampled_from(["", "鳳山區", "那瑪夏區"]),
        ),
        max_size=40,
        unique_by=lambda item: (item.date, item.district),  # as the database's constraint does
    )


declarations = declaration_lists(any_day)
# Few days, so city and district rows often share a date.
crowded_declarations = declaration_lists(
    st.dates(min_value=dt.date(2024, 7, 1), max_value=dt.date(2024, 7, 14))
)
PROPERTY = settings(max_examples=300, deadline=None)


def walk_add(calendar: WorkingCalendar, start: dt.date, n: int) -> dt.date:
    """The obvious definition: step one day at a time."""
    day = start
    if n == 0 and calendar.is_working_day(day):
        return day
    n = max(n, 1)
    while n:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def walk_count(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    total = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        total += calendar.is_working_day(day)
    return total


@given(declarations | crowded_declarations, districts, starts, counts)
@PROPERTY
def test_add_matches_a_day_by_day_walk(items, district, start, n):  # type: ignore[no-untyped-def]
    calendar = WorkingCalendar(items, district)
    try:
        expected = walk_add(calendar, start, n)
    except services.CalendarRangeError:
        assume(False)
    assert calendar.add_working_days(start, n) == expected


@given(declarations, districts, starts, counts)
@PROPERTY
def test_add_then_count_round_trips(items, district, start, n):  # type: ignore[no-untyped-def]
    calendar = WorkingCalendar(items, district)
    due = calendar.add_working_days(start, n)
    assert calendar.is_working_day(due)  # never a day off
    assert due >= start
    if n >= 1 or calendar.is_working_day(start):
        assert calendar.working_days_between(start, due) == n
    # One more working day is strictly later. The one exception is by design: 0 working days
    # from a day off is already the next working day, the same day as 1.
    later = calendar.add_working_days(start, n + 1)
    if n == 0 and not calendar.is_working_day(start):
        assert later == due
    else:
        assert later > due


@given(crowded_declarations, districts)
@PROPERTY
def test_a_districts_own_row_wins_over_the_city_row(items, district):  # type: ignore[no-untyped-def]
    calendar = WorkingCalendar(items, district)
    national = WorkingCalendar([])
    for item in items:
        own = [i for i in items if i.date == item.date and district and i.district == district]
        city = [i for i in items if i.date == item.date and i.district == ""]
        chosen = (own or city or [None])[0]
        expected = (
            national.is_working_day(item.date)
            if chosen is None
            else chosen.kind == DeclaredDayKind.WORKDAY
        )
        assert calendar.is_working_day(item.date) == expected


@given(declarations, districts, any_day, any_day)
@PROPERTY
def test_count_matches_a_walk_and_is_antisymmetric(items, district, a, b):  # type: ignore[no-untyped-def]
    assume(abs((b - a).days) <= 800)
    calendar = WorkingCalendar(items, district)
    start, end = min(a, b), max(a, b)
    assert calendar.working_days_between(start, end) == walk_count(calendar, start, end)
    assert calendar.working_days_between(a, b) == -calendar.working_days_between(b, a)


@given(any_day, any_day, any_day)
@PROPERTY
def test_counts_add_up_over_consecutive_spans(a, b, c):  # type: ignore[no-untyped-def]
    calendar = WorkingCalendar([])
    assert calendar.working_days_between(a, b) + calendar.working_days_between(
        b, c
    ) == calendar.working_days_between(a, c)


@contextmanager
def typhoon_rows() -> Iterator[None]:
    """A few declared days in the database, for the module functions (one query per call)."""
    rows = [
        DeclaredDay(date=dt.date(2024, 7, 24), kind=DeclaredDayKind.CLOSURE, reason="颱風"),
        DeclaredDay(date=dt.date(2024, 7, 25), kind=DeclaredDayKind.CLOSURE, reason="颱風"),
        DeclaredDay(
            date=dt.date(2024, 7, 26),
            district="那瑪夏區",
            kind=DeclaredDayKind.CLOSURE,
            reason="颱風",
        ),
        DeclaredDay(date=dt.date(2024, 7, 27), kind=DeclaredDayKind.WORKDAY, reason="補行上班"),
        DeclaredDay(
            date=dt.date(2024, 7, 24),
            district="旗津區",
            kind=DeclaredDayKind.WORKDAY,
            reason="照常",
        ),
    ]
    DeclaredDay.objects.bulk_create(rows)
    try:
        yield
    finally:
        DeclaredDay.objects.all().delete()


@pytest.mark.django_db
@given(
    st.dates(min_value=dt.date(2024, 6, 1), max_value=dt.date(2024, 8, 31)),
    st.integers(min_value=0, max_value=40),
    st.sampled_from([None, "那瑪夏區", "旗津區", "鳳山區"]),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_module_functions_agree_with_a_loaded_calendar(start, n, district):  # type: ignore[no-untyped-def]
    with typhoon_rows():
        loaded = services.load_calendar(district)
        due = services.add_working_days(start, n, district)
        assert due == loaded.add_working_days(start, n) == walk_add(loaded, start, n)
        assert services.is_working_day(due, district)
        if n:
            assert services.working_days_between(start, due, district) == n
        assert services.working_day_deadline(start, n, district) == services.end_of_day(due)


aware_datetimes = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2060, 1, 1),
    timezones=st.timezones(),
)


@given(aware_datetimes, st.floats(min_value=0, max_value=24 * 366, allow_nan=False))
@settings(max_examples=300, deadline=None)
def test_add_calendar_hours_preserves_the_utc_difference(start, hours):  # type: ignore[no-untyped-def]
    due = services.add_calendar_hours(start, hours)
    assert due.tzinfo is services.TAIPEI
    assert due - start == dt.timedelta(hours=hours)
    assert due.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=hours)


# --- ROC dates -----------------------------------------------------------------------------------

roc_era = st.dates(min_value=dt.date(1912, 1, 1), max_value=dt.date(2100, 12, 31))


@given(roc_era)
@settings(max_examples=500)
def test_roc_format_parse_round_trips(day):  # type: ignore[no-untyped-def]
    assert parse_roc(format_roc(day)) == day
    assert parse_roc(format_roc(day, "short")) == day
    roc = day.year - 1911
    assert parse_roc(f"{roc:03d}{day.month:02d}{day.day:02d}") == day
    assert parse_roc(f"中華民國 {roc} 年 {day.month} 月 {day.day} 日") == day
    assert parse_roc(day.isoformat()) == day
    for language in ("zh-hant", "en"):
        with translation.override(language):
            assert parse_roc(format_for_language(day, "short")) == day


@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=30))
def test_parse_roc_rejects_text_without_digits(text):  # type: ignore[no-untyped-def]
    with pytest.raises(RocDateError):
        parse_roc(text)


@given(st.text(max_size=20) | st.from_regex(r"\A\d{1,4}[/.\-]\d{1,3}[/.\-]\d{1,3}\Z"))
def test_parse_roc_returns_a_date_or_a_roc_date_error(text):  # type: ignore[no-untyped-def]
    try:
        result = parse_roc(text)
    except RocDateError as exc:
        assert str(exc)
    else:
        assert isinstance(result, dt.date)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "abc",
        "112/13/01",
        "112/02/30",
        "0/01/01",
        "2023-02-29",
        "1121340",
        "民國年月日",
        "12345678",
    ],
)
def test_parse_roc_rejects_known_garbage(garbage: str) -> None:
    with pytest.raises(RocDateError):
        parse_roc(garbage)
