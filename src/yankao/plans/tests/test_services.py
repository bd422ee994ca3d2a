"""Monthly reports: computed status, the rules that refuse bad input, concurrency, submission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from yankao.plans import services
from yankao.plans.conftest import linear_targets, make_plan
from yankao.plans.models import LagCause, ProgressStatus, ReportStatus, WorkPlanStatus

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)  # planned 25%, NT$3,000,000


def data(progress: str, spending: int, **extra) -> services.ReportData:  # type: ignore[no-untyped-def]
    return services.ReportData(Decimal(progress), Decimal(spending), **extra)


def test_status_is_computed_from_the_approved_work_plan(plan, people):
    report = services.save_report(
        plan, MARCH, data("24", 2_900_000), people["pwb_officer"], submit=True
    )
    assert report.planned_progress == Decimal("25.00") and report.lag == Decimal("1.00")
    assert report.progress_status == ProgressStatus.ON_SCHEDULE
    assert report.execution_rate == Decimal("96.67")
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == people["pwb_officer"]


def test_behind_report_needs_cause_and_remedy(plan, people):
    officer = people["pwb_officer"]
    with translation.override("zh-hant"), pytest.raises(ValidationError) as refused:
        services.save_report(plan, MARCH, data("15", 3_000_000), officer, submit=True)
    assert set(refused.value.message_dict) == {"lag_cause", "remedy", "remedy_due"}
    assert "落後原因" in " ".join(refused.value.message_dict["lag_cause"])
    # A draft may be saved without them; submitting needs them.
    draft = services.save_report(plan, MARCH, data("15", 3_000_000), officer)
    assert draft.status == ReportStatus.DRAFT and draft.progress_status == ProgressStatus.BEHIND
    report = services.save_report(
        plan,
        MARCH,
        data(
            "15",
            3_000_000,
            lag_cause=LagCause.PROCUREMENT_FAILURE,
            remedy="重新招標，4月底前決標。",
            remedy_due=dt.date(2026, 4, 30),
        ),
        officer,
        submit=True,
        revision=draft.revision,
    )
    assert report.status == ReportStatus.SUBMITTED and report.lag == Decimal("10.00")


def test_low_spending_also_needs_a_cause(plan, people):
    with pytest.raises(ValidationError) as refused:
        services.save_report(plan, MARCH, data("25", 2_000_000), people["pwb_officer"], submit=True)
    assert "lag_cause" in refused.value.message_dict


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (("101", 0), "actual_progress"),
        (("-1", 0), "actual_progress"),
        (("20", 13_000_000), "actual_spending"),  # budget is 12 million
        (("20", -5), "actual_spending"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_saved(plan, people, values, field):
    with pytest.raises(ValidationError) as refused:
        services.save_report(plan, MARCH, data(*values), people["pwb_officer"])
    assert field in refused.value.message_dict
    assert not plan.reports.exists()


def test_month_outside_the_plan_and_closed_months_are_refused(plan, people, agencies):
    officer = people["pwb_officer"]
    with pytest.raises(ValidationError) as refused:
        services.save_report(plan, dt.date(2027, 1, 1), data("30", 0), officer)
    assert "month" in refused.value.message_dict
    services.close_month(MARCH, people["planner"])
    with translation.override("zh-hant"), pytest.raises(ValidationError) as closed:
        services.save_report(plan, MARCH, data("25", 3_000_000), officer)
    assert "已截止" in " ".join(closed.value.message_dict["month"])


def test_progress_going_down_needs_a_correction_note(plan, people):
    officer = people["pwb_officer"]
    services.save_report(plan, dt.date(2026, 2, 1), data("18", 2_000_000), officer, submit=True)
    with pytest.raises(ValidationError) as refused:
        services.save_report(plan, MARCH, data("16", 3_000_000), officer)
    assert "correction_note" in refused.value.message_dict
    report = services.save_report(plan, MARCH, data("25", 3_000_000, correction_note=""), officer)
    assert report.actual_progress == Decimal(25)
    fixed = services.save_report(
        plan,
        dt.date(2026, 4, 1),
        data("24", 4_000_000, correction_note="3月數字誤植，實際為24%"),
        officer,
    )
    assert fixed.correction_note


def test_a_second_report_for_a_month_and_concurrent_edits_are_refused(plan, people):
    officer = people["pwb_officer"]
    first = services.save_report(plan, MARCH, data("25", 3_000_000), officer)
    with pytest.raises(ValidationError) as duplicate:
        services.save_report(plan, MARCH, data("26", 3_000_000), officer)
    assert "month" in duplicate.value.message_dict
    opened = first.revision
    services.save_report(plan, MARCH, data("26", 3_000_000), officer, revision=opened)
    with pytest.raises(ValidationError):  # a second person with the same old revision
        services.save_report(
            plan, MARCH, data("27", 3_000_000), people["pwb_chief"], revision=opened
        )
    assert plan.reports.get(month=MARCH).actual_progress == Decimal(26)


def test_other_agencies_may_not_report(plan, people):
    with pytest.raises(PermissionDenied):
        services.save_report(plan, MARCH, data("25", 3_000_000), people["epb_officer"])
    assert not services.visible_plans(people["epb_officer"]).exists()
    assert services.visible_plans(people["planner"]).count() == 1


def test_work_plan_versions_keep_the_approved_baseline(plan, people):
    officer, planner = people["pwb_officer"], people["planner"]
    with pytest.raises(ValidationError):  # a change to an approved plan needs a reason
        services.submit_work_plan(plan, officer, linear_targets(10))
    revised = services.submit_work_plan(plan, officer, linear_targets(10), note="工期提前")
    assert services.approved_work_plan(plan).version == 1  # still the baseline
    services.decide_work_plan(revised, planner, approve=True)
    assert services.approved_work_plan(plan).version == 2
    assert plan.work_plans.get(version=1).status == WorkPlanStatus.SUPERSEDED
    assert services.planned_for(plan, MARCH) == (Decimal("30.00"), Decimal(3_600_000))


def test_work_plan_targets_must_be_cumulative(plan, people):
    targets = linear_targets()
    targets[4] = services.MonthTarget(targets[4].month, Decimal(1), targets[4].planned_spending)
    with pytest.raises(ValidationError):
        services.submit_work_plan(plan, people["pwb_officer"], targets, note="x")


def test_submission_rate_per_agency(plan, people, agencies):
    other = make_plan(agencies["pwb"], code="115-PWB-002")
    make_plan(agencies["epb"], code="115-EPB-001")
    services.save_report(plan, MARCH, data("25", 3_000_000), people["pwb_officer"], submit=True)
    services.save_report(other, MARCH, data("0", 0), people["pwb_officer"])  # draft only
    rows = {r.agency.code: r for r in services.submission_rates(people["planner"], MARCH)}
    assert (rows["397110000G"].expected, rows["397110000G"].submitted) == (2, 1)
    assert rows["397110000G"].rate == Decimal("50.00")
    assert rows["397150000I"].submitted == 0
    own = services.submission_rates(people["pwb_officer"], MARCH)
    assert [r.agency.code for r in own] == ["397110000G"]


def test_release_ends_reporting(plan, people):
    services.release(plan, people["planner"], "已完工驗收")
    with pytest.raises(ValidationError):
        services.save_report(plan, MARCH, data("25", 3_000_000), people["pwb_officer"])
