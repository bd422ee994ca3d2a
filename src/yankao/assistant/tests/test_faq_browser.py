"""In real Chromium: an agency's editor edits a published FAQ entry, the commission's officer
approves the edit, and the published text changes (until then citizens keep the old one)."""

from __future__ import annotations

from typing import Any

import pytest

from yankao.assistant.models import FaqEntry, FaqStatus
from yankao.assistant.services import faq
from yankao.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD = "請撥 1999 通報路燈故障。"
NEW = "請撥 1999 或上網通報：[路燈報修](https://pwbmo.kcg.gov.tw/)"


def test_an_agency_edit_is_approved_and_published(
    page: Any, live_server: Any, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    entry = faq.create_entry(
        agencies["pwb"], faq.FaqText(question="路燈不亮找誰修？", answer=OLD), people["pwb_officer"]
    )
    faq.approve(entry.versions.get(), people["rdec_case"])
    base = live_server.url

    log_in(page, base, "pwb.officer")
    page.get_by_role("link", name="常見問答", exact=True).first.click()
    page.wait_for_url(f"{base}/assistant/faq/")
    page.get_by_role("link", name="路燈不亮找誰修？").click()
    page.get_by_role("link", name="編修（送出新版本）").click()
    page.get_by_label("答覆", exact=True).fill(NEW)
    # The preview (htmx) shows the link as citizens will see it.
    page.wait_for_selector("#answer-preview a[href='https://pwbmo.kcg.gov.tw/']")
    screenshot(page, "assistant-faq-edit")
    page.get_by_role("button", name="送研考會核定").click()
    page.wait_for_selector("text=第 2 版已送研考會核定")
    entry.refresh_from_db()
    assert entry.answer == OLD  # citizens still get the approved text
    assert "核定並上架" not in page.content()  # the agency cannot approve its own edit

    log_in(page, base, "rdec.case")
    page.goto(f"{base}/assistant/faq/?tab=pending")
    page.get_by_role("link", name="路燈不亮找誰修？").click()
    screenshot(page, "assistant-faq-approval")
    page.get_by_role("button", name="核定並上架第 2 版").click()
    page.wait_for_selector("text=第 2 版已核定")
    current = page.locator("#current-answer")
    assert "上網通報" in current.inner_text()
    assert current.locator("a").get_attribute("href") == "https://pwbmo.kcg.gov.tw/"
    entry.refresh_from_db()
    assert entry.status == FaqStatus.PUBLISHED and entry.version == 2
    assert entry.answer == NEW
    assert list(faq.published_entries()) == [FaqEntry.objects.get(pk=entry.pk)]
