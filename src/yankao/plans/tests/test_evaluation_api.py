"""The year-end evaluation API: scoped lists and details, scoring by stage with 409 on a stale
revision, refusals in Chinese, publication and results."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from yankao.plans.models import EvaluationRound
from yankao.plans.tests.evaluation_helpers import evaluation_of, item_scores, open_round

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(user)
    return client


@pytest.fixture
def year_round(plan: Any, people: dict[str, Any], agencies: dict[str, Any]) -> EvaluationRound:
    return open_round(people, agencies)


def score(client: APIClient, pk: int, stage: str, revision: int, value: Any = 80, **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/evaluations/{pk}/score/",
        {"stage": stage, "scores": item_scores(value), "revision": revision, **extra},
        format="json",
    )


def test_lists_and_details_are_scoped(year_round, plan, people):
    mine = evaluation_of(year_round, plan.code)
    theirs = evaluation_of(year_round, "115-EPB-001")
    pwb = api(people["pwb_officer"])
    listed = pwb.get("/api/v1/evaluations/?year=2026").json()["results"]
    assert [e["plan_code"] for e in listed] == [plan.code]
    assert pwb.get(f"/api/v1/evaluations/{theirs.pk}/").status_code == 404
    assert score(pwb, theirs.pk, "self_assessment", 1).status_code == 404
    assert pwb.get(f"/api/v1/evaluations/{mine.pk}/").json()["steps"] == []
    planner = api(people["planner"])
    assert len(planner.get("/api/v1/evaluations/").json()["results"]) == 2
    assert len(planner.get("/api/v1/evaluations/?agency=397150000I").json()["results"]) == 1
    rounds = pwb.get("/api/v1/evaluation-rounds/").json()["results"]
    assert rounds[0]["year"] == 2026 and sum(i["weight"] for i in rounds[0]["items"]) == 100
    assert api(people["operator"]).get("/api/v1/evaluations/").json()["results"] == []
    assert pwb.get("/api/v1/evaluation-rounds/2026/results/").status_code == 404  # not yet


def test_scoring_by_stage_with_revision_and_refusals(year_round, plan, people):
    pk = evaluation_of(year_round, plan.code).pk
    pwb, planner = api(people["pwb_officer"]), api(people["planner"])
    skipped = score(planner, pk, "preliminary", 1)
    assert skipped.status_code == 400 and "自評" in skipped.json()["non_field_errors"][0]
    wrong_role = score(planner, pk, "self_assessment", 1)
    assert wrong_role.status_code == 403
    out_of_range = score(pwb, pk, "self_assessment", 1, 101)
    assert out_of_range.status_code == 400 and "0至100" in out_of_range.json()["progress"][0]
    done = score(pwb, pk, "self_assessment", 1, 80, comment="自評完成")
    assert done.status_code == 200
    assert done.json()["status"] == "preliminary" and done.json()["self_score"] == "80.00"
    stale = score(pwb, pk, "self_assessment", 1, 70)
    assert stale.status_code == 409 and "重新載入" in stale.json()["detail"][0]
    assert score(planner, pk, "preliminary", 2, 85).status_code == 200
    final = score(planner, pk, "committee", 3, 79.99)
    assert final.status_code == 200 and final.json()["grade"] == "b"
    detail = pwb.get(f"/api/v1/evaluations/{pk}/").json()
    assert [s["action"] for s in detail["steps"]] == ["self_assess", "preliminary", "committee"]
    assert detail["steps"][0]["by"] == "pwb.officer" and detail["steps"][0]["comment"] == "自評完成"


def test_rubric_publication_and_results(year_round, plan, people):
    planner, pwb = api(people["planner"]), api(people["pwb_officer"])
    items = [{"code": "progress", "name": "執行進度", "weight": 60, "order": 1}]
    bad = planner.post(
        "/api/v1/evaluation-rounds/2026/rubric/", {"items": items, "revision": 1}, format="json"
    )
    assert bad.status_code == 400 and "須合計為100" in str(bad.json())
    items.append({"code": "quality", "name": "執行品質", "weight": 40, "order": 2})
    assert (
        pwb.post(
            "/api/v1/evaluation-rounds/2026/rubric/", {"items": items, "revision": 1}, format="json"
        ).status_code
        == 403
    )
    changed = planner.post(
        "/api/v1/evaluation-rounds/2026/rubric/", {"items": items, "revision": 1}, format="json"
    )
    assert changed.status_code == 200 and len(changed.json()["items"]) == 2
    scores = {"progress": "95", "quality": "90"}
    for code, agency_user in ((plan.code, "pwb_officer"), ("115-EPB-001", "epb_officer")):
        pk = evaluation_of(year_round, code).pk
        for client, stage, revision in (
            (api(people[agency_user]), "self_assessment", 1),
            (planner, "preliminary", 2),
            (planner, "committee", 3),
        ):
            answer = client.post(
                f"/api/v1/evaluations/{pk}/score/",
                {"stage": stage, "scores": scores, "revision": revision},
                format="json",
            )
            assert answer.status_code == 200, answer.json()
    assert pwb.post("/api/v1/evaluation-rounds/2026/publish/").status_code == 403
    published = planner.post("/api/v1/evaluation-rounds/2026/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = planner.post("/api/v1/evaluation-rounds/2026/publish/")
    assert again.status_code == 400
    results = pwb.get("/api/v1/evaluation-rounds/2026/results/").json()
    assert results["graded"] == 1 and results["distribution"][0] == {
        "grade": "excellent",
        "count": 1,
        "share": "100.00",
    }
    assert "優等：1案，佔100.00%" in results["sentences"][1]
    assert results["sanctions"][0]["outcome"] == "reward"
    city = planner.get("/api/v1/evaluation-rounds/2026/results/").json()
    assert city["graded"] == 2 and len(city["agencies"]) == 2


def test_opening_through_the_api(plan, people):
    planner = api(people["planner"])
    assert (
        api(people["pwb_officer"])
        .post("/api/v1/evaluation-rounds/", {"year": 2026}, format="json")
        .status_code
        == 403
    )
    future = planner.post("/api/v1/evaluation-rounds/", {"year": 2099}, format="json")
    assert future.status_code == 400 and "尚未開始" in future.json()["year"][0]
    made = planner.post("/api/v1/evaluation-rounds/", {"year": 2025}, format="json")
    assert made.status_code == 400  # the fixture plan runs in 2026 only
    assert (
        planner.post("/api/v1/evaluation-rounds/", {"year": 2026}, format="json").status_code == 201
    )
