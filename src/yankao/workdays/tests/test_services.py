"""Known years, declared closures, time zones and the errors of workdays.services."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.test import override_settings
from django.utils import translation

from yankao.workdays import services
from yankao.workdays.models import DeclaredDay, DeclaredDayKind
from yankao.workdays.services import (
    TAIPEI,
    CalendarRangeError,
    Declaration,
    NaiveDatetimeError,
    UnknownDistrictError,
    WorkdaysError,
    WorkingCalendar,
    add_calendar_hours,
    add_working_days,
    holidays_between,
    is_working_day,
    next_working_day,
    working_day_deadline,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date
UTC = dt.UTC


# --- The national calendar ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 2, 7), True),  # Wednesday before the break
        (D(2024, 2, 8), False),  # bridge day, made up on 02-17
        (D(2024, 2, 9), False),  # 除夕
        (D(2024, 2, 10), False),
        (D(2024, 2, 11), False),
        (D(2024, 2, 12), False),
        (D(2024, 2, 13), False),  # 補假
        (D(2024, 2, 14), False),  # 補假
        (D(2024, 2, 15), True),
        (D(2024, 2, 17), True),  # make-up Saturday 補班
        (D(2024, 2, 18), False),  # ordinary Sunday
        (D(2024, 2, 24), False),  # ordinary Saturday
        (D(2024, 2, 28), False),  # 和平紀念日
    ],
)
def test_lunar_new_year_2024(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 2, 7), 1, D(2024, 2, 15)),
        (D(2024, 2, 7), 2, D(2024, 2, 16)),
        (D(2024, 2, 7), 3, D(2024, 2, 17)),  # the make-up Saturday counts
        (D(2024, 2, 7), 4, D(2024, 2, 19)),
        (D(2024, 2, 7), 6, D(2024, 2, 21)),
        (D(2024, 2, 8), 1, D(2024, 2, 15)),  # start on a day off
        (D(2024, 2, 16), 1, D(2024, 2, 17)),
        (D(2024, 2, 17), 1, D(2024, 2, 19)),
        (D(2024, 2, 7), 0, D(2024, 2, 7)),  # n = 0 on a working day: that day
        (D(2024, 2, 10), 0, D(2024, 2, 15)),  # n = 0 on a day off: the next working day
        (D(2023, 12, 29), 1, D(2024, 1, 2)),  # across the year end and 元旦
    ],
)
def test_add_working_days_table(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected
    if n:
        assert working_days_between(start, expected) == n


MAKEUP_2023 = [
    D(2023, 1, 7),
    D(2023, 2, 4),
    D(2023, 2, 18),
    D(2023, 3, 25),
    D(2023, 6, 17),
    D(2023, 9, 23),
]


def test_2023_make_up_saturdays_are_working_days() -> None:
    for day in MAKEUP_2023:
        assert day.weekday() == 5
        assert is_working_day(day), day
    # Ordinary Saturdays around them stay off.
    for day in (D(2023, 1, 14), D(2023, 2, 11), D(2023, 3, 18), D(2023, 9, 30)):
        assert not is_working_day(day), day
    listed = [d for d in holidays_between(D(2023, 1, 1), D(2023, 12, 31)) if d.is_makeup_workday]
    assert [d.date for d in listed] == MAKEUP_2023
    assert all(d.status == "makeup" and d.is_working_day for d in listed)
    # 2023-01-20 (Friday, bridge day made up on 01-07) is off.
    assert not is_working_day(D(2023, 1, 20))


def test_holidays_between_names_and_languages() -> None:
    days = {d.date: d for d in holidays_between(D(2024, 2, 1), D(2024, 2, 29))}
    assert D(2024, 2, 3) not in days  # a plain Saturday is not listed
    assert days[D(2024, 2, 9)].holiday_name_zh == "農曆除夕"
    assert days[D(2024, 2, 17)].is_makeup_workday and days[D(2024, 2, 17)].is_working_day
    with translation.override("zh-hant"):
        assert days[D(2024, 2, 28)].name == "和平紀念日"
    with translation.override("en"):
        assert days[D(2024, 2, 28)].name == "Peace Memorial Day"
        assert days[D(2024, 2, 17)].name == "Make-up workday"
    assert holidays_between(D(2024, 3, 1), D(2024, 2, 1)) == []


def test_next_working_day_and_deadline_at_end_of_taiwan_day() -> None:
    assert next_working_day(D(2024, 2, 7)) == D(2024, 2, 15)
    deadline = working_day_deadline(D(2024, 2, 7), 6)
    assert deadline == dt.datetime(2024, 2, 21, 23, 59, 59, 999999, tzinfo=TAIPEI)
    assert deadline.astimezone(UTC) == dt.datetime(2024, 2, 21, 15, 59, 59, 999999, tzinfo=UTC)


def test_working_days_between_counts_after_start_and_is_antisymmetric() -> None:
    assert working_days_between(D(2024, 2, 7), D(2024, 2, 7)) == 0
    assert working_days_between(D(2024, 2, 7), D(2024, 2, 14)) == 0  # the whole break
    assert working_days_between(D(2024, 2, 7), D(2024, 2, 21)) == 6
    assert working_days_between(D(2024, 2, 21), D(2024, 2, 7)) == -6
    # 2024 has 251 working days in the office calendar (366 days, 115 off).
    assert working_days_between(D(2023, 12, 31), D(2024, 12, 31)) == 251


# --- Time zones --------------------------------------------------------------------------------


def test_aware_datetimes_count_by_their_taiwan_date() -> None:
    # 15:59 UTC is 23:59 in Taipei, still 02-16; 16:30 UTC is already 02-17 (the make-up day).
    late_friday = dt.datetime(2024, 2, 16, 15, 59, tzinfo=UTC)
    saturday = dt.datetime(2024, 2, 16, 16, 30, tzinfo=UTC)
    assert add_working_days(late_friday, 1) == D(2024, 2, 17)
    assert add_working_days(saturday, 1) == D(2024, 2, 19)
    assert is_working_day(saturday)
    assert working_days_between(late_friday, saturday) == 1


def test_naive_datetimes_are_refused() -> None:
    naive = dt.datetime(2024, 2, 16, 9, 0)
    for call in (
        lambda: add_working_days(naive, 1),
        lambda: is_working_day(naive),
        lambda: working_days_between(naive, D(2024, 3, 1)),
        lambda: add_calendar_hours(naive, 4),
    ):
        with pytest.raises(NaiveDatetimeError):
            call()


def test_add_calendar_hours_runs_day_and_night() -> None:
    start = dt.datetime(2024, 2, 9, 22, 0, tzinfo=TAIPEI)  # 除夕 evening
    due = add_calendar_hours(start, 5)
    assert due == dt.datetime(2024, 2, 10, 3, 0, tzinfo=TAIPEI)
    assert due.tzinfo == TAIPEI
    from_utc = add_calendar_hours(dt.datetime(2024, 2, 9, 14, 0, tzinfo=UTC), 1.5)
    assert from_utc.isoformat() == "2024-02-09T23:30:00+08:00"
    # Exact across an offset change: 2024-03-10 02:00 in New York skips an hour.
    new_york = dt.datetime(2024, 3, 10, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert add_calendar_hours(new_york, 2) - new_york == dt.timedelta(hours=2)
    for bad in (-1, math.nan, math.inf):
        with pytest.raises(WorkdaysError):
            add_calendar_hours(start, bad)


# --- Range and input errors --------------------------------------------------------------------


def test_dates_outside_the_calendar_raise_instead_of_guessing() -> None:
    with pytest.raises(CalendarRangeError) as caught:
        add_working_days(D(2013, 12, 31), 1)
    assert caught.value.day == D(2013, 12, 31)
    with pytest.raises(CalendarRangeError):
        is_working_day(D(2028, 1, 3))
    with pytest.raises(CalendarRangeError):
        working_days_between(D(2024, 1, 1), D(2028, 1, 1))
    with translation.override("en"), pytest.raises(CalendarRangeError) as past_end:
        add_working_days(D(2027, 12, 28), 5)  # would land in 2028
    assert past_end.value.day is None
    assert "2027-12-31" in str(past_end.value)
    # The last working day of 2027 is still reachable; 12-31 is already off (元旦 observed), so
    # one more working day would need the 2028 calendar.
    assert add_working_days(D(2027, 12, 28), 2) == D(2027, 12, 30)
    with pytest.raises(CalendarRangeError):
        add_working_days(D(2027, 12, 28), 3)
    with translation.override("zh-hant"), pytest.raises(CalendarRangeError) as zh:
        is_working_day(D(2010, 5, 3))
    assert "民國99年5月3日" in str(zh.value)


def test_bad_counts_and_districts() -> None:
    with pytest.raises(WorkdaysError):
        add_working_days(D(2024, 2, 7), -1)
    with pytest.raises(TypeError):
        add_working_days(D(2024, 2, 7), 1.5)  # type: ignore[arg-type]
    with pytest.raises(UnknownDistrictError):
        add_working_days(D(2024, 2, 7), 1, "台北市")
    assert add_working_days(D(2024, 2, 7), 1, "") == D(2024, 2, 15)  # empty = whole city


@override_settings(YANKAO_CALENDAR_FIRST_YEAR=2020, YANKAO_CALENDAR_LAST_YEAR=2024)
def test_the_covered_years_follow_the_settings() -> None:
    assert services.calendar_bounds() == (D(2020, 1, 1), D(2024, 12, 31))
    with pytest.raises(CalendarRangeError):
        is_working_day(D(2025, 1, 2))
    assert add_working_days(D(2024, 12, 30), 1) == D(2024, 12, 31)


def test_the_settings_override_above_was_undone() -> None:
    assert services.calendar_bounds() == (D(2014, 1, 1), D(2027, 12, 31))


# --- Declared days ----------------------------------------------------------------------------


def test_city_closure_moves_every_deadline(gaemi: list[DeclaredDay]) -> None:
    assert not is_working_day(D(2024, 7, 24))
    assert add_working_days(D(2024, 7, 23), 1) == D(2024, 7, 26)
    assert working_days_between(D(2024, 7, 23), D(2024, 7, 26)) == 1
    for district in ("鳳山區", "那瑪夏區"):
        assert not is_working_day(D(2024, 7, 24), district)


def test_district_closure_moves_only_that_districts_deadline(gaemi: list[DeclaredDay]) -> None:
    start = D(2024, 7, 23)
    assert add_working_days(start, 1, "那瑪夏區") == D(2024, 7, 29)
    assert add_working_days(start, 1, "鳳山區") == D(2024, 7, 26)
    assert add_working_days(start, 1) == D(2024, 7, 26)
    assert working_day_deadline(start, 3, "那瑪夏區").date() == D(2024, 7, 31)
    assert working_day_deadline(start, 3, "鳳山區").date() == D(2024, 7, 30)
    days = {d.date: d for d in holidays_between(D(2024, 7, 22), D(2024, 7, 28), "那瑪夏區")}
    assert days[D(2024, 7, 26)].status == "closure"
    assert days[D(2024, 7, 26)].name == "凱米颱風災後停止上班"
    assert days[D(2024, 7, 24)].declared_district == ""
    city = {d.date for d in holidays_between(D(2024, 7, 22), D(2024, 7, 28))}
    assert city == {D(2024, 7, 24), D(2024, 7, 25)}


def test_a_district_can_stay_open_on_a_city_closure_day(gaemi: list[DeclaredDay]) -> None:
    DeclaredDay.objects.create(
        date=D(2024, 7, 25), district="旗津區", kind=DeclaredDayKind.WORKDAY, reason="照常上班"
    )
    # The district row is older than the city row here, so query order cannot decide.
    DeclaredDay.objects.create(
        date=D(2024, 8, 1), district="旗津區", kind=DeclaredDayKind.WORKDAY, reason="照常上班"
    )
    DeclaredDay.objects.create(date=D(2024, 8, 1), kind=DeclaredDayKind.CLOSURE, reason="停班")
    assert is_working_day(D(2024, 8, 1), "旗津區")
    assert not is_working_day(D(2024, 8, 1))
    assert is_working_day(D(2024, 7, 25), "旗津區")
    assert not is_working_day(D(2024, 7, 25), "鳳山區")
    assert add_working_days(D(2024, 7, 23), 1, "旗津區") == D(2024, 7, 25)


def test_an_extra_working_day_on_a_saturday_counts() -> None:
    DeclaredDay.objects.create(date=D(2024, 7, 27), kind=DeclaredDayKind.WORKDAY, reason="補行上班")
    assert is_working_day(D(2024, 7, 27))
    assert add_working_days(D(2024, 7, 26), 1) == D(2024, 7, 27)
    assert working_days_between(D(2024, 7, 26), D(2024, 7, 29)) == 2


def test_one_query_per_call(gaemi: list[DeclaredDay], django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        add_working_days(D(2024, 7, 1), 30, "那瑪夏區")
    with django_assert_num_queries(1):
        working_days_between(D(2014, 1, 1), D(2027, 12, 31))
    with django_assert_num_queries(1):
        holidays_between(D(2024, 1, 1), D(2024, 12, 31))
    calendar = services.load_calendar("那瑪夏區")
    with django_assert_num_queries(0):
        assert calendar.add_working_days(D(2024, 7, 23), 1) == D(2024, 7, 29)
        assert calendar.working_days_between(D(2024, 7, 23), D(2024, 7, 29)) == 1
        assert not calendar.is_working_day(D(2024, 7, 26))


def test_a_long_closure_beyond_the_first_query_is_still_counted(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    # Thirty working days closed in a row: more than the first query looks ahead.
    closed = [
        d for d in (D(2024, 9, 2) + dt.timedelta(days=i) for i in range(60)) if is_working_day(d)
    ][:30]
    DeclaredDay.objects.bulk_create(
        DeclaredDay(date=d, kind=DeclaredDayKind.CLOSURE, reason="長期停止上班") for d in closed
    )
    expected = services.load_calendar().add_working_days(D(2024, 8, 30), 2)
    assert expected == add_working_days(closed[-1], 2)
    with django_assert_num_queries(2):
        assert add_working_days(D(2024, 8, 30), 2) == expected


def test_working_calendar_refuses_dates_outside_its_loaded_span() -> None:
    calendar = services.load_calendar(start=D(2024, 1, 1), end=D(2024, 1, 31))
    assert calendar.add_working_days(D(2024, 1, 2), 3) == D(2024, 1, 5)
    with pytest.raises(LookupError):
        calendar.is_working_day(D(2024, 2, 1))
    with pytest.raises(LookupError):
        calendar.add_working_days(D(2024, 1, 30), 5)


def test_working_calendar_from_declarations_without_the_database() -> None:
    rows = [
        Declaration(D(2024, 7, 24), DeclaredDayKind.CLOSURE),
        Declaration(D(2024, 7, 24), DeclaredDayKind.WORKDAY, "旗津區"),
        Declaration(D(2024, 7, 25), DeclaredDayKind.CLOSURE, "鳳山區"),  # another district
    ]
    for ordered in (rows, rows[::-1]):  # the district's row wins whatever the order
        calendar = WorkingCalendar(ordered, district="旗津區")
        assert calendar.is_working_day(D(2024, 7, 24))
        assert calendar.is_working_day(D(2024, 7, 25))
    city = WorkingCalendar([Declaration(D(2024, 7, 24), DeclaredDayKind.CLOSURE)])
    assert not city.is_working_day(D(2024, 7, 24))
