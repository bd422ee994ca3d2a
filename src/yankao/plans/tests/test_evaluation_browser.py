"""A year-end evaluation in Chromium: the commission opens the year, the agency self-assesses,
the commission records the preliminary and committee scores, publishes, and reads the results."""

from __future__ import annotations

import re

import pytest

from yankao.browser import screenshot
from yankao.plans.models import Evaluation, EvaluationStep
from yankao.plans.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = [
    "計畫執行進度（30%）",
    "經費執行（20%）",
    "執行品質（20%）",
    "填報及管理作業（15%）",
    "執行成效（15%）",
]


def fill_scores(page, values: list[str]) -> None:  # type: ignore[no-untyped-def]
    for label, value in zip(ITEMS, values, strict=True):
        page.get_by_label(label).fill(value)


def test_a_year_end_evaluation_to_published_grades(page, live_server, people, plan):
    base = live_server.url
    # The plan controller opens the 2026 evaluation.
    log_in(page, base, "planner")
    page.get_by_role("link", name="年終考評").first.click()
    page.get_by_label("考評年度").select_option("2026")
    page.get_by_role("button", name="開辦考評").click()
    page.wait_for_url(re.compile(r".*/plans/evaluations/2026/$"))
    assert "民國115年度年終考評" in page.content() and plan.code in page.content()

    # The agency's project manager self-assesses; the total and grade show as they type.
    log_in(page, base, "pwb.officer")
    page.goto(f"{base}/plans/evaluations/2026/plans/{plan.code}/")
    fill_scores(page, ["95", "90", "90", "90", "90"])
    page.wait_for_selector("#preview-total:text('91.50')")
    assert page.locator("#preview-grade").inner_text() == "優等"
    page.get_by_label("意見").fill("如期如質完成。")
    screenshot(page, "plans-evaluation-self-assessment")
    page.get_by_role("button", name="登錄評分").click()
    page.wait_for_selector("text=已登錄機關自評")
    assert page.locator("#evaluation-status").inner_text() == "待研考會初評"

    # The commission's preliminary score starts from the agency's; then the committee's.
    log_in(page, base, "planner")
    page.goto(f"{base}/plans/evaluations/2026/plans/{plan.code}/")
    assert page.get_by_label(ITEMS[0]).input_value() == "95"
    fill_scores(page, ["88", "85", "85", "85", "80"])
    page.get_by_role("button", name="登錄評分").click()
    page.wait_for_selector("text=已登錄研考會初評")
    fill_scores(page, ["-5", "85", "85", "85", "80"])
    page.get_by_role("button", name="登錄評分").click()
    assert "0至100" in page.content()  # refused, in Chinese, nothing recorded
    fill_scores(page, ["86", "85", "85", "85", "80"])
    page.get_by_role("button", name="登錄評分").click()
    page.wait_for_selector("text=已登錄評核小組複評")
    assert page.locator("#evaluation-grade").inner_text() == "甲等（84.55）"

    # Every plan has its committee score: publish, and read the results.
    page.goto(f"{base}/plans/evaluations/2026/")
    page.get_by_role("button", name="公布考評結果").click()
    page.wait_for_url(re.compile(r".*/plans/evaluations/2026/results/$"))
    content = page.content()
    assert "民國115年度列管計畫年終考評共評定1案" in content
    assert "甲等：1案，佔100.00%。" in content
    screenshot(page, "plans-evaluation-results")
    with page.expect_download() as download:
        page.get_by_role("link", name="Word 報告（DOCX）").click()
    assert download.value.suggested_filename == "plan-evaluation-115.docx"
    evaluation = Evaluation.objects.get()
    assert evaluation.status == "published" and evaluation.grade == "a"
    assert list(EvaluationStep.objects.order_by("pk").values_list("action", flat=True)) == [
        "self_assess",
        "preliminary",
        "committee",
        "publish",
    ]
