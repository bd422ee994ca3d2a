"""Supervision meetings: the agenda of behind plans, decisions as follow-up items, their
workflow, scoping on every page and API endpoint, and the agency's home page."""

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
from rest_framework.test import APIClient

from yankao.plans import meetings, services
from yankao.plans.conftest import linear_targets, make_plan
from yankao.plans.models import FollowUp, FollowUpStatus, LagCause, ProgressStatus, ReviewedPlan

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
HELD = dt.date(2026, 4, 15)


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(user)
    return client


def report(plan: Any, user: Any, progress: str, spending: int) -> None:
    behind = {"lag_cause": LagCause.LAND, "remedy": "加速協議價購", "remedy_due": HELD}
    services.save_report(
        plan,
        MARCH,
        services.ReportData(Decimal(progress), Decimal(spending), **behind),
        user,
        submit=True,
    )


@pytest.fixture
def month(plan: Any, people: dict[str, Any], agencies: dict[str, Any]) -> dict[str, Any]:
    """March: the PWB plan is behind (10% against 25%), an EPB plan is on schedule."""
    epb = make_plan(agencies["epb"], code="115-EPB-001", name="空品改善計畫")
    services.decide_work_plan(
        services.submit_work_plan(epb, people["epb_officer"], linear_targets()),
        people["planner"],
        approve=True,
    )
    report(plan, people["pwb_officer"], "10", 3_000_000)
    report(epb, people["epb_officer"], "25", 3_000_000)
    return {"pwb": plan, "epb": epb}


def hold(people: dict[str, Any], **extra: Any) -> Any:
    return meetings.hold_meeting(
        people["planner"],
        title="115年3月列管計畫督導會報",
        held_on=HELD,
        report_month=MARCH,
        **extra,
    )


def test_the_agenda_is_every_behind_plan_with_its_standing_kept(month, people):
    meeting = hold(people)
    agenda = list(ReviewedPlan.objects.filter(meeting=meeting))
    assert [a.plan for a in agenda] == [month["pwb"]]
    assert agenda[0].progress_status == ProgressStatus.BEHIND and agenda[0].lag == Decimal("15")
    chosen = hold(people, plans=[month["pwb"], month["epb"]])
    assert chosen.agenda.count() == 2


def test_bad_meetings_are_refused_in_chinese(month, people, settings):
    settings.LANGUAGE_CODE = "zh-hant"
    with pytest.raises(PermissionDenied):
        hold({"planner": people["pwb_officer"]})
    with pytest.raises(ValidationError) as caught:
        meetings.hold_meeting(
            people["planner"], title=" ", held_on=dt.date(2026, 2, 1), report_month=MARCH
        )
    assert set(caught.value.message_dict) == {"title", "report_month"}
    with pytest.raises(ValidationError) as caught:
        meetings.hold_meeting(
            people["planner"], title="四月會報", held_on=HELD, report_month=dt.date(2026, 4, 1)
        )
    assert "沒有進度落後" in str(caught.value)
    from yankao.plans.models import SupervisionMeeting

    assert not SupervisionMeeting.objects.exists()


def test_a_decision_is_followed_until_the_commission_releases_it(month, people):
    meeting = hold(people)
    item = meetings.add_decision(
        meeting,
        people["planner"],
        decision="請工務局於5月底前完成用地協議價購",
        due_date=dt.date(2026, 5, 31),
        plan=month["pwb"],
    )
    assert item.agency == month["pwb"].agency and item.status == FollowUpStatus.OPEN
    with pytest.raises(PermissionDenied):
        meetings.report_handling(item, people["epb_officer"], "不是我們的")
    with pytest.raises(ValidationError):
        meetings.report_handling(item, people["pwb_officer"], "  ")
    item = meetings.report_handling(item, people["pwb_officer"], "已完成協議價購3筆")
    assert item.status == FollowUpStatus.REPORTED and item.handling == "已完成協議價購3筆"
    with pytest.raises(PermissionDenied):
        meetings.release(item, people["pwb_officer"])
    with pytest.raises(ValidationError):
        meetings.keep_following(item, people["planner"], "")
    item = meetings.keep_following(item, people["planner"], "尚有2筆未完成")
    assert item.status == FollowUpStatus.OPEN
    item = meetings.release(
        meetings.report_handling(item, people["pwb_officer"], "全部完成"), people["planner"]
    )
    assert item.status == FollowUpStatus.RELEASED
    with pytest.raises(ValidationError) as caught:
        meetings.report_handling(item, people["pwb_officer"], "再報一次")
    assert caught.value.messages == ["此追蹤事項目前為「已解除追蹤」，現在不能執行此動作。"]
    actions = list(item.events.values_list("action", flat=True))
    assert actions == ["create", "report", "continue", "report", "release"]


