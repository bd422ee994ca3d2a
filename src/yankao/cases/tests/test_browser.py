"""The citizen-service path in real Chromium: mailbox → agency → commission → citizen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from yankao.browser import log_in, screenshot
from yankao.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_mailbox(page: Any) -> None:
    page.get_by_label("您的姓名").fill("陳小華")
    page.get_by_label("電子郵件").fill("hua@example.com")
    page.get_by_label("行政區").select_option("鳳山區")
    page.get_by_label("主旨").fill("光遠路人行道破損")
    page.get_by_label("請說明您希望市府知道或處理的事項").fill(
        "光遠路人行道紅磚破損，行人容易跌倒。"
    )


def test_mailbox_to_reply_and_tracking(page, live_server, people, categories):
    base = live_server.url
    # A citizen files a petition on the mayor's mailbox, no login.
    page.goto(f"{base}/mailbox/")
    fill_mailbox(page)
    # The words suggest the category; one click picks it.
    page.locator("#category-suggestions").get_by_role("button", name="人行道破損").click()
    assert page.get_by_label("案件類別").input_value() == str(categories["sidewalk"].pk)
    screenshot(page, "cases-mailbox")
    key = page.locator("input[name=idempotency_key]").input_value()
    page.get_by_role("button", name="送出").click()
    number = page.locator("#case-number").inner_text()
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"\d{3}P\d{7}", number) and len(code) == 8
    screenshot(page, "cases-mailbox-done")
    # The same form sent again (a retry after a lost answer): the same case, no blank code.
    page.goto(f"{base}/mailbox/")
    fill_mailbox(page)
    page.get_by_label("案件類別").select_option(str(categories["sidewalk"].pk))
    page.locator("input[name=idempotency_key]").evaluate("(el, key) => el.value = key", key)
    page.get_by_role("button", name="送出").click()
    assert page.locator("#case-number").inner_text() == number
    assert "送出了兩次" in page.locator("#already-filed").inner_text()
    assert page.locator("#tracking-code").count() == 0
    screenshot(page, "cases-mailbox-sent-twice")

    # The road maintenance office accepts, asks for an extension, and replies.
    log_in(page, base, "road.officer")
    page.goto(f"{base}/cases/")
    assert number in page.content()
    screenshot(page, "cases-inbox-agency")
    page.get_by_role("link", name=number).click()
    assert "陳○華" in page.content()
    page.get_by_role("button", name="簽收").click()
    page.get_by_label("展延工作日數").fill("3")
    page.locator("#ext-reason").fill("需會同廠商現場勘查")
    page.get_by_role("button", name="送出申請").click()
    assert "完成" in page.content()

    # The commission approves the extension.
    log_in(page, base, "rdec.case")
    page.goto(f"{base}/cases/?tab=extensions")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="核定").click()
    assert Case.objects.get(number=number).extensions.get().status == "approved"

    # The agency replies.
    log_in(page, base, "road.officer")
    page.goto(f"{base}/cases/{number}/")
    page.locator("#rep-handling").fill("已派員修復人行道紅磚。")
    page.get_by_role("button", name="送出回覆").click()
    screenshot(page, "cases-detail-replied")

    # The commission closes it and sees it in this month's report.
    log_in(page, base, "rdec.case")
    page.goto(f"{base}/cases/{number}/")
    page.get_by_role("button", name="結案").click()
    assert Case.objects.get(number=number).status == "closed"
    today = timezone.localdate()
    page.goto(f"{base}/cases/reports/?year={today.year}&month={today.month}")
    row = page.locator("tr", has=page.get_by_role("rowheader", name=str(road_agency(number))))
    assert row.first.locator("td").nth(1).inner_text() == "1"  # received 1 (after the rank)
    screenshot(page, "cases-monthly-report")

    # The citizen follows the case, reads the reply and answers the survey.
    page.context.clear_cookies()
    page.goto(f"{base}/track/?number={number}&code={code}")
    assert "已派員修復人行道紅磚" in page.content()
    screenshot(page, "cases-track")
    page.get_by_label("滿意", exact=True).check()
    page.get_by_role("button", name="送出").click()
    assert "感謝您的填答" in page.content()
    assert Case.objects.get(number=number).survey.satisfied is True


def road_agency(number: str):  # type: ignore[no-untyped-def]
    return Case.objects.select_related("lead_agency").get(number=number).lead_agency


def test_operator_records_a_consultation_by_keyboard(page, live_server, people, categories):
    base = live_server.url
    log_in(page, base, "operator")
    page.goto(f"{base}/cases/new/")
    page.get_by_label("案件類型").select_option("consultation")
    page.get_by_label("民眾陳述內容").fill("請問路燈不亮要找誰？人行道破損也能報修嗎")
    page.wait_for_selector("#suggestions li")
    screenshot(page, "cases-intake-suggestions")
    page.get_by_label("答覆內容（諮詢案件）").fill("可撥打 1999 報修，並已說明流程。")
    page.get_by_role("button", name="登錄").click()
    page.wait_for_url(re.compile(r".*/cases/\d{3}C\d{7}/"))
    assert "已結案" in page.content()


def test_operator_records_a_dispatch_case_that_shows_on_the_map(
    page, live_server, people, categories
):
    base = live_server.url
    log_in(page, base, "operator")
    page.goto(f"{base}/cases/new/")
    page.get_by_label("案件類型").select_option("dispatch")
    page.get_by_label("民眾陳述內容").fill("中山路口有大坑洞，機車差點摔倒")
    page.get_by_label("案件類別").select_option(label=str(categories["pothole"]))
    page.get_by_label("行政區").select_option("鳳山區")
    page.get_by_label("緯度").fill("22.6270")
    page.get_by_label("經度").fill("120.3570")
    page.get_by_label("電話").fill("0912345678")
    page.get_by_role("button", name="登錄").click()
    page.wait_for_url(re.compile(r".*/cases/\d{3}D\d{7}/"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    assert Case.objects.get(number=number).status == "assigned"
    page.goto(f"{base}/cases/map/")
    assert page.locator("svg.case-map a.map-point").count() == 1
    assert number in page.content()
    screenshot(page, "cases-map")
    page.locator("svg.case-map a.map-point").first.click()
    page.wait_for_url(re.compile(rf".*/cases/{number}/"))
