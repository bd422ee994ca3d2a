"""The inspections API: scoped like the pages (planned visits hidden from agencies, another
agency's records 404), the grade never accepted, a stale draft 409, remedies with photos."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from yankao.works.conftest import make_project
from yankao.works.models import DefectStatus, InspectionStatus, PenaltyFollowUp
from yankao.works.services import inspections as service

from .test_inspections import LEAF, png

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(user)
    return client


def body(**extra: Any) -> dict[str, Any]:
    return {
        "inspected_on": "2026-11-20",
        "members": [
            {"name": "外聘委員甲", "external": True, "score": 78},
            {"name": "委員乙", "external": False, "score": 79},
        ],
        "supervisor_engineer_present": True,
        "contractor_engineer_present": True,
        "defects": [{"code": LEAF, "description": "監造計畫缺漏"}],
        **extra,
    }


@pytest.fixture
def inspection(reference: None, people: dict[str, Any], agencies: dict[str, Any]) -> Any:
    project = make_project(agencies["pwb"])
    return service.new_inspection(project, people["inspector"], scheduled_on=dt.date(2026, 11, 20))


def test_record_send_remedy_verify_through_the_api(inspection, people):
    team, agency = api(people["inspector"]), api(people["pwb_officer"])
    url = f"/api/v1/works-inspections/{inspection.pk}/"
    assert agency.get(url).status_code == 404  # unannounced
    assert agency.get("/api/v1/works-inspections/").json()["count"] == 0
    stale = team.post(url + "draft/", {"revision": 99, "values": {"a": "b"}}, format="json")
    assert stale.status_code == 409 and stale.json()["detail"]
    saved = team.post(
        url + "draft/", {"revision": inspection.revision, "values": {"a": "b"}}, format="json"
    )
    assert saved.status_code == 200
    typed = team.post(url + "record/", body(grade="excellent", score=95), format="json")
    assert typed.status_code == 400
    assert "不可自行輸入" in str(typed.json())
    bad = team.post(
        url + "record/",
        body(members=[{"name": "委員甲", "external": True, "score": 120}]),
        format="json",
    )
    assert bad.status_code == 400 and "members" in bad.json()
    assert agency.post(url + "record/", body(), format="json").status_code == 404
    done = team.post(url + "record/", body(), format="json")
    assert done.status_code == 200, done.json()
    recorded = done.json()["inspection"]
    assert (recorded["score"], recorded["grade"], recorded["status"]) == (79, "b", "recorded")
    assert team.post(url + "send/").json()["status"] == InspectionStatus.SENT
    listed = agency.get("/api/v1/works-inspections/").json()
    assert [i["id"] for i in listed["results"]] == [inspection.pk]
    assert api(people["epb_officer"]).get(url).status_code == 404
    defect_id = recorded["defects"][0]["id"]
    durl = f"/api/v1/works-defects/{defect_id}/"
    assert api(people["epb_officer"]).get(durl).status_code == 404
    not_photo = agency.post(
        durl + "report/",
        {"remediation": "已補提", "photos": [_text_file()]},
        format="multipart",
    )
    assert not_photo.status_code == 400 and "photos" in not_photo.json()
    reported = agency.post(
        durl + "report/", {"remediation": "已補提", "photos": [png()]}, format="multipart"
    )
    assert reported.status_code == 200 and reported.json()["status"] == DefectStatus.REPORTED
    assert agency.post(durl + "verify/", {"accept": True}, format="json").status_code == 403
    closed = team.post(durl + "verify/", {"accept": True}, format="json")
    assert closed.json()["status"] == DefectStatus.CLOSED
    assert team.post(url + "close/").json()["status"] == InspectionStatus.CLOSED
    detail = agency.get(durl).json()
    assert [e["action"] for e in detail["events"]] == ["report", "close"]


def _text_file() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("notes.png", "只是文字".encode(), content_type="image/png")


def test_extensions_and_penalties_through_the_api(inspection, people):
    team, agency = api(people["inspector"]), api(people["pwb_officer"])
    done = team.post(
        f"/api/v1/works-inspections/{inspection.pk}/record/",
        body(compaction_failed=True),
        format="json",
    ).json()["inspection"]
    assert (done["score"], done["grade"]) == (69, "c")
    durl = f"/api/v1/works-defects/{done['defects'][0]['id']}/"
    asked = agency.post(
        durl + "request-extension/", {"until": "2027-01-31", "reason": "材料缺貨"}, format="json"
    )
    assert asked.status_code == 200
    assert (
        agency.post(durl + "decide-extension/", {"approve": True}, format="json").status_code == 403
    )
    approved = team.post(durl + "decide-extension/", {"approve": True}, format="json").json()
    assert approved["deadline"] == "2027-01-31" and approved["extension_approved"] is True
    penalty = PenaltyFollowUp.objects.get()
    purl = f"/api/v1/works-penalties/{penalty.pk}/"
    assert agency.get("/api/v1/works-penalties/").json()["count"] == 1
    assert api(people["epb_officer"]).get(purl).status_code == 404
    bad = team.post(purl + "close/", {"measures": ["nonsense"], "outcome": ""}, format="json")
    assert bad.status_code == 400
    assert (
        agency.post(
            purl + "close/", {"measures": ["staff_discipline"], "outcome": "已議處"}, format="json"
        ).status_code
        == 403
    )
    closed = team.post(
        purl + "close/", {"measures": ["staff_discipline"], "outcome": "已議處"}, format="json"
    )
    assert closed.json()["status"] == "closed"


def test_new_and_re_inspections_are_the_teams(inspection, people):
    team, agency = api(people["inspector"]), api(people["pwb_officer"])
    refused = agency.post(
        "/api/v1/works-inspections/", {"tender_number": "PWB-115-001"}, format="json"
    )
    assert refused.status_code == 403
    made = team.post(
        "/api/v1/works-inspections/",
        {"tender_number": "PWB-115-001", "original": inspection.pk},
        format="json",
    )
    assert made.status_code == 201 and made.json()["original"] == inspection.pk
