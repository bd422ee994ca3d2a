"""In real Chromium: an agency's editor approves a mined FAQ candidate; an operator sees the
category suggestions, their confidence and the agency while typing."""

from __future__ import annotations

from typing import Any

import pytest

from yankao.assistant.models import CandidateStatus, FaqCandidate, FaqEntry, FaqStatus
from yankao.assistant.services import mining
from yankao.browser import log_in, screenshot
from yankao.cases.conftest import categories  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_approves_a_mined_candidate(
    page: Any, live_server: Any, history: None, agencies: dict[str, Any]
) -> None:
    mining.mine()
    candidate = FaqCandidate.objects.get(agency=agencies["epb"])
    base = live_server.url
    log_in(page, base, "epb.officer")
    page.get_by_role("link", name="候選常見問答").first.click()
    page.wait_for_url(f"{base}/assistant/candidates/")
    assert "人行道" not in page.content()  # another agency's candidate stays out of sight
    page.get_by_role("link", name=candidate.question[:20], exact=False).click()
    page.get_by_label("答覆").fill("大型垃圾請撥清潔隊專線預約，免費到府清運。")
    screenshot(page, "assistant-candidate-review")
    page.get_by_role("button", name="同意並建立常見問答草稿").click()
    page.wait_for_selector("text=已建立常見問答草稿")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.APPROVED
    entry = FaqEntry.objects.get(pk=candidate.entry_id)
    assert entry.status == FaqStatus.DRAFT and entry.answer.startswith("大型垃圾請撥")


def test_the_operator_sees_suggestions_with_confidence_and_agency(
    page: Any,
    live_server: Any,
    people: dict[str, Any],
    categories: dict[str, Any],  # noqa: F811
) -> None:
    base = live_server.url
    log_in(page, base, "operator")
    page.goto(f"{base}/cases/new/")
    page.get_by_label("民眾陳述內容").fill("家門口有個大坑洞，差點摔車")
    page.wait_for_selector("#suggestions li")
    hint = page.locator("#suggestions li").first.inner_text()
    assert "道路坑洞" in hint and "養護工程處" in hint
    assert "關鍵字" in page.locator("#suggestions").inner_text()
    screenshot(page, "assistant-console-suggestions")
