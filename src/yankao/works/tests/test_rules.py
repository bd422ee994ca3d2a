"""The works-inspection rules as properties: amount tiers, the legal quota, percentages and the
priority grounds (the thresholds come from settings, defaults of 工程施工查核小組作業辦法)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yankao.works import rules

M = 1_000_000
amounts = st.integers(min_value=0, max_value=5_000 * M)
counts = st.integers(min_value=0, max_value=400)
multiples = st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0])


@pytest.mark.parametrize(
    ("budget", "tier", "quota_tier"),
    [
        (0, rules.BELOW, rules.BELOW),
        (1_499_999, rules.BELOW, rules.BELOW),
        (1_500_000, rules.SMALL, rules.SMALL),
        (9_999_999, rules.SMALL, rules.SMALL),
        (10 * M, rules.MEDIUM, rules.MEDIUM),
        (50 * M - 1, rules.MEDIUM, rules.MEDIUM),
        (50 * M, rules.LARGE, rules.LARGE),
        (200 * M - 1, rules.LARGE, rules.LARGE),
        (200 * M, rules.HUGE, rules.LARGE),  # a huge project counts in the ≥ NT$50M tier
    ],
)
def test_tier_boundaries(budget, tier, quota_tier):
    assert rules.tier_of(budget) == tier
    assert rules.quota_tier(budget) == quota_tier


@given(amounts, amounts)
def test_tiers_never_go_down_as_the_budget_grows(a, b):
    order = [rules.BELOW, rules.SMALL, rules.MEDIUM, rules.LARGE]
    low, high = sorted((a, b))
    assert order.index(rules.quota_tier(low)) <= order.index(rules.quota_tier(high))
    assert (rules.tier_of(high) == rules.HUGE) == (high >= 200 * M)
    if rules.tier_of(high) != rules.HUGE:
        assert rules.tier_of(high) == rules.quota_tier(high)


@given(counts, counts, counts, multiples)
def test_quota_properties(large, medium, small, multiple):
    eligible = {rules.LARGE: large, rules.MEDIUM: medium, rules.SMALL: small}
    quota = rules.quota(eligible, multiple)
    floors = {rules.LARGE: 20, rules.MEDIUM: 15, rules.SMALL: 10}
    total = large + medium + small
    for tier, count in eligible.items():
        assert quota.per_tier[tier] == min(count, floors[tier])
    assert quota.overall >= sum(quota.per_tier.values())
    assert quota.overall >= min(total, math.ceil(total * 10 / 100))
    assert quota.overall <= total
    assert quota.target == min(total, math.ceil(quota.overall * multiple))
    assert quota.overall <= quota.target <= total or total == 0


def test_quota_worked_example():
    # 300 eligible tenders: 10% is 30, the tiers need 20 + 15 + 10 = 45, so 45; target 2× = 90.
    quota = rules.quota({rules.LARGE: 40, rules.MEDIUM: 100, rules.SMALL: 160})
    assert quota.per_tier == {rules.LARGE: 20, rules.MEDIUM: 15, rules.SMALL: 10}
    assert (quota.overall, quota.target) == (45, 90)
    # Small tiers are inspected whole; 10% of 1000 beats the tiers' sum.
    few = rules.quota({rules.LARGE: 3, rules.MEDIUM: 0, rules.SMALL: 997})
    assert few.per_tier[rules.LARGE] == 3 and few.overall == 100 and few.target == 200


def test_quota_follows_the_settings(settings):
    settings.YANKAO_WORKS_QUOTA_PERCENT = 50
    settings.YANKAO_WORKS_QUOTA_LARGE = 1
    quota = rules.quota({rules.LARGE: 10, rules.MEDIUM: 0, rules.SMALL: 0}, multiple=3)
    assert quota.per_tier[rules.LARGE] == 1 and quota.overall == 5 and quota.target == 10


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_percent_of(part, whole):
    value = rules.percent_of(part, whole)
    assert value == value.to_integral_value()
    assert abs(value - Decimal(part) * 100 / whole) <= Decimal("0.5")


def test_percent_of_reads_like_the_report():
    assert rules.percent_of(47, 20) == Decimal(235)  # 查核件數為法定查核件數之235%
    assert rules.percent_of(1, 8) == Decimal(13)  # 12.5 rounds half up
    assert rules.percent_of(5, 0) == Decimal(0)


facts = st.builds(
    rules.Facts,
    budget=st.decimals(min_value=1, max_value=10**9, places=0),
    award=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=0)),
    complaints=st.integers(min_value=0, max_value=5),
    media=st.booleans(),
    lag=st.one_of(st.none(), st.decimals(min_value=-50, max_value=100, places=2)),
    change_orders=st.integers(min_value=0, max_value=6),
    change_order_cost=st.decimals(min_value=0, max_value=10**8, places=0),
    last_grade=st.sampled_from(["", "excellent", "a", "b", "c"]),
    last_score=st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    months_without_progress=st.integers(min_value=0, max_value=3),
    mayor_listed=st.booleans(),
)


@given(facts)
def test_priority_grounds_match_each_rule(f):
    grounds = rules.priority_grounds(f)
    assert len(grounds) == len(set(grounds))
    assert (rules.COMPLAINTS in grounds) == (f.complaints > 0)
    assert (rules.MEDIA in grounds) == f.media
    assert (rules.LAGGING in grounds) == (f.lag is not None and f.lag >= 10)
    assert (rules.CHANGE_ORDERS in grounds) == (
        f.change_orders >= 3 or f.change_order_cost * 100 >= f.budget * 10
    )
    assert (rules.LOW_BID in grounds) == (f.award is not None and f.award * 100 < f.budget * 80)
    assert (rules.POOR_RECORD in grounds) == (
        f.last_grade == "c" or (f.last_score is not None and f.last_score < 75)
    )
    assert (rules.NOT_UPDATING in grounds) == (f.months_without_progress > 0)
    assert (rules.MAYOR_LISTED in grounds) == f.mayor_listed
    assert rules.priority(grounds) == sum(rules.PRIORITY_WEIGHTS[g] for g in grounds)


def test_priority_grounds_boundaries():
    base = {"budget": Decimal(100 * M)}
    assert rules.priority_grounds(rules.Facts(**base, lag=Decimal("9.99"))) == []
    assert rules.priority_grounds(rules.Facts(**base, lag=Decimal(10))) == [rules.LAGGING]
    assert rules.priority_grounds(rules.Facts(**base, award=Decimal(80 * M))) == []
    assert rules.priority_grounds(rules.Facts(**base, award=Decimal(80 * M - 1))) == [rules.LOW_BID]
    assert rules.priority_grounds(rules.Facts(**base, last_score=75)) == []
    assert rules.priority_grounds(rules.Facts(**base, last_score=74)) == [rules.POOR_RECORD]
    assert rules.priority_grounds(rules.Facts(**base, change_order_cost=Decimal(10 * M))) == [
        rules.CHANGE_ORDERS
    ]
    assert rules.priority([]) == 0
