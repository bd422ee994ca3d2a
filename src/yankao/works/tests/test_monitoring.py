"""Citizen works monitoring: a works-site 1999 case becomes a report, the report goes to
closure with the reporter told, statistics, scoping on pages and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from yankao.cases import services as cases
from yankao.cases.models import CaseType, Category, Channel, ReplyChannel
from yankao.works.conftest import make_project
from yankao.works.models import (
    Inspection,
    InspectionStatus,
    MonitoringItem,
    MonitoringReport,
    MonitoringStatus,
)
from yankao.works.services import monitoring

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


@pytest.fixture
def fence(agencies: dict[str, Any]) -> Category:
    group = Category.objects.create(code="WORKS", name_zh="公共工程", sort_order=1)
    return Category.objects.create(
        code="WORKS-FENCE",
        parent=group,
        name_zh="施工圍籬",
        case_type=CaseType.PETITION,
        agency=agencies["pwb"],
        deadline_working_days=6,
        works_site=True,
    )


def record_case(category: Category, email: str = "citizen@example.tw") -> Any:
    case, _code = cases.create_case(
        cases.Intake(
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            description="鳳山區光復路施工圍籬倒塌占用人行道",
            category=category,
            district="鳳山區",
            address="鳳山區光復路二段",
            petitioner=cases.PetitionerData(
                name="王小明", email=email, reply_channel=ReplyChannel.EMAIL
            ),
        )
    )
    return case


def test_a_works_site_case_becomes_a_report_once(reference, fence, agencies):
    from yankao.works.tasks import file_works_site_cases

    case = record_case(fence)
    assert not MonitoringReport.objects.exists()  # intake does not wait for works inspection
    assert file_works_site_cases.call() == 1  # the worker's hand-off
    report = MonitoringReport.objects.get(case=case)
    assert report.item.code == "W02" and report.agency == fence.agency
    assert report.number.startswith("115W") and report.status == MonitoringStatus.RECEIVED
    assert report.survey_due > report.received_on  # two working days
    assert monitoring.report_from_case(case) == report  # a second delivery changes nothing
    assert monitoring.file_missing_cases() == 0
    assert MonitoringReport.objects.count() == 1


def test_a_case_moved_to_a_works_site_category_is_filed_too(reference, fence, agencies):
    other = Category.objects.create(
        code="ROAD-OTHER",
        parent=fence.parent,
        name_zh="其他道路",
        case_type=CaseType.PETITION,
        agency=agencies["pwb"],
    )
    case = record_case(other)
    assert monitoring.file_missing_cases() == 0
    case.category = fence
    case.save(update_fields=["category"])
    assert monitoring.file_missing_cases() == 1
    assert MonitoringReport.objects.get().case == case


def test_the_sweep_runs_every_minute_by_default():
    from yankao.core.services import registered_periodic

    job = registered_periodic()["yankao.works.tasks.file_works_site_cases"]
    assert job.every == dt.timedelta(minutes=1)


def test_unmapped_category_goes_to_the_default_item(reference, fence):
    fence.code = "WORKS-OTHER"
    fence.save()
    report = monitoring.report_from_case(record_case(fence))
    assert report is not None and report.item.code == "G04"


def test_report_goes_to_closure_and_the_reporter_is_told(
    reference, fence, people, django_capture_on_commit_callbacks
):
    report = monitoring.report_from_case(record_case(fence))
    assert report is not None
    pwb, team = people["pwb_officer"], people["inspector"]
    with pytest.raises(ValidationError):
        monitoring.transition(report, "survey", pwb, note="")
    with pytest.raises(PermissionDenied):
        monitoring.transition(report, "survey", people["epb_officer"], note="現場查看")
    report = monitoring.transition(
        report, "survey", pwb, note="圍籬倒塌屬實", today=dt.date(2026, 11, 23)
    )
    assert report.remediation_due == dt.date(2026, 12, 2)  # seven working days
    with pytest.raises(ValidationError) as caught:
        monitoring.transition(report, "close", team)
    assert "已會勘" in str(caught.value)
    report = monitoring.transition(report, "report_remedy", pwb, note="已扶正圍籬並加固")
    with pytest.raises(PermissionDenied):
        monitoring.transition(report, "close", pwb)
    report = monitoring.transition(report, "return", team, note="仍有一段未加固")
    assert report.status == MonitoringStatus.REMEDIATING
    report = monitoring.transition(report, "report_remedy", pwb, note="全段加固完成")
    with django_capture_on_commit_callbacks(execute=True):
        report = monitoring.transition(report, "close", team)
    assert report.status == MonitoringStatus.CLOSED and report.confirmed_by == team
    assert report.reporter_informed_at is not None
    assert any("全段加固完成" in m.body for m in mail.outbox)
    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["receive", "survey", "report_remedy", "return", "report_remedy", "close"]
    with pytest.raises(PermissionDenied):
        monitoring.record_satisfaction(report, True, pwb)
    assert monitoring.record_satisfaction(report, True, team).satisfied is True


def test_statistics_give_handling_days_satisfaction_and_inspection_rate(
    reference, people, agencies
):
    team = people["inspector"]
    item = MonitoringItem.objects.get(code="W03")
    inspected, other = make_project(agencies["pwb"]), make_project(agencies["pwb"], "PWB-115-002")
    first = monitoring.record_report(
        team,
        item=item,
        agency=agencies["pwb"],
        description="工地未設安全護欄",
        received_on=dt.date(2026, 3, 2),
        project=inspected,
    )
    monitoring.record_report(
        team,
        item=item,
        agency=agencies["pwb"],
        description="工地夜間施工無照明",
        received_on=dt.date(2026, 3, 3),
        project=other,
    )
    monitoring.transition(first, "survey", team, note="屬實", today=dt.date(2026, 3, 3))
    monitoring.transition(first, "close_without_remedy", team, today=dt.date(2026, 3, 16))
    monitoring.record_satisfaction(MonitoringReport.objects.get(pk=first.pk), False, team)
    Inspection.objects.create(
        project=inspected,
        inspected_on=dt.date(2026, 4, 1),
        status=InspectionStatus.RECORDED,
        score=82,
        grade="a",
        created_by=team,
    )
    figures = monitoring.stats(
        MonitoringReport.objects.all(), dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )
    assert (figures.received, figures.closed) == (2, 1)
    assert figures.average_working_days == 10  # 3/2 → 3/16: ten working days
    assert figures.within_limit == 1 and figures.satisfaction_rate == 0
    assert figures.inspection_rate == 50


def test_bad_reports_are_refused_in_chinese(reference, people, agencies):
    item = MonitoringItem.objects.get(code="W01")
    epb_project = make_project(agencies["epb"], "EPB-115-001")
    with pytest.raises(PermissionDenied):
        monitoring.record_report(
            people["pwb_officer"],
            item=item,
            agency=agencies["pwb"],
            description="x",
            received_on=dt.date(2026, 3, 2),
        )
    with pytest.raises(ValidationError) as caught:
        monitoring.record_report(
            people["inspector"],
            item=item,
            agency=agencies["pwb"],
            description=" ",
            received_on=dt.date(2099, 1, 1),
            project=epb_project,
        )
    assert set(caught.value.message_dict) == {"description", "received_on", "project"}
    assert "此標案屬於其他機關" in str(caught.value)
    assert not MonitoringReport.objects.exists()


def test_pages_are_scoped_and_the_team_records_in_the_browser_forms(reference, people, agencies):
    item = MonitoringItem.objects.get(code="W01")
    team = client_for(people["inspector"])
    made = team.post(
        reverse("works:monitoring_new"),
        {
            "item": item.pk,
            "agency": agencies["epb"].pk,
            "description": "路面坑洞未回填",
            "received_on": "115/03/02",
            "district": "前鎮區",
        },
    )
    assert made.status_code == 302
    report = MonitoringReport.objects.get()
    bad = team.post(
        reverse("works:monitoring_new"), {"item": item.pk, "agency": agencies["epb"].pk}
    )
    assert bad.status_code == 400 and "此為必需欄位" in bad.content.decode()
    pwb = client_for(people["pwb_officer"])
    assert report.number not in pwb.get(reverse("works:monitoring_list")).content.decode()
    assert pwb.get(reverse("works:monitoring", args=[report.pk])).status_code == 404
    assert (
        pwb.post(reverse("works:monitoring", args=[report.pk]), {"action": "survey"}).status_code
        == 404
    )
    assert pwb.get(reverse("works:monitoring_new")).status_code == 403
    epb = client_for(people["epb_officer"])
    page = epb.get(reverse("works:monitoring", args=[report.pk])).content.decode()
    assert "登錄會勘結果" in page
    refused = epb.post(
        reverse("works:monitoring", args=[report.pk]), {"action": "survey", "note": ""}
    )
    assert refused.status_code == 400 and "請填寫會勘結果" in refused.content.decode()
    done = epb.post(
        reverse("works:monitoring", args=[report.pk]), {"action": "survey", "note": "已會勘"}
    )
    assert done.status_code == 302
    assert "逾期" in team.get(reverse("works:monitoring_list") + "?tab=overdue").content.decode()


def test_the_api_runs_the_report_and_is_scoped(reference, people, agencies):
    from rest_framework.test import APIClient

    def api(user: Any) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
        client.force_authenticate(user)
        return client

    team = api(people["inspector"])
    body = {
        "item_code": "W03",
        "agency_code": agencies["pwb"].code,
        "description": "工地無護欄",
        "received_on": "2026-03-02",
    }
    made = team.post("/api/v1/works-monitoring-reports/", body, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert (
        api(people["pwb_officer"])
        .post("/api/v1/works-monitoring-reports/", body, format="json")
        .status_code
        == 403
    )
    epb = api(people["epb_officer"])
    assert epb.get(f"/api/v1/works-monitoring-reports/{pk}/").status_code == 404
    assert epb.get("/api/v1/works-monitoring-reports/").json()["results"] == []
    pwb = api(people["pwb_officer"])
    bad = pwb.post(
        f"/api/v1/works-monitoring-reports/{pk}/step/", {"action": "survey"}, format="json"
    )
    assert bad.status_code == 400 and "請填寫會勘結果" in str(bad.json())
    ok = pwb.post(
        f"/api/v1/works-monitoring-reports/{pk}/step/",
        {"action": "survey", "note": "屬實"},
        format="json",
    )
    assert ok.json()["status"] == "surveyed"
    closing = pwb.post(
        f"/api/v1/works-monitoring-reports/{pk}/step/",
        {"action": "close_without_remedy"},
        format="json",
    )
    assert closing.status_code == 403
    done = team.post(
        f"/api/v1/works-monitoring-reports/{pk}/step/",
        {"action": "close_without_remedy"},
        format="json",
    )
    assert done.json()["status"] == "closed"
    events = pwb.get(f"/api/v1/works-monitoring-reports/{pk}/").json()["events"]
    assert [e["action"] for e in events] == ["receive", "survey", "close_without_remedy"]


def test_home_pages_list_reports_and_progress_to_act_on(reference, people, agencies):
    item = MonitoringItem.objects.get(code="W01")
    report = monitoring.record_report(
        people["inspector"],
        item=item,
        agency=agencies["epb"],
        description="路面坑洞",
        received_on=dt.date(2026, 3, 2),
    )
    make_project(agencies["epb"], "EPB-115-009", actual_start=dt.date(2026, 1, 5))
    epb = client_for(people["epb_officer"]).get(reverse("home")).content.decode()
    assert "待處理的全民督工通報" in epb and report.number in epb
    assert "應填報的工程進度" in epb and "EPB-115-009" in epb
    pwb = client_for(people["pwb_officer"]).get(reverse("home")).content.decode()
    assert report.number not in pwb and "EPB-115-009" not in pwb
    team = client_for(people["inspector"]).get(reverse("home")).content.decode()
    assert report.number in team  # overdue for its survey
