"""The bimonthly progress report: periods, change against the period before, plans that fell
behind or caught up, follow-ups still open; page and downloads scoped by agency."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from yankao.plans import bimonthly, meetings, services
from yankao.plans.conftest import linear_targets, make_plan
from yankao.plans.models import LagCause

WHY = {
    "lag_cause": LagCause.CONTRACTOR,
    "remedy": "要求廠商增派人力趕工",
    "remedy_due": dt.date(2026, 6, 30),
}


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_period_is_two_months_holding_the_month(day: dt.date) -> None:
    first, last = bimonthly.period_of(day.replace(day=1))
    assert first.month % 2 == 1 and last.month == first.month + 1 and first.year == last.year
    assert first <= day.replace(day=1) <= last


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def submit(plan: Any, user: Any, month: int, progress: str, behind: bool) -> None:
    planned_spending = 1_000_000 * month
    services.save_report(
        plan,
        dt.date(2026, month, 1),
        services.ReportData(
            Decimal(progress), Decimal(planned_spending), **(WHY if behind else {})
        ),
        user,
        submit=True,
    )


@pytest.fixture
def period(plan: Any, people: dict[str, Any], agencies: dict[str, Any]) -> dict[str, Any]:
    """February: PWB behind, EPB on schedule. April: PWB on schedule, EPB behind."""
    epb = make_plan(agencies["epb"], code="115-EPB-001", name="空品改善計畫")
    services.decide_work_plan(
        services.submit_work_plan(epb, people["epb_officer"], linear_targets()),
        people["planner"],
        approve=True,
    )
    submit(plan, people["pwb_officer"], 2, "5", behind=True)
    submit(epb, people["epb_officer"], 2, "16.67", behind=False)
    submit(plan, people["pwb_officer"], 4, "33.33", behind=False)
    submit(epb, people["epb_officer"], 4, "20", behind=True)
    meeting = meetings.hold_meeting(
        people["planner"],
        title="二月會報",
        held_on=dt.date(2026, 3, 10),
        report_month=dt.date(2026, 2, 1),
    )
    meetings.add_decision(
        meeting, people["planner"], decision="工務局趕工", due_date=dt.date(2026, 3, 31), plan=plan
    )
    return {"pwb": plan, "epb": epb}


@pytest.mark.django_db
def test_the_period_against_the_one_before(period, people):
    report = bimonthly.bimonthly(
        dt.date(2026, 3, 1), services.visible_plans(people["planner"]), people["planner"]
    )
    assert (report.first, report.last) == (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    assert [b.plan for b in report.newly_behind] == [period["epb"]]
    assert report.recovered == [period["pwb"]]
    assert len(report.follow_ups) == 1 and report.overdue_follow_ups == 1
    text = report.sentences()
    assert report.title() == "列管案件進度雙月報（民國115年3-4月）"
    assert "與民國115年2月比較：沒有變動。" in text
    assert "本期新增落後計畫1項，改善脫離落後1項。" in text
    assert "督導會報決議追蹤中1項，其中逾期1項。" in text
    changes = {c.agency.code: c.change for c in report.agency_changes()}
    assert changes == {period["pwb"].agency.code: -1, period["epb"].agency.code: 1}


@pytest.mark.django_db
def test_page_and_downloads_are_scoped(period, people):
    pwb = client_for(people["pwb_officer"])
    page = pwb.get(reverse("plans:bimonthly") + "?year=2026&month=4").content.decode()
    assert "民國115年3-4月" in page and period["pwb"].code in page
    assert period["epb"].code not in page and "工務局趕工" in page
    planner = client_for(people["planner"])
    docx = planner.get(reverse("plans:bimonthly_download", args=["docx"]) + "?year=2026&month=4")
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本期新增落後計畫1項" in text
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert period["epb"].code in cells and "工務局趕工" in cells
    xlsx = pwb.get(reverse("plans:bimonthly_download", args=["xlsx"]) + "?year=2026&month=4")
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = str([c for sheet in book.worksheets for row in sheet.values for c in row])
    assert period["pwb"].code in cells and period["epb"].code not in cells
    assert pwb.get(reverse("plans:bimonthly_download", args=["pdf"])).status_code == 404
