"""The year-end evaluation's arithmetic: weighted total, grade bands, shares adding to 100.00."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from yankao.plans import evaluation_rules as rules

BANDS = rules.parse_bands(["excellent:90", "a:80", "b:70", "c:0"])
score = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def weights(draw: st.DrawFn) -> list[int]:
    """Between 1 and 8 positive whole weights adding up to 100."""
    n = draw(st.integers(1, 8))
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=n - 1, max_size=n - 1)))
    edges = [0, *cuts, 100]
    return [b - a for a, b in pairwise(edges)]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.99", "a"),
        ("80", "a"),
        ("79.99", "b"),
        ("70", "b"),
        ("69.99", "c"),
        ("0", "c"),
    ],
)
def test_default_grade_bands(total, grade):
    assert rules.grade_for(Decimal(total), BANDS) == grade


@given(score)
def test_every_total_gets_exactly_the_band_it_reaches(total):
    grade = rules.grade_for(total, BANDS)
    lows = dict(BANDS)
    assert total >= lows[grade]
    better = [g for g, low in BANDS if low > lows[grade]]
    assert all(total < lows[g] for g in better)


@given(weights(), st.data())
def test_weighted_total_lies_between_the_lowest_and_highest_item(item_weights, data):
    codes = [f"i{n}" for n in range(len(item_weights))]
    scores = {c: data.draw(score) for c in codes}
    total = rules.weighted_total(scores, dict(zip(codes, item_weights, strict=True)))
    assert (
        min(scores.values()) - Decimal("0.005") <= total <= max(scores.values()) + Decimal("0.005")
    )
    exact = sum(scores[c] * w for c, w in zip(codes, item_weights, strict=True)) / 100
    assert abs(total - exact) <= Decimal("0.005") and total == total.quantize(Decimal("0.01"))


@given(weights(), score)
def test_same_score_everywhere_is_that_score(item_weights, value):
    codes = [f"i{n}" for n in range(len(item_weights))]
    total = rules.weighted_total(
        dict.fromkeys(codes, value), dict(zip(codes, item_weights, strict=True))
    )
    assert total == value


@given(weights())
def test_generated_weights_are_complete(item_weights):
    assert rules.weights_complete(item_weights)


def test_incomplete_weights():
    assert not rules.weights_complete([30, 20, 20, 10, 10])  # 90
    assert not rules.weights_complete([50, 50, 0])
    assert not rules.weights_complete([])
    assert not rules.weights_complete([110, -10])


@given(st.lists(st.integers(0, 500), min_size=1, max_size=6).filter(lambda c: sum(c) > 0))
def test_shares_add_up_to_exactly_100_and_stay_within_a_hundredth(counts):
    shares = rules.shares(counts)
    assert sum(shares) == Decimal("100.00")
    for count, share in zip(counts, shares, strict=True):
        exact = Decimal(count) * 100 / sum(counts)
        assert abs(share - exact) < Decimal("0.01")
        assert share == share.quantize(Decimal("0.01"))
        assert (count == 0) == (share == 0)


def test_the_commissions_sentence_example():
    # 甲等：21案，佔20.19%；乙等：83案，佔79.81% (104 plans)
    assert rules.shares([0, 21, 83, 0]) == [
        Decimal("0.00"),
        Decimal("20.19"),
        Decimal("79.81"),
        Decimal("0.00"),
    ]
    # Three equal thirds: half-up would give 99.99; the first grade takes the missing cent.
    assert rules.shares([1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert rules.shares([0, 0]) == [Decimal("0.00"), Decimal("0.00")]


@pytest.mark.parametrize("value", ["100", "0", "85.5", "85.55"])
def test_scores_in_range(value):
    assert rules.score_in_range(Decimal(value))


@pytest.mark.parametrize("value", ["100.01", "-0.01", "85.555"])
def test_scores_out_of_range(value):
    assert not rules.score_in_range(Decimal(value))


@pytest.mark.parametrize(
    "entries",
    [
        ["excellent:90", "a:95", "c:0"],  # not descending
        ["excellent:90", "a:80"],  # does not reach 0
        ["best:90", "c:0"],  # unknown grade
        ["excellent:x", "c:0"],
        ["excellent:90", "excellent:0"],
    ],
)
def test_bad_grade_band_settings_are_refused(entries):
    with pytest.raises(ImproperlyConfigured):
        rules.parse_bands(entries)


def test_outcome_settings():
    assert rules.parse_outcomes(["excellent:reward", "c:penalty"]) == {
        "excellent": "reward",
        "c": "penalty",
    }
    with pytest.raises(ImproperlyConfigured):
        rules.parse_outcomes(["a:medal"])
