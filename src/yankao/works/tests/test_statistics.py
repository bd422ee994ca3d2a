"""Quarterly report and annual statistics; progress verification; training totals."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from yankao.works import statistics
from yankao.works.conftest import make_project
from yankao.works.models import (
    Defect,
    DefectCode,
    DefectStatus,
    Inspection,
    InspectionStatus,
    MonitoringReport,
    ProgressEntry,
    ProgressVerification,
)
from yankao.works.services import training, verification


@given(st.integers(2000, 2100), st.integers(1, 4))
def test_quarters_cover_the_year_and_are_due_a_month_later(year: int, quarter: int) -> None:
    first, last = statistics.quarter_bounds(year, quarter)
    assert first.month == 3 * quarter - 2 and (last + dt.timedelta(days=1)).day == 1
    due = statistics.quarter_due(year, quarter)
    assert due.month == {1: 4, 2: 7, 3: 10, 4: 1}[quarter] and (due + dt.timedelta(days=1)).day == 1


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def inspect(
    project: Any, day: dt.date, score: int, grade: str, team: Any, **extra: Any
) -> Inspection:
    return Inspection.objects.create(
        project=project,
        inspected_on=day,
        status=InspectionStatus.RECORDED,
        score=score,
        grade=grade,
        created_by=team,
        **extra,
    )


def defect(inspection: Inspection, code: str, party: str, due: dt.date, **extra: Any) -> Defect:
    return Defect.objects.create(
        inspection=inspection,
        code=DefectCode.objects.get(code=code),
        party=party,
        description="缺失",
        deduction=2,
        remediation_due=due,
        **extra,
    )


@pytest.fixture
def quarter(reference: None, people: dict[str, Any], agencies: dict[str, Any]) -> dict[str, Any]:
    """Q1 2026: a large PWB project graded 甲等 with two defects (one closed on time, one
    overdue), a medium EPB project graded 丙等 with one defect; a planned visit that must not
    count; a Q2 inspection outside the quarter."""
    team = people["inspector"]
    large = make_project(agencies["pwb"], budget_amount=Decimal(60_000_000))
    medium = make_project(agencies["epb"], "EPB-115-001", budget_amount=Decimal(20_000_000))
    a = inspect(large, dt.date(2026, 1, 20), 85, "a", team)
    c = inspect(medium, dt.date(2026, 2, 10), 69, "c", team, concrete_core_failed=True)
    inspect(large, dt.date(2026, 4, 2), 90, "excellent", team)
    Inspection.objects.create(project=medium, scheduled_on=dt.date(2026, 3, 30), created_by=team)
    defect(
        a,
        "4.02.01",
        "supervisor",
        dt.date(2026, 2, 19),
        status=DefectStatus.CLOSED,
        closed_at=dt.datetime(2026, 2, 10, 3, tzinfo=dt.UTC),
    )
    defect(a, "5.01.01", "contractor", dt.date(2026, 2, 19))
    defect(c, "5.01.01", "contractor", dt.date(2026, 3, 12))
    return {"large": large, "medium": medium, "team": team}


def scoped(user: Any) -> dict[str, Any]:
    from yankao.agencies.services import scope_queryset
    from yankao.works.services import visible_inspections, visible_monitoring_reports

    return {
        "inspections": visible_inspections(user),
        "monitoring_reports": visible_monitoring_reports(user),
        "verifications": scope_queryset(ProgressVerification.objects.all(), user),
    }


@pytest.mark.django_db
def test_the_quarter_counts_grades_tiers_defects_and_timeliness(quarter, people):
    stats = statistics.quarterly(2026, 1, **scoped(people["inspector"]))
    assert stats.inspections == 2 and stats.by_tier == {"large": 1, "medium": 1}
    assert stats.grades == {"a": 1, "c": 1}
    assert stats.defects_by_party == {"supervisor": 1, "contractor": 2}
    assert stats.defects_by_code[0] == ("5.01.01", DefectCode.objects.get(code="5.01.01").text, 2)
    assert (stats.remediation_on_time, stats.remediation_late, stats.remediation_overdue_open) == (
        1,
        0,
        2,
    )
    text = stats.sentences()
    assert "甲等：1案，佔50.00%；丙等：1案，佔50.00%。" in text
    assert stats.quota is not None and stats.quota.overall == 2  # all of two eligible tenders
    assert "本年度累計查核件數為法定查核件數之100%" in text[1]
    results = {r.inspection.project.tender_number: r for r in stats.results}
    assert results["PWB-115-001"].deductions == {"agency": 0, "supervisor": 2, "contractor": 2}
    agency_view = statistics.quarterly(2026, 1, **scoped(people["pwb_officer"]))
    assert agency_view.inspections == 1 and agency_view.grades == {"a": 1}


@pytest.mark.django_db
def test_page_and_downloads_read_right_and_are_scoped(quarter, people):
    team = client_for(people["inspector"])
    page = team.get(reverse("works:statistics") + "?year=2026&quarter=1").content.decode()
    assert "工程施工查核季報表（民國115年第1季）" in page and "應於民國115年4月30日前" in page
    assert "<svg" in page and "EPB-115-001" in page
    docx = team.get(reverse("works:statistics_download", args=["docx"]) + "?year=2026&quarter=1")
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "民國115年1月1日至民國115年3月31日共查核2件工程" in text
    assert len(document.inline_shapes) >= 3  # charts as pictures
    xlsx = client_for(people["pwb_officer"]).get(
        reverse("works:statistics_download", args=["xlsx"]) + "?year=2026&quarter=1"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = [c for row in sheet.values for c in row if c is not None]
    assert "PWB-115-001" in cells and "EPB-115-001" not in cells
    year = team.get(reverse("works:statistics") + "?year=2026&quarter=").content.decode()
    assert "工程施工查核年度統計（民國115年）" in year and "優等" in year


@pytest.mark.django_db
def test_verification_lagging_first_and_bad_input_refused(reference, people, agencies):
    team = people["inspector"]
    lagging = make_project(agencies["pwb"], "PWB-115-LAG")
    steady = make_project(agencies["pwb"], "PWB-115-OK")
    march = dt.date(2026, 3, 1)
    ProgressEntry.objects.create(
        project=lagging, month=march, planned_progress=40, actual_progress=20
    )
    ProgressEntry.objects.create(
        project=steady, month=march, planned_progress=40, actual_progress=41
    )
    found = verification.candidates(march, verification.WorksProject.objects.all())
    assert [c.project for c in found] == [lagging, steady] and found[0].lag == 20
    with pytest.raises(PermissionDenied):
        verification.record_verification(
            lagging,
            march,
            people["pwb_officer"],
            checked_on=dt.date(2026, 3, 20),
            reported_progress=Decimal(20),
            checked_progress=Decimal(18),
        )
    with pytest.raises(ValidationError) as caught:
        verification.record_verification(
            lagging,
            march,
            team,
            checked_on=dt.date(2099, 1, 1),
            reported_progress=Decimal(20),
            checked_progress=Decimal(180),
        )
    assert set(caught.value.message_dict) == {"checked_on", "checked_progress"}
    verification.record_verification(
        lagging,
        march,
        team,
        checked_on=dt.date(2026, 3, 20),
        reported_progress=Decimal(20),
        checked_progress=Decimal(18),
    )
    with pytest.raises(ValidationError):
        verification.record_verification(
            lagging,
            march,
            team,
            checked_on=dt.date(2026, 3, 21),
            reported_progress=Decimal(20),
            checked_progress=Decimal(18),
        )
    page = (
        client_for(team).get(reverse("works:verification") + "?year=2026&month=3").content.decode()
    )
    assert "本月已查證1件，至少應查證20件" in page
    epb_page = (
        client_for(people["epb_officer"])
        .get(reverse("works:verification") + "?year=2026&month=3")
        .content.decode()
    )
    assert "PWB-115-LAG" not in epb_page
    assert (
        client_for(people["pwb_officer"])
        .post(reverse("works:verification") + "?year=2026&month=3", {"project": steady.pk})
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_training_totals_read_like_the_annual_report(people):
    team = people["inspector"]
    training.record_training(
        team, title="工程品質講習", held_on=dt.date(2026, 5, 3), attendance=120
    )
    training.record_training(team, title="職安衛講習", held_on=dt.date(2026, 9, 9), attendance=99)
    training.record_training(team, title="去年", held_on=dt.date(2025, 9, 9), attendance=10)
    assert training.year_totals(2026).sentence() == "辦理教育訓練2場，共計有219人次參訓。"
    with pytest.raises(PermissionDenied):
        training.record_training(
            people["pwb_officer"], title="x", held_on=dt.date(2026, 1, 1), attendance=1
        )
    client = client_for(team)
    bad = client.post(
        reverse("works:training"),
        {"title": "", "held_on": "115/10/01", "attendance": "-3", "hours": "3"},
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("works:training"),
        {"title": "防汛講習", "held_on": "115/10/01", "attendance": "30", "hours": "2"},
    )
    assert ok.status_code == 302
    assert (
        "共計有249人次參訓" in client.get(reverse("works:training") + "?year=2026").content.decode()
    )
    assert MonitoringReport.objects.count() == 0
