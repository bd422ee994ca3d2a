"""Central-subsidy projects: award rate, budget achievement rate, the projects holding them
down, milestones reached; page, downloads and API scoped by agency."""

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
from openpyxl import load_workbook
from rest_framework.test import APIClient

from yankao.plans import services, subsidies
from yankao.plans.conftest import linear_targets, make_plan
from yankao.plans.models import LagCause, Milestone, PlanKind

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
MILESTONES = {"award": dt.date(2026, 2, 15), "completion": dt.date(2026, 11, 30)}


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def subsidy_plan(agency: Any, code: str, officer: Any, planner: Any) -> Any:
    plan = make_plan(agency, code=code, kind=PlanKind.INFRASTRUCTURE_SUBSIDY)
    work_plan = services.submit_work_plan(plan, officer, linear_targets(), milestones=MILESTONES)
    services.decide_work_plan(work_plan, planner, approve=True)
    return plan


def submit(plan: Any, user: Any, spending: int, **extra: Any) -> None:
    why = {
        "lag_cause": LagCause.FUNDING,
        "remedy": "加速辦理估驗計價及請款",
        "remedy_due": dt.date(2026, 4, 30),
    }
    services.save_report(
        plan,
        MARCH,
        services.ReportData(Decimal(25), Decimal(spending), **why, **extra),
        user,
        submit=True,
    )


@pytest.fixture
def projects(people: dict[str, Any], agencies: dict[str, Any]) -> dict[str, Any]:
    """PWB awarded (milestone reached), spent 2 of 3 million; EPB not awarded, on budget;
    a policy plan that is not a subsidy project and must not count."""
    pwb = subsidy_plan(agencies["pwb"], "115-SUB-PWB", people["pwb_officer"], people["planner"])
    epb = subsidy_plan(agencies["epb"], "115-SUB-EPB", people["epb_officer"], people["planner"])
    policy = make_plan(agencies["pwb"], code="115-POL-001")
    services.record_milestones(pwb, people["pwb_officer"], {"award": dt.date(2026, 2, 20)})
    submit(pwb, people["pwb_officer"], 2_000_000)
    submit(epb, people["epb_officer"], 3_000_000)
    return {"pwb": pwb, "epb": epb, "policy": policy}


def test_award_and_achievement_rates_overall_and_per_agency(projects, people):
    view = subsidies.subsidy_view(MARCH, services.visible_plans(people["planner"]))
    o = view.overall
    assert (o.projects, o.award_due, o.awarded) == (2, 2, 1)
    assert o.award_rate == Decimal("50.00")
    assert o.achievement_rate == Decimal("83.33")  # 5,000,000 of 6,000,000
    by_code = {a.agency.code: a.figures for a in view.agencies}
    assert by_code[projects["pwb"].agency.code].achievement_rate == Decimal("66.67")
    assert [p.plan for p in view.award_overdue] == [projects["epb"]]
    assert [p.plan for p in view.low_achievement] == [projects["pwb"]]
    assert view.low_achievement[0].shortfall == Decimal(1_000_000)
    assert view.sentences()[1] == "發包率50.00%：應發包2件，已發包1件。"
    early = subsidies.subsidy_view(dt.date(2026, 1, 1), services.visible_plans(people["planner"]))
    assert early.overall.award_due == 0 and early.overall.award_rate is None


def test_an_award_amount_in_the_report_counts_as_awarded(projects, people):
    services.save_report(
        projects["epb"],
        MARCH,
        services.ReportData(Decimal(25), Decimal(3_000_000), award_amount=Decimal(9_000_000)),
        people["epb_officer"],
        submit=True,
        revision=1,
    )
    view = subsidies.subsidy_view(MARCH, services.visible_plans(people["planner"]))
    assert view.overall.awarded == 2 and not view.award_overdue


