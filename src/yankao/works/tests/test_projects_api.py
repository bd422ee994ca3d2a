"""The works REST API: projects and progress scoped by agency, progress rules as 400s in
zh-Hant, the planning figures for the inspection team only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from yankao.works.conftest import make_project
from yankao.works.models import Inspection, InspectionStatus, ProgressEntry

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(user)
    return client


@pytest.fixture
def epb_project(agencies):  # type: ignore[no-untyped-def]
    return make_project(agencies["epb"], "EPB-115-001")


def test_projects_are_scoped_by_agency(project, epb_project, people):
    pwb = api_for(people["pwb_officer"])
    listed = pwb.get("/api/v1/works-projects/").json()
    assert [p["tender_number"] for p in listed["results"]] == [project.tender_number]
    assert listed["results"][0]["tier"] == "large"
    assert pwb.get(f"/api/v1/works-projects/{epb_project.pk}/").status_code == 404
    team = api_for(people["inspector"]).get("/api/v1/works-projects/?agency=397150000I").json()
    assert [p["tender_number"] for p in team["results"]] == ["EPB-115-001"]
    assert api_for(people["viewer"]).get("/api/v1/works-projects/").json()["count"] == 2


def test_progress_is_entered_and_listed_within_scope(project, epb_project, people):
    pwb = api_for(people["pwb_officer"])
    body = {
        "project": project.pk,
        "month": "2026-03-01",
        "planned_progress": "20",
        "actual_progress": "18",
    }
    made = pwb.post("/api/v1/works-progress/", body, format="json")
    assert made.status_code == 201 and made.json()["lag"] == "2.00"
    duplicate = pwb.post("/api/v1/works-progress/", body, format="json")
    assert duplicate.status_code == 400 and "已填報" in " ".join(duplicate.json()["month"])
    behind = pwb.post(
        "/api/v1/works-progress/",
        {**body, "month": "2026-04-01", "planned_progress": "40", "actual_progress": "20"},
        format="json",
    )
    assert behind.status_code == 400 and "lag_reason" in behind.json()
    other = pwb.post("/api/v1/works-progress/", {**body, "project": epb_project.pk}, format="json")
    assert other.status_code == 404
    ProgressEntry.objects.create(
        project=epb_project,
        month=dt.date(2026, 3, 1),
        planned_progress=Decimal(1),
        actual_progress=Decimal(1),
    )
    rows = pwb.get("/api/v1/works-progress/?month=2026-03").json()["results"]
    assert [r["tender_number"] for r in rows] == [project.tender_number]
    assert pwb.get("/api/v1/works-progress/?month=март").status_code == 400
    viewer = api_for(people["viewer"])
    assert (
        viewer.post(
            "/api/v1/works-progress/", {**body, "month": "2026-05-01"}, format="json"
        ).status_code
        == 403
    )


def test_planning_figures_are_for_the_team_only(project, people):
    Inspection.objects.create(
        project=project,
        status=InspectionStatus.RECORDED,
        inspected_on=dt.date(2026, 5, 1),
        score=85,
        grade="a",
        created_by=people["inspector"],
    )
    figures = api_for(people["inspector"]).get("/api/v1/works-planning/?year=2026").json()
    assert figures["legal_minimum"] == 1 and figures["inspected"] == 1
    assert figures["percent_of_minimum"] == "100"
    assert [t["tier"] for t in figures["tiers"]] == ["large", "medium", "small"]
    assert figures["candidates"][0]["tender_number"] == project.tender_number
    for name in ("pwb_officer", "viewer"):
        assert api_for(people[name]).get("/api/v1/works-planning/").status_code == 403
