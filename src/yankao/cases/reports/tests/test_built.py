"""Month sums (ADR 0006): a finished month's report from the sums equals the live report."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from yankao.cases import services
from yankao.cases.models import (
    CaseEvent,
    CaseMonthBuild,
    CaseMonthFigures,
    CaseStatus,
    CaseType,
    Channel,
    Extension,
    ExtensionStatus,
    SurveyResponse,
)
from yankao.cases.reports import built
from yankao.cases.reports.stats import Period, monthly_report

from .conftest import at

pytestmark = pytest.mark.django_db


def random_year(seed, agencies, categories, people, make_case, consultation) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    owners = [agencies["road"], agencies["epb"], agencies["pwb"], None]
    leaves = [categories["pothole"], categories["sidewalk"], categories["noise"]]
    for _ in range(140):
        received = at(2025, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23))
        if rng.random() < 0.2:
            consultation(received, channel=rng.choice([Channel.HOTLINE, Channel.APP]))
            continue
        category = rng.choice(leaves)
        deadline = received + dt.timedelta(days=rng.randint(1, 20))
        closed = received + dt.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 20))
        fate = rng.random()
        case = make_case(
            rng.choice(owners),
            received_at=received,
            deadline_at=deadline,
            closed_at=closed if fate < 0.7 else (closed if fate < 0.8 else None),
            status=None if fate < 0.7 else (CaseStatus.REPLIED if fate < 0.8 else None),
            case_type=category.case_type,
            channel=rng.choice(list(Channel.values)),
            category=category,
        )
        if case.lead_agency and rng.random() < 0.2:
            requested = received + dt.timedelta(days=rng.randint(1, 40))
            Extension.objects.create(
                case=case,
                agency=case.lead_agency,
                requested_by=people["road_officer"],
                requested_at=requested,
                extra_working_days=3,
                reason="需會勘",
                status=rng.choice(list(ExtensionStatus.values)),
                old_deadline_at=deadline,
                decided_at=requested + dt.timedelta(days=rng.randint(0, 20)),
            )
        if case.lead_agency and rng.random() < 0.1:
            CaseEvent.objects.create(
                case=case,
                at=received + dt.timedelta(hours=5),
                action="return",
                agency=case.lead_agency,
                note="非本機關業管",
            )
        if case.status == CaseStatus.CLOSED and rng.random() < 0.3:
            SurveyResponse.objects.create(
                case=case,
                satisfied=rng.random() < 0.7,
                answered_at=case.closed_at + dt.timedelta(days=rng.randint(0, 10)),
            )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_month_from_the_sums_equals_the_live_report(
    seed, agencies, categories, people, make_case, consultation
):
    random_year(seed, agencies, categories, people, make_case, consultation)
    live = {m: monthly_report(2025, m) for m in range(1, 13)}
    # The worker sums every finished month once.
    summed = built.build_due_months()
    assert dt.date(2025, 1, 1) in summed and dt.date(2025, 12, 1) in summed
    assert CaseMonthFigures.objects.exists()
    for m in range(1, 13):
        assert built.collect_built(Period(2025, m), None, {}) is not None
        assert monthly_report(2025, m) == live[m], f"month {m}"
        one = agencies["road"].pk
        assert monthly_report(2025, m, agency_ids={one}) == monthly_report_live(m, {one})
    assert built.build_due_months() == []  # nothing new to sum


def monthly_report_live(month: int, agency_ids):  # type: ignore[no-untyped-def]
    """The live report, with the sums set aside."""
    clean = list(CaseMonthBuild.objects.filter(dirty=False).values_list("month", flat=True))
    CaseMonthBuild.objects.update(dirty=True)
    try:
        return monthly_report(2025, month, agency_ids=agency_ids)
    finally:
        CaseMonthBuild.objects.filter(month__in=clean).update(dirty=False)


def test_the_running_month_is_always_live(agencies, make_case):
    from django.utils import timezone

    today = timezone.localdate()
    assert built.collect_built(Period(today.year, today.month), None, {}) is None
    with pytest.raises(ValueError):
        built.build_month(today.year, today.month)


def test_a_case_recorded_into_a_summed_month_makes_it_live_again(agencies, categories, people):
    intake = services.Intake(
        case_type=CaseType.PETITION,
        channel=Channel.LETTER,
        description="補登去年三月的來函",
        category=categories["sidewalk"],
        received_at=at(2025, 3, 10),
        scans=[],
    )
    built.build_month(2025, 3)
    assert built.collect_built(Period(2025, 3), None, {}) is None  # Jan, Feb not summed
    built.build_month(2025, 1)
    built.build_month(2025, 2)
    before = monthly_report(2025, 3)
    assert built.collect_built(Period(2025, 3), None, {}) is not None
    intake.channel = Channel.COUNTER
    services.create_case(intake, people["operator"])
    assert CaseMonthBuild.objects.get(month=dt.date(2025, 3, 1)).dirty
    after = monthly_report(2025, 3)  # live: counts the new case
    assert after.totals_month.received == before.totals_month.received + 1
    built.build_due_months()
    assert monthly_report(2025, 3) == after
