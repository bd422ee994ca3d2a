"""Works project pages: scoping of the list, detail, export, progress form and fill-in rates;
the fast progress form with inline checks; unannounced inspections hidden from agencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from yankao.audit.models import AuditEntry
from yankao.works.conftest import make_project
from yankao.works.models import Inspection, InspectionStatus, ProgressEntry

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


@pytest.fixture
def epb_project(agencies):  # type: ignore[no-untyped-def]
    return make_project(agencies["epb"], "EPB-115-001", name="仁武焚化廠周邊綠美化工程")


def test_every_page_and_download_is_scoped(project, epb_project, people):
    pwb = client_for(people["pwb_officer"])
    listed = pwb.get(reverse("works:projects")).content.decode()
    assert project.tender_number in listed and epb_project.tender_number not in listed
    assert pwb.get(reverse("works:project", args=[epb_project.pk])).status_code == 404
    assert pwb.get(reverse("works:progress", args=[epb_project.pk])).status_code == 404
    assert pwb.post(reverse("works:progress", args=[epb_project.pk]), {}).status_code == 404
    for fmt in ("csv", "xlsx"):
        download = pwb.get(reverse("works:projects") + f"?export={fmt}")
        assert download.status_code == 200
    exported = pwb.get(reverse("works:projects") + "?export=csv").content.decode("utf-8-sig")
    assert project.tender_number in exported and epb_project.tender_number not in exported
    assert "標案編號" in exported.splitlines()[0]
    assert AuditEntry.objects.filter(action="export").exists()
    rates = pwb.get(reverse("works:progress_rates") + "?year=2026&month=3").content.decode()
    assert "工務局" in rates and "環境保護局" not in rates and "環保局" not in rates
    inspector = client_for(people["inspector"])
    both = inspector.get(reverse("works:projects")).content.decode()
    assert project.tender_number in both and epb_project.tender_number in both
    assert (
        pwb.get(reverse("works:projects") + "?tier=large&q=鳳山")
        .content.decode()
        .count(project.tender_number)
    )
    assert (
        project.tender_number
        not in pwb.get(reverse("works:projects") + "?tier=small").content.decode()
    )


def test_viewer_reads_but_cannot_enter_progress(project, people):
    viewer = client_for(people["viewer"])
    assert viewer.get(reverse("works:project", args=[project.pk])).status_code == 200
    assert viewer.get(reverse("works:progress", args=[project.pk])).status_code == 403
    assert viewer.get(reverse("works:project_import")).status_code == 403


def test_planned_inspections_stay_hidden_from_the_agency(project, people):
    Inspection.objects.create(
        project=project,
        status=InspectionStatus.PLANNED,
        scheduled_on=dt.date(2026, 12, 3),
        created_by=people["inspector"],
    )
    pwb = client_for(people["pwb_officer"])
    page = pwb.get(reverse("works:project", args=[project.pk])).content.decode()
    assert "115年12月3日" not in page
    team = client_for(people["inspector"]).get(reverse("works:project", args=[project.pk]))
    assert "115年12月3日" in team.content.decode()


def test_fast_progress_form_prefills_and_checks_inline(project, people):
    pwb = client_for(people["pwb_officer"])
    url = reverse("works:progress", args=[project.pk])
    first = pwb.post(url, {"month": "2026-03", "planned_progress": "20", "actual_progress": "18"})
    assert first.status_code == 302
    page = pwb.get(url + "?month=2026-04").content.decode()
    assert 'value="2026-04"' in page and 'value="18.00"' in page and "已帶入民國115年3月" in page
    check = pwb.post(
        url,
        {"month": "2026-04", "planned_progress": "30", "actual_progress": "16", "check": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "落後原因" in check and "更正" in check and "14" in check
    assert ProgressEntry.objects.count() == 1
    ok = pwb.post(
        url,
        {"month": "2026-04", "planned_progress": "30", "actual_progress": "16", "check": "1"}
        | {"lag_reason": "地下管線遷移延宕", "correction_note": "三月重複估驗"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "可以儲存" in ok


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"month": "2026-04", "planned_progress": "120", "actual_progress": "10"}, "0 到 100"),
        ({"month": "2026-04", "planned_progress": "30", "actual_progress": "10"}, "落後原因"),
        ({"month": "2026-04", "planned_progress": "25", "actual_progress": "17"}, "更正"),
        ({"month": "2026-03", "planned_progress": "20", "actual_progress": "18"}, "已填報"),
        ({"month": "2025-11", "planned_progress": "20", "actual_progress": "18"}, "期間"),
        ({"month": "2026-4x", "planned_progress": "20", "actual_progress": "18"}, "年月"),
    ],
)
def test_bad_progress_is_refused_in_chinese(project, people, values, expected):
    pwb = client_for(people["pwb_officer"])
    url = reverse("works:progress", args=[project.pk])
    pwb.post(url, {"month": "2026-03", "planned_progress": "20", "actual_progress": "18"})
    response = pwb.post(url, values)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert ProgressEntry.objects.count() == 1


def test_detail_shows_progress_curve_and_late_entries(project, people):
    ProgressEntry.objects.create(
        project=project,
        month=dt.date(2026, 3, 1),
        planned_progress=Decimal(20),
        actual_progress=Decimal(8),
        lag_reason="用地取得延宕",
        late=True,
    )
    page = client_for(people["pwb_officer"]).get(reverse("works:project", args=[project.pk]))
    html = page.content.decode()
    assert "chart-works-progress" in html and "用地取得延宕" in html and "逾期" in html


def test_fill_in_rates_page(project, people, agencies):
    make_project(agencies["pwb"], "PWB-115-002")
    ProgressEntry.objects.create(
        project=project,
        month=dt.date(2026, 3, 1),
        planned_progress=Decimal(20),
        actual_progress=Decimal(20),
    )
    page = client_for(people["inspector"]).get(
        reverse("works:progress_rates") + "?year=2026&month=3"
    )
    html = page.content.decode()
    assert page.status_code == 200 and "50%" in html and "PWB-115-002" in html


def test_navigation_shows_works_to_the_right_roles(people):
    home = client_for(people["pwb_officer"]).get(reverse("works:projects")).content.decode()
    assert reverse("works:projects") in home and reverse("works:planning") not in home
    team = client_for(people["inspector"]).get(reverse("works:projects")).content.decode()
    assert reverse("works:planning") in team
