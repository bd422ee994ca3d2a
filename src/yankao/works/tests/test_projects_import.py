"""Importing the national tender system's export: row-level errors before anything is saved,
clean rows only on request, idempotent, and the real 標案管理資料 sample."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from yankao.agencies.factories import AgencyFactory
from yankao.works import importing
from yankao.works.conftest import make_project
from yankao.works.models import ProgressEntry, ProjectStatus, WorksProject

pytestmark = pytest.mark.django_db

SAMPLE = Path("/work/shared/data/pcc-inspection/wra_tender_progress.csv")
MARCH_2022 = dt.date(2022, 3, 1)
HEADER = (
    "序號,執行機關,編號,標案名稱,決標金額,變更設計後契約金額,設計單位,監造單位,得標廠商,縣市鄉鎮,"
    "X座標,Y座標,詳細地點,工程概要,實際開工日期,原合約預定完工日,變更後預定完工日,預定進度%,"
    "實際進度%,狀態,已估驗計價金額,歸屬計畫"
)


def csv_file(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8"))


def run(user, upload, month=MARCH_2022, name="export.csv", only_clean=False):  # type: ignore[no-untyped-def]
    result = importing.check(upload, name, user, month)
    if not result.errors or only_clean:
        importing.save(result, user, only_clean=only_clean)
    return result


GOOD = (
    "1,高雄市政府工務局新建工程處,B1100315,五甲尾抽水站設施更新改善應急工程,30470000,37469761,,"
    "甲工程顧問有限公司,乙營造有限公司,高雄市岡山區,,,高雄市岡山區五甲尾,,1100525,1110320,1110421,"
    "77.79,90.51,施工中,,"
)
AWARDED = (
    "2,高雄市政府工務局,B1110225,橋頭區公厝北路集水井應急工程,3270000,,,,丙營造,(未填),,,,,,,,"
    "已決標預定1110401開工,,,,"
)


def test_a_clean_file_is_saved_and_importing_it_again_adds_nothing(people, agencies):
    officer = people["pwb_officer"]
    result = run(officer, csv_file(GOOD, AWARDED))
    assert not result.errors and (result.created, result.entries_created) == (2, 1)
    project = WorksProject.objects.get(tender_number="B1100315")
    assert project.agency == agencies["pwb"]  # 工務局新建工程處 is a section of 工務局
    assert project.budget_amount == Decimal(30470000) and project.award_amount == Decimal(30470000)
    assert (project.change_orders, project.change_order_cost) == (1, Decimal(6999761))
    assert project.actual_start == dt.date(2021, 5, 25)
    assert project.planned_end == dt.date(2022, 4, 21) and project.change_order_days == 32
    assert (project.district, project.status) == ("岡山區", ProjectStatus.UNDER_CONSTRUCTION)
    entry = ProgressEntry.objects.get(project=project)
    assert (entry.month, entry.actual_progress, entry.late) == (MARCH_2022, Decimal("90.51"), True)
    awarded = WorksProject.objects.get(tender_number="B1110225")
    assert awarded.status == ProjectStatus.AWARDED and awarded.planned_start == dt.date(2022, 4, 1)
    again = run(officer, csv_file(GOOD, AWARDED))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (again.entries_created, again.entries_unchanged) == (0, 1)
    assert WorksProject.objects.count() == 2 and ProgressEntry.objects.count() == 1


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(people, agencies):
    make_project(agencies["epb"], "EPB-001")
    rows = [
        GOOD,
        "3,高雄市政府工務局,,無編號工程,abc,,,,,,,,,,1100525,,,10,10,施工中,,",  # number; amount
        "4,高雄市政府工務局,B2,進度超過百分百,5000000,,,,,,,,,,1100525,,,120,10,施工中,,",
        "5,高雄市政府工務局,B3,落後未說明,5000000,,,,,,,,,,1100525,,,50,30,施工中,,",
        "6,高雄市政府工務局,B4,狀態不明,5000000,,,,,,,,,,1100525,,,10,10,趕工中,,",
        "7,某縣政府,B5,外縣市,5000000,,,,,,,,,,1100525,,,10,10,施工中,,",
        "8,高雄市政府工務局,EPB-001,別人的標案,5000000,,,,,,,,,,1100525,,,10,10,施工中,,",
        "9,高雄市政府工務局,B1100315,重複編號,5000000,,,,,,,,,,1100525,,,10,10,施工中,,",
        "10,高雄市政府工務局,B6,開工前進度,5000000,,,,,,,,,,1110601,,,10,10,施工中,,",
        "11,高雄市政府工務局,B7,日期錯誤,5000000,,,,,,,,,,1101345,,,10,10,施工中,,",
    ]
    result = run(people["pwb_officer"], csv_file(*rows))
    found = {(e.line, e.column) for e in result.errors}
    assert {
        (3, "編號"),
        (3, "決標金額"),
        (4, "預定進度%"),
        (5, "落後原因"),
        (6, "狀態"),
        (7, "執行機關"),
        (8, "編號"),
        (9, "編號"),
        (10, "實際開工日期"),
        (11, "實際開工日期"),
    } <= found
    messages = " ".join(str(e) for e in result.errors)
    assert "必填" in messages and "0 到 100" in messages and "第 2 列" in messages
    assert WorksProject.objects.count() == 1  # only the one made above
    assert not ProgressEntry.objects.exists()


def test_only_clean_rows_when_asked(people):
    bad = "3,高雄市政府工務局,B9,進度超過百分百,5000000,,,,,,,,,,1100525,,,120,10,施工中,,"
    result = run(people["pwb_officer"], csv_file(GOOD, bad), only_clean=True)
    assert result.errors and result.created == 1
    assert result.left_out == ["B9"]
    assert list(WorksProject.objects.values_list("tender_number", flat=True)) == ["B1100315"]


def test_lag_reason_and_correction_columns(people):
    header = HEADER + ",落後原因,更正說明"
    behind = "1,高雄市政府工務局,B8,落後工程,5000000,,,,,,,,,,1100525,,,50,30,施工中,,,雨季停工,"
    result = run(people["pwb_officer"], csv_file(behind, header=header))
    assert not result.errors and ProgressEntry.objects.get().lag_reason == "雨季停工"
    lower = "1,高雄市政府工務局,B8,落後工程,5000000,,,,,,,,,,1100525,,,55,25,施工中,,,雨季停工,"
    refused = run(people["pwb_officer"], csv_file(lower, header=header), month=dt.date(2022, 4, 1))
    assert [e.column for e in refused.errors] == ["更正說明"]


def test_changed_figures_for_an_imported_month_are_refused(people):
    run(people["pwb_officer"], csv_file(GOOD))
    changed = run(people["pwb_officer"], csv_file(GOOD.replace("90.51", "91")))
    assert [e.column for e in changed.errors] == ["實際進度%"]
    assert ProgressEntry.objects.get().actual_progress == Decimal("90.51")


def test_xlsx_and_the_upload_page(people):
    book = Workbook()
    sheet = book.active
    sheet.title = "標案管理資料"
    sheet.append(HEADER.split(","))
    sheet.append(GOOD.split(","))
    data = io.BytesIO()
    book.save(data)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(people["pwb_officer"])
    url = reverse("works:project_import")
    assert "執行機關" in client.get(url).content.decode()
    upload = SimpleUploadedFile("export.xlsx", data.getvalue())
    page = client.post(url, {"file": upload, "month": "2022-03"})
    assert page.status_code == 200 and "新增標案 1 件" in page.content.decode()
    bad = SimpleUploadedFile("export.csv", csv_file(GOOD.replace("77.79", "777")).getvalue())
    refused = client.post(url, {"file": bad, "month": "2022-04"})
    assert refused.status_code == 400 and "預定進度%" in refused.content.decode()


def test_the_agency_imports_only_its_own_projects(people, agencies):
    epb_row = GOOD.replace("高雄市政府工務局新建工程處", "高雄市政府環境保護局")
    result = run(people["pwb_officer"], csv_file(epb_row))
    assert [e.column for e in result.errors] == ["執行機關"]
    assert run(people["inspector"], csv_file(epb_row)).created == 1


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared real sample is not present")
def test_the_real_tender_system_export(people):
    AgencyFactory(code="397170000I", name_zh="高雄市政府水利局", short_name="水利局")
    team = people["inspector"]
    result = importing.check(SAMPLE.open("rb"), SAMPLE.name, team, MARCH_2022)
    assert len(result.rows) == 860
    kaohsiung = {r.tender_number for r in result.clean_rows}
    assert "B1100315" in kaohsiung and "C1100109" in kaohsiung  # 美濃排水中下游段整建工程
    assert all(e.column for e in result.errors)  # every error names its column
    importing.save(result, team, only_clean=True)
    meinong = WorksProject.objects.get(tender_number="C1100109")
    assert meinong.agency.name_zh == "高雄市政府水利局" and meinong.district == "美濃區"
    assert meinong.progress.get().actual_progress == Decimal("82.43")
    count = WorksProject.objects.count()
    assert count >= 30
    again = importing.check(SAMPLE.open("rb"), SAMPLE.name, team, MARCH_2022)
    importing.save(again, team, only_clean=True)
    assert WorksProject.objects.count() == count and again.created == 0
