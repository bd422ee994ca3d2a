"""The plan-control API: scoped, the same rules as the pages, conflicts as 409."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from yankao.plans.conftest import make_plan
from yankao.plans.models import ProgressReport

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(user)
    return client


def test_plans_and_reports_are_scoped(plan, people, agencies):
    epb_plan = make_plan(agencies["epb"], code="115-EPB-001")
    pwb = api(people["pwb_officer"])
    codes = [p["code"] for p in pwb.get("/api/v1/plans/").json()["results"]]
    assert codes == [plan.code]
    assert pwb.get(f"/api/v1/plans/{epb_plan.code}/").status_code == 404
    body = {
        "plan_code": epb_plan.code,
        "month": "2026-03-01",
        "actual_progress": "1",
        "actual_spending": "0",
    }
    assert pwb.post("/api/v1/plan-reports/", body, format="json").status_code == 404
    planner = api(people["planner"])
    assert len(planner.get("/api/v1/plans/").json()["results"]) == 2


def test_report_through_the_api_with_rules_and_revision(plan, people):
    pwb = api(people["pwb_officer"])
    body = {
        "plan_code": plan.code,
        "month": "2026-03-15",
        "actual_progress": "10",
        "actual_spending": "3000000",
        "submit": True,
    }
    refused = pwb.post("/api/v1/plan-reports/", body, format="json")
    assert refused.status_code == 400 and "落後原因" in refused.json()["lag_cause"][0]
    created = pwb.post("/api/v1/plan-reports/", {**body, "submit": False}, format="json")
    assert created.status_code == 201
    data = created.json()
    assert (
        data["progress_status"] == "behind"
        and data["month"] == "2026-03-01"
        and data["revision"] == 1
    )
    again = pwb.post("/api/v1/plan-reports/", {**body, "submit": False}, format="json")
    assert again.status_code == 400 and "month" in again.json()
    changed = pwb.post(
        "/api/v1/plan-reports/",
        {**body, "submit": False, "actual_progress": "24", "revision": 1},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["progress_status"] == "on_schedule"
    stale = pwb.post(
        "/api/v1/plan-reports/", {**body, "submit": False, "revision": 1}, format="json"
    )
    assert stale.status_code == 409
    assert ProgressReport.objects.get().actual_progress == 24
    listed = pwb.get(f"/api/v1/plan-reports/?plan={plan.code}&month=2026-03").json()["results"]
    assert len(listed) == 1


def test_work_plan_through_the_api(plan, people):
    pwb = api(people["pwb_officer"])
    months = [
        {
            "month": f"2026-{m:02d}-01",
            "planned_progress": str(10 * m),
            "planned_spending": str(1000 * m),
        }
        for m in range(1, 11)
    ]
    no_reason = pwb.post(
        "/api/v1/work-plans/", {"plan_code": plan.code, "months": months}, format="json"
    )
    assert no_reason.status_code == 400
    made = pwb.post(
        "/api/v1/work-plans/",
        {"plan_code": plan.code, "months": months, "note": "提前完工"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["status"] == "submitted"
    pk = made.json()["id"]
    assert (
        pwb.post(f"/api/v1/work-plans/{pk}/decide/", {"approve": True}, format="json").status_code
        == 403
    )
    decided = api(people["planner"]).post(
        f"/api/v1/work-plans/{pk}/decide/", {"approve": True}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"


def test_analysis_endpoint(plan, people):
    api(people["pwb_officer"]).post(
        "/api/v1/plan-reports/",
        {
            "plan_code": plan.code,
            "month": "2026-03-01",
            "actual_progress": "26",
            "actual_spending": "3000000",
            "submit": True,
        },
        format="json",
    )
    body = api(people["planner"]).get("/api/v1/plan-analysis/?year=2026&month=3").json()
    assert body["overall"]["total"] == 1
    assert body["overall"]["by_status"]["ahead"] == {"count": 1, "share": "100.00"}
    assert "進度超前者1項" in body["sentences"][0]
    assert api(people["planner"]).get("/api/v1/plan-analysis/?year=x").status_code == 400
