"""Monthly progress of works projects: the entry rules, late entries, who owes progress and the
fill-in rate per agency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yankao.works.conftest import make_project
from yankao.works.models import ProgressEntry, ProjectStatus
from yankao.works.services import projects as services

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)


def data(planned: str, actual: str, **extra: str) -> services.ProgressData:
    return services.ProgressData(Decimal(planned), Decimal(actual), **extra)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_progress_is_entered_once_per_month_and_late_after_the_cut_off(project, people):
    officer = people["pwb_officer"]
    entry = services.enter_progress(
        project, MARCH, data("20", "18"), officer, now=at(dt.date(2026, 4, 6))
    )
    assert (entry.month, entry.late, entry.entered_by) == (MARCH, False, officer)
    late = services.enter_progress(
        project, APRIL, data("30", "29"), officer, now=at(dt.date(2026, 5, 7))
    )
    assert late.late
    with pytest.raises(ValidationError) as exc:
        services.enter_progress(project, dt.date(2026, 3, 17), data("20", "18"), officer)
    assert "已填報" in " ".join(errors_of(exc)["month"])
    assert ProgressEntry.objects.filter(project=project).count() == 2


@pytest.mark.parametrize(
    ("planned", "actual", "field"),
    [
        ("101", "50", "planned_progress"),
        ("50", "-1", "actual_progress"),
        ("50", "100.01", "actual_progress"),
    ],
)
def test_progress_outside_0_to_100_is_refused(project, people, planned, actual, field):
    with pytest.raises(ValidationError) as exc:
        services.enter_progress(project, MARCH, data(planned, actual), people["pwb_officer"])
    assert "0 到 100" in " ".join(errors_of(exc)[field])
    assert not ProgressEntry.objects.exists()


def test_progress_going_down_needs_a_correction_note(project, people):
    officer = people["pwb_officer"]
    services.enter_progress(project, MARCH, data("20", "18"), officer)
    with pytest.raises(ValidationError) as exc:
        services.enter_progress(project, APRIL, data("20", "16"), officer)
    message = " ".join(errors_of(exc)["correction_note"])
    assert "18%" in message and "115年3月" in message
    entry = services.enter_progress(
        project, APRIL, data("20", "16", correction_note="三月估驗數量重複計算，更正"), officer
    )
    assert entry.correction_note.startswith("三月")


def test_lag_reason_is_needed_from_the_behind_setting(project, people, settings):
    officer = people["pwb_officer"]
    with pytest.raises(ValidationError) as exc:
        services.enter_progress(project, MARCH, data("20", "15"), officer)  # exactly 5 points
    assert "落後" in " ".join(errors_of(exc)["lag_reason"])
    services.enter_progress(project, MARCH, data("20", "15.01"), officer)  # 4.99: not behind
    settings.YANKAO_WORKS_BEHIND_POINTS = 3
    with pytest.raises(ValidationError):
        services.enter_progress(project, APRIL, data("30", "26.5"), officer)
    entry = services.enter_progress(
        project, APRIL, data("30", "26.5", lag_reason="雨天停工 6 日，已增派人力趕工"), officer
    )
    assert entry.lag == Decimal("3.5")


def test_months_outside_the_project_are_refused(project, people, agencies):
    officer = people["pwb_officer"]
    today = timezone.localdate()
    for month in (
        dt.date(2025, 12, 1),
        (today.replace(day=28) + dt.timedelta(days=5)).replace(day=1),
    ):
        with pytest.raises(ValidationError) as exc:
            services.enter_progress(project, month, data("10", "10"), officer)
        assert errors_of(exc)["month"]
    finished = make_project(
        agencies["pwb"],
        "PWB-114-009",
        planned_start=dt.date(2025, 3, 1),
        planned_end=dt.date(2025, 12, 31),
        actual_start=dt.date(2025, 3, 1),
        actual_end=dt.date(2026, 1, 20),
        status=ProjectStatus.ACCEPTED,
    )
    services.enter_progress(finished, dt.date(2026, 1, 1), data("100", "100"), officer)
    with pytest.raises(ValidationError) as exc:
        services.enter_progress(finished, dt.date(2026, 2, 1), data("100", "100"), officer)
    assert "期間" in " ".join(errors_of(exc)["month"])
    tendering = make_project(agencies["pwb"], "PWB-115-050", status=ProjectStatus.TENDERING)
    with pytest.raises(ValidationError):
        services.enter_progress(tendering, MARCH, data("0", "0"), officer)


def test_a_project_still_building_reports_after_its_planned_end(agencies):
    late = make_project(
        agencies["pwb"],
        "PWB-114-010",
        planned_start=dt.date(2025, 1, 1),
        planned_end=dt.date(2025, 10, 31),
        actual_start=dt.date(2025, 1, 1),
    )
    checked = services.check_progress(late, MARCH, data("100", "97"), today=dt.date(2026, 4, 2))
    assert not checked.errors and not checked.late


def test_only_the_owning_agency_enters_progress(project, people):
    for name in ("epb_officer", "viewer"):
        with pytest.raises(PermissionDenied):
            services.enter_progress(project, MARCH, data("10", "10"), people[name])
    assert services.enter_progress(project, MARCH, data("10", "10"), people["inspector"])


def test_deadlines_and_the_month_being_entered(settings):
    assert services.progress_deadline(MARCH) == dt.date(2026, 4, 6)
    assert services.current_progress_month(dt.date(2026, 4, 6)) == MARCH
    assert services.current_progress_month(dt.date(2026, 4, 7)) == APRIL
    assert services.last_due_month(dt.date(2026, 4, 6)) == dt.date(2026, 2, 1)
    assert services.last_due_month(dt.date(2026, 4, 7)) == MARCH
    settings.YANKAO_WORKS_PROGRESS_DAY = 10
    assert services.progress_deadline(MARCH) == dt.date(2026, 4, 10)


def test_prefill_takes_the_month_before(project, people):
    assert services.prefill(project, MARCH)["actual_progress"] == 0
    services.enter_progress(project, MARCH, data("20", "18"), people["pwb_officer"])
    filled = services.prefill(project, APRIL)
    assert (filled["planned_progress"], filled["actual_progress"]) == (20, 18)


def test_fill_rates_per_agency_and_the_year_sentence(project, people, agencies):
    officer = people["pwb_officer"]
    other = make_project(agencies["pwb"], "PWB-115-002")
    make_project(agencies["epb"], "EPB-115-001")
    make_project(agencies["pwb"], "PWB-115-003", status=ProjectStatus.TENDERING)
    services.enter_progress(project, MARCH, data("20", "18"), officer, now=at(dt.date(2026, 4, 9)))
    rows = {r.agency.code: r for r in services.fill_rates(people["inspector"], MARCH)}
    assert (rows["397110000G"].expected, rows["397110000G"].entered, rows["397110000G"].late) == (
        2,
        1,
        1,
    )
    assert rows["397110000G"].rate == 50 and rows["397150000I"].rate == 0
    own = services.fill_rates(officer, MARCH)
    assert [r.agency.code for r in own] == ["397110000G"]
    services.enter_progress(other, MARCH, data("20", "20"), officer)
    months = services.yearly_rates(officer, 2026, today=dt.date(2026, 4, 7))
    assert [m.month.month for m in months] == [1, 2, 3]
    assert months[2].rate == 100 and months[0].rate == 0
    assert services.fill_sentence(months) == "每月填報率最低為0%（民國115年1月）。"
    full = [services.MonthRate(MARCH, 2, 2), services.MonthRate(APRIL, 3, 3)]
    assert services.fill_sentence(full) == "每月填報率皆為100%。"


def test_months_without_progress_counts_owed_months(project, people):
    today = dt.date(2026, 5, 10)  # March and April are due
    assert services.months_without_progress(project, set(), today) == 3  # Feb, Mar, Apr
    assert services.months_without_progress(project, {dt.date(2026, 4, 1), MARCH}, today) == 1
