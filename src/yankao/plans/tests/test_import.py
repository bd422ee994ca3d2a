"""Importing plans and work plans: every row checked first, errors by row and column."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from yankao.plans import importing
from yankao.plans.models import Plan, WorkPlanStatus

pytestmark = pytest.mark.django_db

PLAN_HEADER = list(importing.PLAN_COLUMNS.values())
MONTH_HEADER = list(importing.MONTH_COLUMNS.values())


def plan_row(code="115-A-001", agency="397110000G", **over):  # type: ignore[no-untyped-def]
    row = {
        "計畫編號": code,
        "計畫名稱": "鳳山溪整治工程",
        "列管類別": "施政計畫",
        "起始年度": "115",
        "結束年度": "115",
        "主辦機關代碼": agency,
        "專案管理人員帳號": "",
        "工程類": "是",
        "開始日期": "115/1/1",
        "結束日期": "115/12/31",
        "預算年度": "",
        "市款": "8,000,000",
        "中央補助款": "4000000",
        "特別基金": "",
    }
    row.update(over)
    return [row[h] for h in PLAN_HEADER]


def month_rows(code="115-A-001", months=12):  # type: ignore[no-untyped-def]
    return [
        [code, f"115/{m}", str(round(100 * m / months, 2)), str(1_000_000 * m)]
        for m in range(1, months + 1)
    ]


def workbook(plans, months) -> io.BytesIO:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    sheet.title = importing.PLAN_SHEET
    sheet.append(PLAN_HEADER)
    for row in plans:
        sheet.append(row)
    second = book.create_sheet(importing.MONTH_SHEET)
    second.append(MONTH_HEADER)
    for row in months:
        second.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_clean_file_is_saved_with_an_approved_baseline(agencies, people):
    upload = workbook(
        [plan_row(), plan_row("115-A-002", name="x")], month_rows() + month_rows("115-A-002")
    )
    result = importing.check(upload, "plans.xlsx", people["planner"])
    assert result.errors == []
    importing.save(result, people["planner"])
    plan = Plan.objects.get(code="115-A-001")
    assert plan.agency == agencies["pwb"] and plan.first_year == 2026 and plan.is_works
    assert sum(b.amount for b in plan.budgets.all()) == Decimal(12_000_000)
    baseline = plan.work_plans.get()
    assert baseline.status == WorkPlanStatus.APPROVED and baseline.months.count() == 12
    # The same file again changes nothing (idempotent).
    again = importing.check(workbook([plan_row()], month_rows()), "plans.xlsx", people["planner"])
    importing.save(again, people["planner"])
    assert Plan.objects.count() == 2 and plan.work_plans.count() == 1


def test_every_error_is_listed_by_row_and_column_and_nothing_is_saved(agencies, people):
    bad = [
        plan_row(),
        plan_row("115-A-002", agency="999999999X"),
        plan_row("115-A-003", **{"開始日期": "去年", "市款": "八百萬", "列管類別": "不知道"}),
    ]
    months = [*month_rows(), ["115-A-001", "115/13", "50", "1"], ["115-Z-999", "115/1", "1", "1"]]
    with translation.override("zh-hant"):
        result = importing.check(workbook(bad, months), "plans.xlsx", people["planner"])
        messages = [str(e) for e in result.errors]
    cells = {(e.line, e.column) for e in result.errors}
    assert (3, "主辦機關代碼") in cells
    assert {(4, "開始日期"), (4, "市款"), (4, "列管類別")} <= cells
    assert (14, "月份") in cells and (15, "計畫編號") in cells
    assert any("列管計畫 第3列「主辦機關代碼」" in m for m in messages)
    with pytest.raises(ValueError):
        importing.save(result, people["planner"])
    assert not Plan.objects.exists()
    # The officer may import only the clean plans: 115-A-001 has a bad month row, so none.
    importing.save(result, people["planner"], only_clean=True)
    assert not Plan.objects.exists()


def test_only_clean_rows_when_asked(agencies, people):
    result = importing.check(
        workbook([plan_row(), plan_row("115-A-002", agency="999999999X")], month_rows()),
        "plans.xlsx",
        people["planner"],
    )
    assert result.clean_codes == ["115-A-001"]
    importing.save(result, people["planner"], only_clean=True)
    assert list(Plan.objects.values_list("code", flat=True)) == ["115-A-001"]


def test_csv_in_big5_with_work_plan_rows(agencies, people, plan):
    text = "\n".join([",".join(MONTH_HEADER)] + [",".join(r) for r in month_rows(plan.code, 10)])
    result = importing.check(
        io.BytesIO(text.encode("cp950")), "作業計畫.csv", people["pwb_officer"]
    )
    assert result.errors == []
    importing.save(result, people["pwb_officer"])
    latest = plan.work_plans.order_by("-version").first()
    assert latest.status == WorkPlanStatus.SUBMITTED  # an agency's import waits for approval


def test_an_agency_cannot_import_another_agencys_plan(agencies, people):
    result = importing.check(
        workbook([plan_row(agency="397150000I")], []), "p.xlsx", people["pwb_officer"]
    )
    assert [e.column for e in result.errors] == ["主辦機關代碼"]


def test_not_a_spreadsheet(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        importing.check(io.BytesIO(b"PK\x03\x04junk"), "p.xlsx", people["planner"])
    with pytest.raises(ValidationError):
        importing.check(io.BytesIO(b"abc"), "p.pdf", people["planner"])
