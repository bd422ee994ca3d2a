"""Plan pages: scoping on every page and download, the report form, import and analysis."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from yankao.audit.models import AuditEntry
from yankao.plans.conftest import make_plan
from yankao.plans.models import ProgressReport, ReportStatus

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def report_url(plan, year=2026, month=3) -> str:  # type: ignore[no-untyped-def]
    return reverse("plans:report", args=[plan.code, year, month])


def test_every_page_is_scoped_to_the_agency(plan, people, agencies):
    epb_plan = make_plan(agencies["epb"], code="115-EPB-001", name="空品改善計畫")
    pwb = client_for(people["pwb_officer"])
    listed = pwb.get(reverse("plans:list")).content.decode()
    assert plan.code in listed and epb_plan.code not in listed
    assert pwb.get(reverse("plans:detail", args=[epb_plan.code])).status_code == 404
    assert pwb.get(report_url(epb_plan)).status_code == 404
    assert pwb.post(report_url(epb_plan), {}).status_code == 404
    exported = pwb.get(reverse("plans:list") + "?export=csv").content.decode("utf-8-sig")
    assert plan.code in exported and epb_plan.code not in exported
    analysis = pwb.get(reverse("plans:analysis") + "?year=2026&month=3").content.decode()
    assert epb_plan.name not in analysis
    planner = client_for(people["planner"])
    assert epb_plan.code in planner.get(reverse("plans:list")).content.decode()


def test_agency_fills_the_report_and_bad_input_comes_back_in_chinese(plan, people):
    pwb = client_for(people["pwb_officer"])
    page = pwb.get(report_url(plan))
    assert page.status_code == 200 and "115年3月" in page.content.decode()
    bad = pwb.post(
        report_url(plan),
        {"actual_progress": "120", "actual_spending": "0", "revision": "0", "submit": "1"},
    )
    assert bad.status_code == 400 and "0至100" in bad.content.decode()
    behind = pwb.post(
        report_url(plan),
        {"actual_progress": "10", "actual_spending": "3000000", "revision": "0", "submit": "1"},
    )
    assert behind.status_code == 400 and "落後原因" in behind.content.decode()
    assert not ProgressReport.objects.exists()
    done = pwb.post(
        report_url(plan),
        {
            "actual_progress": "10",
            "actual_spending": "3000000",
            "revision": "0",
            "submit": "1",
            "lag_cause": "land",
            "remedy": "協調地主價購，預計5月完成。",
            "remedy_due": "115/5/31",
        },
    )
    assert done.status_code == 302
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED and report.progress_status == "behind"
    assert report.remedy_due == dt.date(2026, 5, 31)
    # Next month's form starts from this one.
    april = pwb.get(report_url(plan, month=4))
    assert april.context["form"].initial["actual_progress"] == report.actual_progress


def test_inline_check_shows_the_status_before_saving(plan, people):
    pwb = client_for(people["pwb_officer"])
    response = pwb.post(
        report_url(plan),
        {"actual_progress": "10", "actual_spending": "3000000", "revision": "0", "check": "1"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert response.status_code == 200 and "進度落後" in text and "落後原因" in text
    assert not ProgressReport.objects.exists()


def test_concurrent_edit_is_refused_on_the_page(plan, people):
    pwb, chief = client_for(people["pwb_officer"]), client_for(people["pwb_chief"])
    pwb.post(
        report_url(plan), {"actual_progress": "25", "actual_spending": "3000000", "revision": "0"}
    )
    both = {"actual_progress": "26", "actual_spending": "3000000", "revision": "1"}
    assert pwb.post(report_url(plan), both).status_code == 302
    stale = chief.post(report_url(plan), {**both, "actual_progress": "27"})
    assert stale.status_code == 400 and "重新載入" in stale.content.decode()
    assert ProgressReport.objects.get().actual_progress == 26


def test_analysis_page_and_downloads(plan, people, agencies):
    other = make_plan(agencies["pwb"], code="115-PWB-002", name="道路拓寬")
    pwb = client_for(people["pwb_officer"])
    pwb.post(
        report_url(plan),
        {
            "actual_progress": "10",
            "actual_spending": "3000000",
            "revision": "0",
            "submit": "1",
            "lag_cause": "land",
            "remedy": "協調地主價購。",
            "remedy_due": "115/5/31",
        },
    )
    planner = client_for(people["planner"])
    page = planner.get(reverse("plans:analysis") + "?year=2026&month=3").content.decode()
    assert "進度落後者1項，占50.00%" in page
    assert "協調地主價購" in page and other.code not in page.split("落後計畫")[-1][:50]
    docx = planner.get(reverse("plans:analysis_download", args=["docx"]) + "?year=2026&month=3")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "115年3月" in text and "進度落後者1項" in text
    xlsx = planner.get(reverse("plans:analysis_download", args=["xlsx"]) + "?year=2026&month=3")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert plan.code in [c.value for row in book.worksheets[2].iter_rows() for c in row]
    assert (
        AuditEntry.objects.filter(action="export", target_type="plan_monthly_analysis").count() == 2
    )


def test_submission_page(plan, people, agencies):
    make_plan(agencies["pwb"], code="115-PWB-002", name="道路拓寬")
    page = client_for(people["planner"]).get(reverse("plans:submission") + "?year=2026&month=3")
    text = page.content.decode()
    assert page.status_code == 200 and "115-PWB-002" in text and "0.00%" in text


def test_import_page_lists_errors_and_saves_nothing(people, agencies):
    planner = client_for(people["planner"])
    csv_text = "計畫編號,月份,預定累計進度,預定累計支用\nX-1,115/13,50,1\n"
    upload = io.BytesIO(csv_text.encode("utf-8"))
    upload.name = "作業計畫.csv"
    response = planner.post(reverse("plans:import"), {"file": upload})
    text = response.content.decode()
    assert response.status_code == 400 and "月份" in text and "X-1" in text


def test_agency_cannot_open_the_import_of_others_or_decide_work_plans(plan, people):
    pwb = client_for(people["pwb_officer"])
    wp = plan.work_plans.get()
    pwb.post(reverse("plans:decide_work_plan", args=[plan.code, wp.version]), {"approve": "0"})
    wp.refresh_from_db()
    assert wp.status == "approved"
    pwb.post(reverse("plans:release", args=[plan.code]), {"reason": "x"})
    plan.refresh_from_db()
    assert plan.status == "controlled"