def test_milestones_refuse_the_future_another_agency_and_unknown_kinds(projects, people):
    plan = projects["pwb"]
    with pytest.raises(ValidationError) as caught:
        services.record_milestones(
            plan, people["pwb_officer"], {"completion": dt.date(2099, 1, 1), "design": None}
        )
    assert set(caught.value.message_dict) == {"completion", "design"}
    with pytest.raises(PermissionDenied):
        services.record_milestones(plan, people["epb_officer"], {"award": None})
    assert Milestone.objects.get(work_plan__plan=plan, kind="award").actual_date == dt.date(
        2026, 2, 20
    )
    # A new approved version keeps the milestones already reached.
    revised = services.submit_work_plan(
        plan, people["pwb_officer"], linear_targets(), milestones=MILESTONES, note="追加預算"
    )
    services.decide_work_plan(revised, people["planner"], approve=True)
    assert revised.milestones.get(kind="award").actual_date == dt.date(2026, 2, 20)


def test_the_report_form_records_milestones_with_the_report(projects, people):
    pwb = client_for(people["pwb_officer"])
    url = reverse("plans:report", args=[projects["pwb"].code, 2026, 4])
    page = pwb.get(url).content.decode()
    assert "已達成的里程碑" in page and "預定民國115年2月15日" in page
    bad = pwb.post(
        url,
        {
            "actual_progress": "34",
            "actual_spending": "4000000",
            "revision": "0",
            "submit": "1",
            "milestone-completion": "2099-01-01",
        },
    )
    assert bad.status_code == 400 and "實際日期不得晚於今天" in bad.content.decode()
    assert not projects["pwb"].reports.filter(month=dt.date(2026, 4, 1)).exists()
    good = pwb.post(
        url,
        {
            "actual_progress": "34",
            "actual_spending": "4000000",
            "revision": "0",
            "submit": "1",
            "milestone-award": "115/02/20",
            "milestone-completion": "",
        },
    )
    assert good.status_code == 302
    detail = pwb.get(reverse("plans:detail", args=[projects["pwb"].code])).content.decode()
    assert "里程碑" in detail and "民國115年2月20日" in detail


def test_page_downloads_and_api_are_scoped(projects, people):
    pwb = client_for(people["pwb_officer"])
    page = pwb.get(reverse("plans:subsidies") + "?year=2026&month=3").content.decode()
    assert "115-SUB-PWB" in page and "115-SUB-EPB" not in page and "<svg" in page
    planner = client_for(people["planner"])
    page = planner.get(reverse("plans:subsidies") + "?year=2026&month=3").content.decode()
    assert "115-SUB-EPB" in page and "逾期未發包" in page
    docx = planner.get(reverse("plans:subsidies_download", args=["docx"]) + "?year=2026&month=3")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "發包率50.00%" in text and "民國115年3月" in text
    xlsx = pwb.get(reverse("plans:subsidies_download", args=["xlsx"]) + "?year=2026&month=3")
    cells = [c for row in load_workbook(io.BytesIO(xlsx.content)).worksheets[0].values for c in row]
    assert "115-SUB-EPB" not in str(cells)
    assert pwb.get(reverse("plans:subsidies_download", args=["pdf"])).status_code == 404
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(people["epb_officer"])
    body = client.get("/api/v1/plan-subsidies/?year=2026&month=3").json()
    assert body["overall"]["projects"] == 1 and body["overall"]["award_rate"] == "0.00"
    assert [p["plan_code"] for p in body["award_overdue"]] == ["115-SUB-EPB"]
    assert client.get("/api/v1/plan-subsidies/").status_code == 400
    assert client.get(f"/api/v1/plans/{projects['pwb'].code}/milestones/").status_code == 404
    reached = client.post(
        f"/api/v1/plans/{projects['epb'].code}/milestones/",
        {"reached": {"award": "2026-03-10"}},
        format="json",
    )
    assert reached.status_code == 200
    assert {m["kind"]: m["actual_date"] for m in reached.json()}["award"] == "2026-03-10"
    future = client.post(
        f"/api/v1/plans/{projects['epb'].code}/milestones/",
        {"reached": {"award": "2099-03-10"}},
        format="json",
    )
    assert future.status_code == 400 and "實際日期不得晚於今天" in str(future.json())
