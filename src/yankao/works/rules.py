"""The rules of works inspection as pure functions: amount tiers, the legal inspection quota,
scores and grades, the automatic 丙等, committee make-up, priority grounds.

Every number is a setting (see settings.py, 工程施工查核小組作業辦法 defaults); these functions
take them as arguments with the settings as defaults so tests can vary them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings

HUGE = "huge"
LARGE = "large"  # ≥ NT$50M (查核金額)
MEDIUM = "medium"  # NT$10M-50M
SMALL = "small"  # NT$1.5M-10M (公告金額)
BELOW = "below"  # not subject to the quota
QUOTA_TIERS = (LARGE, MEDIUM, SMALL)


def tier_of(budget: Decimal | int) -> str:
    """The amount tier; a huge project is also a large one for the quota (see `quota_tier`)."""
    amount = Decimal(budget)
    if amount >= settings.YANKAO_WORKS_TIER_HUGE:
        return HUGE
    return quota_tier(amount)


def quota_tier(budget: Decimal | int) -> str:
    amount = Decimal(budget)
    if amount >= settings.YANKAO_WORKS_TIER_LARGE:
        return LARGE
    if amount >= settings.YANKAO_WORKS_TIER_MEDIUM:
        return MEDIUM
    if amount >= settings.YANKAO_WORKS_TIER_SMALL:
        return SMALL
    return BELOW


@dataclass(frozen=True)
class Quota:
    """The year's legal minimum number of inspections, overall and per tier, and the target."""

    eligible: Mapping[str, int]  # tenders per tier that count towards the quota
    per_tier: Mapping[str, int]  # minimum inspections per tier
    overall: int  # minimum inspections in all (the larger of the share and the tiers' sum)
    target: int  # the city's own target (a multiple of the minimum)


def quota(eligible: Mapping[str, int], multiple: float | None = None) -> Quota:
    """At least `QUOTA_PERCENT`% of the eligible tenders, and per tier at least its number or
    all of the tier when it has fewer; the overall minimum is never below the tiers' sum."""
    counts = {t: max(0, int(eligible.get(t, 0))) for t in QUOTA_TIERS}
    floors = {
        LARGE: settings.YANKAO_WORKS_QUOTA_LARGE,
        MEDIUM: settings.YANKAO_WORKS_QUOTA_MEDIUM,
        SMALL: settings.YANKAO_WORKS_QUOTA_SMALL,
    }
    per_tier = {t: min(counts[t], floors[t]) for t in QUOTA_TIERS}
    total = sum(counts.values())
    share = math.ceil(total * settings.YANKAO_WORKS_QUOTA_PERCENT / 100)
    overall = min(total, max(share, sum(per_tier.values())))
    multiple = settings.YANKAO_WORKS_TARGET_MULTIPLE if multiple is None else multiple
    target = min(total, math.ceil(overall * multiple))
    return Quota(counts, per_tier, overall, target)


def percent_of(part: int, whole: int) -> Decimal:
    """Half-up percentage with no decimals, as the reports write it (法定查核件數之235%)."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP)


# --- Scores and grades -----------------------------------------------------------------------


def final_score(scores: Sequence[int]) -> int:
    """The mean of the members' scores, rounded half up to an integer (88.5 → 89)."""
    if not scores:
        raise ValueError("no scores")
    mean = Decimal(sum(scores)) / Decimal(len(scores))
    return int(mean.quantize(Decimal(1), ROUND_HALF_UP))


def grade_bands(values: Iterable[str] | None = None) -> list[tuple[str, int]]:
    """(grade, lowest score) best first, from settings such as "excellent:90"."""
    bands = []
    for item in values if values is not None else settings.YANKAO_WORKS_GRADE_BANDS:
        grade, _sep, lowest = item.partition(":")
        bands.append((grade.strip(), int(lowest)))
    return sorted(bands, key=lambda b: -b[1])


def grade_of(score: int, bands: Sequence[tuple[str, int]] | None = None) -> str:
    for grade, lowest in bands if bands is not None else grade_bands():
        if score >= lowest:
            return grade
    raise ValueError(f"no grade for {score}")


@dataclass(frozen=True)
class Triggers:
    """Findings that make an inspection 丙等 whatever the members scored."""

    concrete_core_failed: bool = False
    asphalt_core_failed: bool = False
    compaction_failed: bool = False
    structural_deviation: bool = False
    serious_safety_defect: bool = False

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def judged(scores: Sequence[int], triggers: Triggers) -> tuple[int, str]:
    """Final score and grade: the mean, unless a trigger forces the automatic 丙等 score."""
    score = final_score(scores)
    automatic = settings.YANKAO_WORKS_AUTOMATIC_C_SCORE
    if triggers.any:
        score = min(score, automatic)
        return score, grade_of(min(score, automatic))
    return score, grade_of(score)


def external_share() -> Fraction:
    return Fraction(settings.YANKAO_WORKS_EXTERNAL_SHARE)


def enough_external(members: int, external: int) -> bool:
    """At least one third (the setting) of the inspecting members are external experts."""
    return members > 0 and Fraction(external, members) >= external_share()


# --- Priority grounds --------------------------------------------------------------------------

COMPLAINTS = "complaints"
MEDIA = "media"
LAGGING = "lagging"
CHANGE_ORDERS = "change_orders"
LOW_BID = "low_bid"
POOR_RECORD = "poor_record"
NOT_UPDATING = "not_updating"
MAYOR_LISTED = "mayor_listed"
PRIORITY_WEIGHTS = {  # order of the grounds in the law's list; weights rank the candidates
    COMPLAINTS: 8,
    MEDIA: 7,
    LAGGING: 6,
    CHANGE_ORDERS: 5,
    LOW_BID: 4,
    POOR_RECORD: 6,
    NOT_UPDATING: 3,
    MAYOR_LISTED: 5,
}


@dataclass(frozen=True)
class Facts:
    """What is known about a candidate project when ranking it."""

    budget: Decimal
    award: Decimal | None = None
    complaints: int = 0
    media: bool = False
    lag: Decimal | None = None  # planned − actual, percentage points
    change_orders: int = 0
    change_order_cost: Decimal = Decimal(0)
    last_grade: str = ""
    last_score: int | None = None
    months_without_progress: int = 0
    mayor_listed: bool = False


def priority_grounds(facts: Facts) -> list[str]:
    grounds = []
    if facts.complaints:
        grounds.append(COMPLAINTS)
    if facts.media:
        grounds.append(MEDIA)
    if facts.lag is not None and facts.lag >= settings.YANKAO_WORKS_LAG_POINTS:
        grounds.append(LAGGING)
    if facts.change_orders >= settings.YANKAO_WORKS_CHANGE_ORDERS or (
        facts.budget
        and facts.change_order_cost * 100
        >= facts.budget * settings.YANKAO_WORKS_CHANGE_ORDER_PERCENT
    ):
        grounds.append(CHANGE_ORDERS)
    if (
        facts.award is not None
        and facts.budget
        and (facts.award * 100 < facts.budget * settings.YANKAO_WORKS_LOW_BID_PERCENT)
    ):
        grounds.append(LOW_BID)
    if facts.last_grade == "c" or (
        facts.last_score is not None and facts.last_score < settings.YANKAO_WORKS_LOW_SCORE
    ):
        grounds.append(POOR_RECORD)
    if facts.months_without_progress > 0:
        grounds.append(NOT_UPDATING)
    if facts.mayor_listed:
        grounds.append(MAYOR_LISTED)
    return grounds


def priority(grounds: Iterable[str]) -> int:
    return sum(PRIORITY_WEIGHTS[g] for g in grounds)