def test_bad_decisions_are_refused(month, people):
    meeting = hold(people)
    with pytest.raises(ValidationError) as caught:
        meetings.add_decision(meeting, people["planner"], decision="", due_date=dt.date(2026, 4, 1))
    assert set(caught.value.message_dict) == {"decision", "agency", "due_date"}
    with pytest.raises(ValidationError) as caught:
        meetings.add_decision(
            meeting, people["planner"], decision="x", due_date=HELD, plan=month["epb"]
        )
    assert "plan" in caught.value.message_dict
    assert not FollowUp.objects.exists()


def test_pages_are_scoped_and_the_agency_home_shows_outstanding_items(month, people, agencies):
    meeting = hold(people)
    mine = meetings.add_decision(
        meeting,
        people["planner"],
        decision="工務局辦理",
        due_date=dt.date(2026, 5, 1),
        plan=month["pwb"],
    )
    theirs = meetings.add_decision(
        meeting,
        people["planner"],
        decision="環保局協助",
        due_date=dt.date(2026, 5, 1),
        agency=agencies["epb"],
    )
    pwb = client_for(people["pwb_officer"])
    listed = pwb.get(reverse("plans:follow_ups")).content.decode()
    assert "工務局辦理" in listed and "環保局協助" not in listed
    assert pwb.get(reverse("plans:follow_up", args=[theirs.pk])).status_code == 404
    assert (
        pwb.post(reverse("plans:follow_up", args=[theirs.pk]), {"action": "report"}).status_code
        == 404
    )
    page = pwb.get(reverse("plans:meeting", args=[meeting.pk])).content.decode()
    assert "工務局辦理" in page and "環保局協助" not in page
    home = pwb.get(reverse("home")).content.decode()
    assert "追蹤事項" in home and "工務局辦理" in home and "逾期" in home  # due 2026-05-01
    road = client_for(people["road_officer"])
    assert road.get(reverse("plans:meeting", args=[meeting.pk])).status_code == 404
    assert road.get(reverse("plans:meeting_download", args=[meeting.pk])).status_code == 404
    assert "工務局辦理" not in road.get(reverse("plans:follow_ups")).content.decode()
    assert pwb.get(reverse("plans:meeting_new")).status_code == 403
    done = pwb.post(
        reverse("plans:follow_up", args=[mine.pk]), {"action": "report", "handling": "已辦理完成"}
    )
    assert done.status_code == 302
    planner_home = client_for(people["planner"]).get(reverse("home")).content.decode()
    assert "待解除追蹤的事項" in planner_home and "工務局辦理" in planner_home


