"""The internal case API: scoped like the pages, idempotent, with clear errors."""

from __future__ import annotations

import pytest
from django.test import Client

from yankao.audit.models import AuditAction, AuditEntry
from yankao.cases.models import Case, CaseStatus

pytestmark = pytest.mark.django_db

INTAKE = {
    "case_type": "petition",
    "channel": "hotline",
    "category_code": "ROAD-SIDEWALK",
    "description": "光遠路人行道紅磚破損。",
    "district": "鳳山區",
    "petitioner": {"name": "王小明", "phone": "0912345123", "email": "ming@example.com"},
}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def create(user, **extra):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        "/api/v1/cases/", {**INTAKE, **extra}, content_type="application/json"
    )


def test_operator_records_a_case_and_a_retry_does_not_duplicate(categories, people):
    first = client_for(people["operator"]).post(
        "/api/v1/cases/", INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert first.status_code == 201
    body = first.json()
    assert body["status"] == "assigned" and body["lead_agency_code"] == "YK397110A01"
    assert body["petitioner"]["name"] == "王○明"  # masked even for the operator in lists
    assert len(body["tracking_code"]) == 8
    again = client_for(people["operator"]).post(
        "/api/v1/cases/", INTAKE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Case.objects.count() == 1


def test_agencies_cannot_record_and_bad_input_names_fields(categories, people):
    assert create(people["road_officer"]).status_code == 403
    bad = create(people["operator"], category_code="NOPE", description="")
    assert bad.status_code == 400
    assert set(bad.json()) >= {"category_code", "description"}
    bad = create(people["operator"], district="信義區")
    assert bad.status_code == 400 and "信義區" in bad.json()["district"][0]


def test_list_detail_and_actions_are_scoped(categories, people):
    case_id = create(people["operator"]).json()["id"]
    road = client_for(people["road_officer"])
    epb = client_for(people["epb_officer"])
    assert [c["id"] for c in road.get("/api/v1/cases/").json()["results"]] == [case_id]
    assert epb.get("/api/v1/cases/").json()["results"] == []
    assert epb.get(f"/api/v1/cases/{case_id}/").status_code == 404
    assert epb.post(f"/api/v1/cases/{case_id}/accept/").status_code == 404
    assert road.post(f"/api/v1/cases/{case_id}/accept/").json()["status"] == "accepted"
    # A move not allowed from the current state is a 400 with the reason.
    wrong = road.post(f"/api/v1/cases/{case_id}/accept/")
    assert wrong.status_code == 400 and "簽收" in str(wrong.json())
    # Agencies may not assign; the commission may.
    assert (
        road.post(
            f"/api/v1/cases/{case_id}/reassign/",
            {"agency_code": "397150000I", "note": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_extension_reply_and_history_over_the_api(categories, people):
    case_id = create(people["operator"]).json()["id"]
    road = client_for(people["road_officer"])
    road.post(f"/api/v1/cases/{case_id}/accept/")
    response = road.post(
        f"/api/v1/cases/{case_id}/request-extension/",
        {"extra_working_days": 5, "reason": "需會勘"},
        content_type="application/json",
    )
    assert response.status_code == 200
    extension_id = Case.objects.get(pk=case_id).extensions.get().pk
    decided = client_for(people["rdec_case"]).post(
        f"/api/v1/case-extensions/{extension_id}/decide/",
        {"approve": True, "note": "同意"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert (
        road.post(
            f"/api/v1/cases/{case_id}/reply/", {"handling": "短"}, content_type="application/json"
        ).status_code
        == 400
    )
    replied = road.post(
        f"/api/v1/cases/{case_id}/reply/",
        {"handling": "已修復人行道紅磚。", "basis": "市區道路條例"},
        content_type="application/json",
    )
    assert replied.json()["status"] == CaseStatus.REPLIED
    history = road.get(f"/api/v1/cases/{case_id}/history/").json()
    assert [h["action"] for h in history] == [
        "assign",
        "accept",
        "request_extension",
        "decide_extension",
        "reply",
    ]


def test_petitioner_reveal_is_audited_and_refused_to_others(categories, people):
    case_id = create(people["operator"]).json()["id"]
    revealed = client_for(people["road_officer"]).get(f"/api/v1/cases/{case_id}/petitioner/")
    assert revealed.status_code == 200 and revealed.json()["name"] == "王小明"
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_PERSONAL_DATA, actor_name="road.officer"
    ).exists()
    assert (
        client_for(people["epb_officer"]).get(f"/api/v1/cases/{case_id}/petitioner/").status_code
        == 404
    )
    assert (
        client_for(people["viewer"]).get(f"/api/v1/cases/{case_id}/petitioner/").status_code == 403
    )


def test_due_filters_and_category_suggestions(categories, people):
    import datetime as dt

    from django.utils import timezone

    case_id = create(people["operator"]).json()["id"]
    client = client_for(people["rdec_case"])
    assert client.get("/api/v1/cases/", {"due": "overdue"}).json()["count"] == 0
    Case.objects.filter(pk=case_id).update(deadline_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get("/api/v1/cases/", {"due": "overdue"}).json()["count"] == 1
    Case.objects.filter(pk=case_id).update(deadline_at=timezone.now() + dt.timedelta(hours=2))
    assert client.get("/api/v1/cases/", {"due": "soon"}).json()["count"] == 1
    found = client.get("/api/v1/case-categories/suggest/", {"text": "路上有個大坑洞"}).json()
    assert found[0]["code"] == "ROAD-POTHOLE"
