"""The inspection team's planning: eligible tenders per tier, quota against inspections done,
ranked candidates with their grounds, unannounced scheduling hidden from agencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yankao.workdays.roc import format_roc
from yankao.works import rules
from yankao.works.conftest import make_project
from yankao.works.models import Inspection, InspectionStatus, ProgressEntry, ProjectStatus
from yankao.works.services import planning, visible_inspections

pytestmark = pytest.mark.django_db

M = 1_000_000


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def inspected(project, user, day=dt.date(2026, 5, 1), score=82, grade="a", **extra):  # type: ignore[no-untyped-def]
    return Inspection.objects.create(
        project=project,
        status=InspectionStatus.RECORDED,
        inspected_on=day,
        score=score,
        grade=grade,
        created_by=user,
        **extra,
    )


@pytest.fixture
def portfolio(agencies):  # type: ignore[no-untyped-def]
    pwb, epb = agencies["pwb"], agencies["epb"]
    return {
        "large": make_project(pwb, "L-1", budget_amount=Decimal(60 * M)),
        "huge": make_project(pwb, "H-1", budget_amount=Decimal(250 * M)),
        "medium": make_project(epb, "M-1", budget_amount=Decimal(20 * M)),
        "small": make_project(
            epb, "S-1", budget_amount=Decimal(2 * M), award_amount=Decimal(1 * M)
        ),
        "below": make_project(pwb, "B-1", budget_amount=Decimal(1 * M), award_amount=None),
        "subsidised": make_project(pwb, "X-1", budget_amount=Decimal(20 * M), subsidised=True),
        "last_year": make_project(
            pwb,
            "O-1",
            budget_amount=Decimal(20 * M),
            planned_start=dt.date(2024, 1, 1),
            planned_end=dt.date(2024, 12, 31),
            actual_start=dt.date(2024, 1, 1),
            actual_end=dt.date(2024, 12, 20),
            status=ProjectStatus.CLOSED,
        ),
        "tendering": make_project(
            pwb, "T-1", budget_amount=Decimal(20 * M), status=ProjectStatus.TENDERING
        ),
    }


def test_quota_counts_the_years_eligible_tenders_per_tier(portfolio, people):
    inspector = people["inspector"]
    plan = planning.year_plan(inspector, 2026)
    assert dict(plan.quota.eligible) == {rules.LARGE: 2, rules.MEDIUM: 1, rules.SMALL: 1}
    assert dict(plan.quota.per_tier) == {rules.LARGE: 2, rules.MEDIUM: 1, rules.SMALL: 1}
    assert (plan.quota.overall, plan.quota.target, plan.done) == (4, 4, 0)
    inspected(portfolio["large"], inspector)
    inspected(portfolio["huge"], inspector)
    first = inspected(portfolio["medium"], inspector)
    inspected(portfolio["medium"], inspector, original=first)  # a re-inspection does not count
    inspected(portfolio["subsidised"], inspector)  # not eligible
    inspected(portfolio["small"], inspector, day=dt.date(2025, 5, 1))  # another year
    Inspection.objects.create(
        project=portfolio["small"],
        status=InspectionStatus.PLANNED,
        scheduled_on=dt.date(2026, 12, 2),
        created_by=inspector,
    )
    plan = planning.year_plan(inspector, 2026)
    by_tier = {t.tier: t for t in plan.tiers}
    assert (by_tier[rules.LARGE].done, by_tier[rules.MEDIUM].done, by_tier[rules.SMALL].done) == (
        2,
        1,
        0,
    )
    assert by_tier[rules.SMALL].planned == 1 and by_tier[rules.SMALL].short == 1
    assert plan.done == 3 and plan.percent_of_minimum == 75
    assert "75%" in plan.sentence() and "4" in plan.sentence()


def test_candidates_are_ranked_by_their_grounds(portfolio, people):
    inspector = people["inspector"]
    ProgressEntry.objects.create(
        project=portfolio["medium"],
        month=dt.date(2026, 3, 1),
        planned_progress=Decimal(40),
        actual_progress=Decimal(25),
        lag_reason="用地",
    )
    inspected(portfolio["large"], inspector, score=70, grade="b")
    portfolio["huge"].mayor_listed = True
    portfolio["huge"].save()
    found = planning.candidates(inspector, 2026, today=dt.date(2026, 4, 7))
    numbers = [c.project.tender_number for c in found]
    assert set(numbers) == {"L-1", "H-1", "M-1", "S-1"}  # eligible and being built
    by_number = {c.project.tender_number: c for c in found}
    assert rules.LAGGING in by_number["M-1"].grounds and by_number["M-1"].lag == 15
    assert rules.POOR_RECORD in by_number["L-1"].grounds
    assert rules.LOW_BID in by_number["S-1"].grounds
    assert rules.MAYOR_LISTED in by_number["H-1"].grounds
    assert rules.NOT_UPDATING in by_number["H-1"].grounds  # no progress for February or March
    assert [c.priority for c in found] == sorted((c.priority for c in found), reverse=True)


def test_scheduling_is_unannounced_and_team_only(portfolio, people):
    inspector, officer = people["inspector"], people["pwb_officer"]
    project = portfolio["large"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        planning.schedule(project, officer, tomorrow)
    with pytest.raises(ValidationError):
        planning.schedule(project, inspector, timezone.localdate() - dt.timedelta(days=1))
    inspection = planning.schedule(project, inspector, tomorrow)
    assert inspection.status == InspectionStatus.PLANNED and inspection.scheduled_on == tomorrow
    assert isinstance(inspection.priority_grounds, list)
    with pytest.raises(ValidationError):
        planning.schedule(project, inspector, tomorrow)  # one planned visit at a time
    with pytest.raises(ValidationError):
        planning.schedule(portfolio["last_year"], inspector, tomorrow)  # not being built
    assert not visible_inspections(officer).filter(pk=inspection.pk).exists()
    assert visible_inspections(inspector).filter(pk=inspection.pk).exists()
    assert "L-1" not in [
        c.project.tender_number for c in planning.candidates(inspector, tomorrow.year)
    ]


def test_the_planning_board_page(portfolio, people):
    team = client_for(people["inspector"])
    page = team.get(reverse("works:planning") + "?year=2026")
    html = page.content.decode()
    assert page.status_code == 200 and "chart-works-quota" in html and "H-1" in html
    assert "法定" in html
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    roc = f"{tomorrow.year - 1911}/{tomorrow.month:02d}/{tomorrow.day:02d}"
    done = team.post(
        reverse("works:schedule", args=[portfolio["huge"].pk]),
        {"scheduled_on": roc, "year": "2026"},
    )
    assert done.status_code == 302
    assert Inspection.objects.filter(project=portfolio["huge"], status="planned").exists()
    shown = format_roc(tomorrow, "long")
    again = team.get(reverse("works:planning") + f"?year={tomorrow.year}").content.decode()
    assert shown in again
    for name in ("pwb_officer", "viewer", "planner"):
        client = client_for(people[name])
        assert client.get(reverse("works:planning")).status_code == 403
        assert (
            client.post(
                reverse("works:schedule", args=[portfolio["large"].pk]), {"scheduled_on": roc}
            ).status_code
            == 403
        )
    agency_page = (
        client_for(people["pwb_officer"])
        .get(reverse("works:project", args=[portfolio["huge"].pk]))
        .content.decode()
    )
    assert shown not in agency_page
