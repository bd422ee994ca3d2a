"""One month of plan control in Chromium: import, the agency's report, the analysis."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook

from yankao.browser import log_in, screenshot
from yankao.plans import importing
from yankao.plans.models import Plan, ProgressReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def spreadsheet(path, officer: str) -> str:  # type: ignore[no-untyped-def]
    book = Workbook()
    plans = book.active
    plans.title = importing.PLAN_SHEET
    plans.append(list(importing.PLAN_COLUMNS.values()))
    for code, name in (("115-0001", "鳳山溪整治工程"), ("115-0002", "前鎮人行道改善工程")):
        plans.append(
            [
                code,
                name,
                "施政計畫",
                "115",
                "115",
                "397110000G",
                officer,
                "是",
                "115/1/1",
                "115/12/31",
                "",
                "12000000",
                "",
                "",
            ]
        )
    months = book.create_sheet(importing.MONTH_SHEET)
    months.append(list(importing.MONTH_COLUMNS.values()))
    for code in ("115-0001", "115-0002"):
        for m in range(1, 13):
            months.append([code, f"115/{m}", round(100 * m / 12, 2), 1_000_000 * m])
    target = path / "plans.xlsx"
    book.save(target)
    return str(target)


def test_one_month_of_plan_control(page, live_server, people, tmp_path):
    base = live_server.url
    # The plan controller imports the year's plans.
    log_in(page, base, "planner")
    page.goto(f"{base}/plans/import/")
    page.get_by_label("試算表（.xlsx 或 .csv）").set_input_files(
        spreadsheet(tmp_path, "pwb.officer")
    )
    page.get_by_role("button", name="檢查並匯入").click()
    assert "新增計畫2項" in page.content()
    assert Plan.objects.count() == 2

    # The agency's project manager fills March: behind, so a cause and remedy are asked for.
    log_in(page, base, "pwb.officer")
    page.goto(f"{base}/plans/115-0001/report/2026-3/")
    page.get_by_label("實際累計進度（%）").fill("12")
    page.get_by_label("實際累計支用（元）").fill("3000000")
    page.get_by_label("執行情形說明").click()
    page.wait_for_selector("#report-check .badge--danger")  # the inline check says behind
    screenshot(page, "plans-report-form")
    page.get_by_role("button", name="送出填報").click()
    assert "落後原因" in page.content()
    page.get_by_label("落後原因").select_option("land")
    page.get_by_label("改善措施").fill("協調地主價購，5月底前取得用地。")
    page.get_by_label("預定改善完成日").fill("115/5/31")
    page.get_by_role("button", name="送出填報").click()
    page.wait_for_url(re.compile(r".*/plans/115-0001/$"))
    assert ProgressReport.objects.get().progress_status == "behind"
    screenshot(page, "plans-detail")

    # The commission reads the month's analysis.
    log_in(page, base, "planner")
    page.goto(f"{base}/plans/analysis/?year=2026&month=3")
    content = page.content()
    assert "進度落後者1項，占50.00%" in content and "協調地主價購" in content
    assert "逾期未填報者1項" in content
    screenshot(page, "plans-analysis")
    with page.expect_download() as download:
        page.get_by_role("link", name="Word 報告（DOCX）").click()
    assert download.value.suggested_filename == "plan-analysis-115-03.docx"
