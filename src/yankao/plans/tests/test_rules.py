"""The plan-control rules: status from progress, spending rate, early warning, months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yankao.plans import rules
from yankao.plans.models import ProgressStatus

percent = st.decimals(min_value=0, max_value=100, places=2)


@pytest.mark.parametrize(
    ("planned", "actual", "status"),
    [
        ("50", "50.01", ProgressStatus.AHEAD),
        ("50", "50", ProgressStatus.ON_SCHEDULE),
        ("50", "45.01", ProgressStatus.ON_SCHEDULE),  # lag 4.99: below 5 points
        ("50", "45", ProgressStatus.BEHIND),  # lag exactly 5 points
        ("100", "0", ProgressStatus.BEHIND),
        ("0", "0", ProgressStatus.ON_SCHEDULE),
    ],
)
def test_status_table(planned, actual, status):
    assert rules.progress_status(Decimal(planned), Decimal(actual)) == status


@given(percent, percent)
def test_status_follows_the_lag(planned, actual):
    status = rules.progress_status(planned, actual)
    lag = planned - actual
    assert (status == ProgressStatus.AHEAD) == (lag < 0)
    assert (status == ProgressStatus.BEHIND) == (lag >= 5)


def test_threshold_is_a_setting(settings):
    settings.YANKAO_PLAN_BEHIND_POINTS = 10
    assert rules.progress_status(Decimal(50), Decimal(42)) == ProgressStatus.ON_SCHEDULE
    assert rules.progress_status(Decimal(50), Decimal(40)) == ProgressStatus.BEHIND


@given(
    st.decimals(min_value=0, max_value=10**9, places=0),
    st.decimals(min_value=1, max_value=10**9, places=0),
)
def test_execution_rate_is_the_ratio_in_percent(actual, planned):
    rate = rules.execution_rate(actual, planned)
    assert rate is not None
    assert abs(rate - actual * 100 / planned) <= Decimal("0.005")


def test_no_rate_before_any_planned_spending():
    assert rules.execution_rate(Decimal(100), Decimal(0)) is None
    assert rules.execution_rate(Decimal(100), None) is None
    assert not rules.spending_warning(None)


def test_cause_needed_when_behind_or_spending_below_ninety_percent():
    assert rules.needs_lag_cause(ProgressStatus.BEHIND, Decimal(100))
    assert rules.needs_lag_cause(ProgressStatus.ON_SCHEDULE, Decimal("89.99"))
    assert not rules.needs_lag_cause(ProgressStatus.ON_SCHEDULE, Decimal(90))
    assert not rules.needs_lag_cause(ProgressStatus.AHEAD, None)


@given(st.integers(0, 500), st.integers(1, 500))
def test_percent_of_rounds_half_up_to_two_places(part, whole):
    part = min(part, whole)
    share = rules.percent_of(part, whole)
    assert share == share.quantize(Decimal("0.01"))
    assert abs(share - Decimal(part) * 100 / whole) <= Decimal("0.005")


def test_report_sentence_shares():
    # 1 + 96 + 117 = 214 plans: the commission's own example (占0.47%、44.86%、54.67%).
    assert [rules.percent_of(n, 214) for n in (1, 96, 117)] == [
        Decimal("0.47"),
        Decimal("44.86"),
        Decimal("54.67"),
    ]


@given(st.lists(percent, min_size=1, max_size=8), st.integers(0, 11))
def test_forecast_never_goes_down_or_past_100(actuals, months_left):
    actuals = sorted(actuals)  # cumulative
    f = rules.forecast(
        actuals,
        planned_next=Decimal(100),
        planned_year_end=Decimal(100),
        months_to_year_end=months_left,
    )
    assert actuals[-1] <= f.next_month <= 100
    assert actuals[-1] <= f.year_end <= 100
    assert f.slope >= 0


def test_forecast_flags_a_plan_about_to_fall_behind():
    slow = [Decimal(10), Decimal(12), Decimal(14)]  # 2 points a month
    f = rules.forecast(
        slow, planned_next=Decimal(25), planned_year_end=Decimal(100), months_to_year_end=6
    )
    assert f.next_month == Decimal(16) and f.behind_next_month
    assert f.year_end == Decimal(26) and f.misses_year_end
    fine = rules.forecast(
        [Decimal(10), Decimal(20), Decimal(30)],
        planned_next=Decimal(40),
        planned_year_end=Decimal(90),
        months_to_year_end=6,
    )
    assert not fine.behind_next_month and not fine.misses_year_end and fine.year_end == 90


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(-30, 30)
)
def test_add_months_lands_on_a_first(day, n):
    month = rules.add_months(rules.first_of_month(day), n)
    assert month.day == 1
    assert (month.year * 12 + month.month) - (day.year * 12 + day.month) == n


def test_report_deadline_is_the_sixth_of_the_next_month():
    assert rules.report_deadline(dt.date(2026, 12, 1)) == dt.date(2027, 1, 6)
    assert rules.report_deadline(dt.date(2026, 3, 15)) == dt.date(2026, 4, 6)