def test_the_controller_records_a_meeting_and_its_decisions_in_the_browser_forms(month, people):
    planner = client_for(people["planner"])
    page = planner.get(reverse("plans:meeting_new") + "?year=2026&month=3").content.decode()
    assert "該月有1項計畫進度落後" in page and month["pwb"].code in page
    bad = planner.post(
        reverse("plans:meeting_new") + "?year=2026&month=3",
        {"title": "", "held_on": "115/04/15"},
    )
    assert bad.status_code == 400 and "請至少勾選一項檢討計畫" in bad.content.decode()
    made = planner.post(
        reverse("plans:meeting_new") + "?year=2026&month=3",
        {"title": "三月督導會報", "held_on": "115/04/15", "plans": [month["pwb"].pk]},
    )
    assert made.status_code == 302
    meeting = month["pwb"].meetings.get()
    late = planner.post(
        reverse("plans:meeting_decision", args=[meeting.pk]),
        {"decision": "加速辦理", "plan": month["pwb"].pk, "due_date": "115/04/01"},
    )
    assert late.status_code == 400 and "不得早於開會日期" in late.content.decode()
    planner.post(
        reverse("plans:meeting_decision", args=[meeting.pk]),
        {"decision": "加速辦理用地取得", "plan": month["pwb"].pk, "due_date": "115/05/31"},
    )
    item = FollowUp.objects.get()
    assert item.agency == month["pwb"].agency
    record = planner.get(reverse("plans:meeting_download", args=[meeting.pk]))
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(record.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "加速辦理用地取得" in text and month["pwb"].code in text and "民國115年5月31日" in text


def test_the_api_runs_the_same_workflow_and_is_scoped(month, people, agencies):
    planner = api(people["planner"])
    created = planner.post(
        "/api/v1/supervision-meetings/",
        {"title": "三月會報", "held_on": "2026-04-15", "report_month": "2026-03-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    meeting_id = created.json()["id"]
    assert [a["plan_code"] for a in created.json()["agenda"]] == [month["pwb"].code]
    decision = planner.post(
        f"/api/v1/supervision-meetings/{meeting_id}/decisions/",
        {"decision": "加速辦理", "due_date": "2026-05-31", "plan_code": month["pwb"].code},
        format="json",
    )
    assert (
        decision.status_code == 201 and decision.json()["agency_code"] == month["pwb"].agency.code
    )
    item_id = decision.json()["id"]
    bad = planner.post(
        f"/api/v1/supervision-meetings/{meeting_id}/decisions/",
        {"decision": "x", "due_date": "2026-01-01", "agency_code": agencies["epb"].code},
        format="json",
    )
    assert bad.status_code == 400 and "不得早於開會日期" in str(bad.json())
    epb = api(people["epb_officer"])
    assert epb.get(f"/api/v1/follow-ups/{item_id}/").status_code == 404
    assert epb.get(f"/api/v1/supervision-meetings/{meeting_id}/").status_code == 404
    assert epb.get("/api/v1/follow-ups/").json()["results"] == []
    assert epb.post(f"/api/v1/follow-ups/{item_id}/report/", {"handling": "x"}).status_code == 404
    pwb = api(people["pwb_officer"])
    assert pwb.post("/api/v1/supervision-meetings/", {}, format="json").status_code in (400, 403)
    reported = pwb.post(
        f"/api/v1/follow-ups/{item_id}/report/", {"handling": "完成"}, format="json"
    )
    assert reported.status_code == 200 and reported.json()["status"] == "reported"
    assert pwb.post(f"/api/v1/follow-ups/{item_id}/release/", {}, format="json").status_code == 403
    released = planner.post(
        f"/api/v1/follow-ups/{item_id}/release/", {"note": "同意"}, format="json"
    )
    assert released.json()["status"] == "released"
    again = pwb.post(f"/api/v1/follow-ups/{item_id}/report/", {"handling": "x"}, format="json")
    assert again.status_code == 400 and "已解除追蹤" in str(again.json())
    detail = pwb.get(f"/api/v1/follow-ups/{item_id}/").json()
    assert [e["action"] for e in detail["events"]] == ["create", "report", "release"]


def test_the_controller_closes_a_month_and_its_reports_become_final(month, people):
    pwb = client_for(people["pwb_officer"])
    close = reverse("plans:close_month", args=[2026, 3])
    assert pwb.post(close, {"confirm": "1"}).status_code == 403
    planner = client_for(people["planner"])
    unconfirmed = planner.post(close, follow=True).content.decode()
    assert "請勾選確認" in unconfirmed and services.reporting_month(MARCH).closed_at is None
    page = planner.post(close, {"confirm": "1"}, follow=True).content.decode()
    assert "民國115年3月填報已截止" in page and "本月填報已截止" in page
    assert services.reporting_month(MARCH).closed_at is not None
    with pytest.raises(ValidationError):
        report(month["pwb"], people["pwb_officer"], "12", 3_000_000)
