"""The annual-report sentences, checked against generated cases.

The expected Chinese sentences are written out here from the generated counts (not taken from
gettext): they are the report's wording for the mayor in every UI language.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation

from yankao.cases.models import CaseType, Channel
from yankao.cases.reports.sentences import (
    annual_sentence,
    format_year_sentence,
    month_sentence,
    year_to_date_sentence,
)
from yankao.cases.reports.stats import monthly_report

from .conftest import at

pytestmark = pytest.mark.django_db


def half_up(value: Decimal, places: str = "1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def test_the_annual_report_example():
    assert (
        format_year_sentence(2023, 202_880, 112_385)
        == "112年共處理民眾陳情案202,880件及派工案件112,385件，平均每月9,365件"
    )


def test_annual_sentence_from_generated_cases(agencies, make_case, consultation):
    rng = random.Random(112)
    road, epb = agencies["road"], agencies["epb"]
    petitions = dispatch = 0
    for _ in range(40):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365))
        make_case(rng.choice([road, epb]), received_at=at(day.year, day.month, day.day))
        petitions += 1
    for _ in range(30):  # 30 / 12 = 2.5: rounds half up to 3, not to the even 2
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365))
        make_case(road, received_at=at(day.year, day.month, day.day), case_type=CaseType.DISPATCH)
        dispatch += 1
    consultation(at(2023, 6, 1))  # neither petition nor dispatch
    make_case(road, received_at=at(2022, 12, 31, 23, 59))  # the year before, in Taiwan time
    make_case(road, received_at=at(2024, 1, 1, 0, 0))  # the year after

    average = half_up(Decimal(dispatch) / 12)
    expected = f"112年共處理民眾陳情案{petitions:,}件及派工案件{dispatch:,}件，平均每月{average}件"
    assert average == 3
    assert annual_sentence(2023) == expected
    # The December report's year to date is the same year.
    with translation.override("en"):
        assert year_to_date_sentence(monthly_report(2023, 12)) == expected
    # Scoped to one agency: only its cases.
    epb_petitions = epb.lead_cases.filter(
        received_at__year=2023, case_type=CaseType.PETITION
    ).count()
    assert annual_sentence(2023, agency_ids={epb.pk}) == (
        f"112年共處理民眾陳情案{epb_petitions:,}件及派工案件0件，平均每月0件"
    )


def test_month_and_part_year_sentences(agencies, make_case, consultation):
    road = agencies["road"]
    # March 2024: 3 petitions (2 closed: 1 on time), 2 dispatch (both closed on time).
    make_case(
        road, received_at=at(2024, 3, 4), deadline_at=at(2024, 3, 12), closed_at=at(2024, 3, 8)
    )
    make_case(
        road, received_at=at(2024, 3, 5), deadline_at=at(2024, 3, 6), closed_at=at(2024, 3, 11)
    )
    make_case(road, received_at=at(2024, 3, 6))
    for day in (7, 8):
        make_case(
            road,
            received_at=at(2024, 3, day, 9),
            case_type=CaseType.DISPATCH,
            deadline_at=at(2024, 3, day, 13),
            closed_at=at(2024, 3, day, 12),
        )
    consultation(at(2024, 3, 9), Channel.HOTLINE)  # closed, but not in the sentence
    for month in (1, 2):
        make_case(road, received_at=at(2024, month, 10), case_type=CaseType.DISPATCH)

    report = monthly_report(2024, 3)
    # Working days: 3/4→3/8 is 4, 3/5→3/11 is 4, dispatch closed the same day 0 and 0.
    rate = half_up(Decimal(3) / Decimal(4) * 100, "0.1")
    days = half_up(Decimal(8) / Decimal(4), "0.1")
    assert month_sentence(report) == (
        f"113年3月共處理民眾陳情案3件及派工案件2件，結案4件，如期結案率{rate}%，平均處理{days}個工作天"
    )
    assert year_to_date_sentence(report) == (
        "113年1至3月共處理民眾陳情案3件及派工案件4件，平均每月1件"
    )
    assert (
        month_sentence(monthly_report(2024, 1))
        == "113年1月共處理民眾陳情案0件及派工案件1件，結案0件"
    )
    assert year_to_date_sentence(monthly_report(2024, 1)) == (
        "113年1月共處理民眾陳情案0件及派工案件1件，平均每月1件"
    )
