"""The year-end evaluation's arithmetic: weighted score, grade band, distribution shares.

No database here, so the rules are tested with properties. Scores and totals have two decimals,
rounded half up. Shares of a distribution are rounded to two decimals by the largest-remainder
method, so they always add up to exactly 100.00% (ties go to the better grade, listed first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ImproperlyConfigured

from .models import Grade, Outcome

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
WEIGHT_TOTAL = 100

Bands = Sequence[tuple[str, Decimal]]


def parse_bands(entries: Sequence[str]) -> list[tuple[str, Decimal]]:
    """`["excellent:90", "a:80", "b:70", "c:0"]` → bands, best first, the last starting at 0."""
    bands: list[tuple[str, Decimal]] = []
    for entry in entries:
        grade, _sep, low = entry.partition(":")
        grade = grade.strip()
        if grade not in Grade.values:
            raise ImproperlyConfigured(f"unknown grade {grade!r} in the evaluation grade bands")
        try:
            lowest = Decimal(low.strip())
        except ArithmeticError as exc:
            raise ImproperlyConfigured(f"grade band {entry!r} needs a number") from exc
        bands.append((grade, lowest))
    check_bands(bands)
    return bands


def check_bands(bands: Bands) -> None:
    lows = [low for _g, low in bands]
    if not bands or lows != sorted(lows, reverse=True) or len(set(lows)) != len(lows):
        raise ImproperlyConfigured("grade bands must go from the best grade down, each lower")
    if lows[-1] != 0 or lows[0] > HUNDRED or len({g for g, _l in bands}) != len(bands):
        raise ImproperlyConfigured("grade bands must cover 0-100 with each grade once")


def parse_outcomes(entries: Sequence[str]) -> dict[str, str]:
    """`["excellent:reward", "c:penalty"]` → {grade: outcome}."""
    outcomes: dict[str, str] = {}
    for entry in entries:
        grade, _sep, outcome = (part.strip() for part in entry.partition(":"))
        if grade not in Grade.values or outcome not in Outcome.values:
            raise ImproperlyConfigured(f"evaluation outcome {entry!r}: use grade:reward|penalty")
        outcomes[grade] = outcome
    return outcomes


def weights_complete(weights: Sequence[int]) -> bool:
    """Every item weighs something and the weights add up to 100."""
    return bool(weights) and all(w > 0 for w in weights) and sum(weights) == WEIGHT_TOTAL


def score_in_range(score: Decimal) -> bool:
    return Decimal(0) <= score <= HUNDRED and score == score.quantize(CENT)


def weighted_total(scores: Mapping[str, Decimal], weights: Mapping[str, int]) -> Decimal:
    """Σ score × weight / 100, two decimals half up; every weighted item must be scored."""
    return (
        sum((scores[code] * weight for code, weight in weights.items()), Decimal(0)) / HUNDRED
    ).quantize(CENT, ROUND_HALF_UP)


def grade_for(total: Decimal, bands: Bands) -> str:
    """The best grade whose lowest score the total reaches (89.99 is 甲等 with 優等 at 90)."""
    for grade, lowest in bands:
        if total >= lowest:
            return grade
    return bands[-1][0]


def shares(counts: Sequence[int]) -> list[Decimal]:
    """Percent shares with two decimals adding up to 100.00 (largest remainder, ties first)."""
    total = sum(counts)
    if total <= 0:
        return [Decimal("0.00") for _c in counts]
    units = 100 * 100  # hundredths of a percent
    floors = [count * units // total for count in counts]
    remainders = [count * units % total for count in counts]
    missing = units - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-remainders[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return [(Decimal(f) / 100).quantize(CENT) for f in floors]
