"""In real Chromium on a phone-sized screen: a citizen asks three real questions of the full
Kaohsiung FAQ set and gets the right answers, asks one the FAQ does not cover, files a case from
the hand-off and sees its number."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from yankao.agencies.services import load_agencies
from yankao.assistant import retrieval
from yankao.assistant.models import Conversation, FaqEntry
from yankao.assistant.services.faq_import import import_faq, load_synonyms
from yankao.browser import screenshot
from yankao.cases.categories import load_categories
from yankao.cases.models import Case, Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = [
    ("退伍令不見了要怎麼補", "397020000A-80"),
    ("婚假有幾天", "397240000J-229"),
    ("護照遺失要怎麼辦", "397130000C-28"),
]


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(
        locale="zh-TW", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_a_citizen_asks_and_files_a_case_on_a_phone(phone: Any, live_server: Any) -> None:
    cache.clear()
    load_agencies()
    load_categories()
    import_faq()
    load_synonyms()
    retrieval.invalidate()
    page = phone
    page.goto(f"{live_server.url}/assistant/")
    box = page.get_by_label("您的問題")
    for n, (question, key) in enumerate(QUESTIONS, start=1):
        box.fill(question)
        page.get_by_role("button", name="提問").click()
        page.wait_for_function(
            "n => document.querySelectorAll('[data-role=reply]').length >= n", arg=n
        )
        reply = page.locator("[data-role=reply]").nth(n - 1)
        expected = FaqEntry.objects.get(source_key=key)
        assert reply.get_attribute("data-kind") == "answer"
        assert reply.locator(".chat-answer").first.get_attribute("data-entry") == str(expected.pk)
        assert expected.question in reply.inner_text()
    page.locator("[data-role=reply]").nth(0).get_by_role(
        "button", name="有幫助", exact=True
    ).click()
    page.wait_for_selector("text=謝謝，很高興對您有幫助")
    box.fill("明天高雄會下雨嗎")
    page.get_by_role("button", name="提問").click()
    page.wait_for_function("() => document.querySelectorAll('[data-role=reply]').length >= 4")
    last = page.locator("[data-role=reply]").nth(3)
    assert last.get_attribute("data-kind") == "not_sure"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    screenshot(page, "assistant-chat-phone")
    last.get_by_role("link", name="向市府陳情").click()
    page.wait_for_url(f"{live_server.url}/assistant/handoff/")
    assert page.get_by_label("主旨").input_value().startswith("明天高雄會下雨嗎")
    page.get_by_label("您的姓名").fill("王小明")
    page.get_by_label("電子郵件").fill("ming@example.com")
    category = page.get_by_label("類別")
    if not category.input_value():
        category.select_option(index=1)
    page.get_by_role("button", name="確認送出").click()
    page.wait_for_selector("#case-number")
    number = page.locator("#case-number").inner_text()
    screenshot(page, "assistant-handoff-done")
    case = Case.objects.get(number=number)
    assert case.channel == Channel.ASSISTANT
    assert "退伍令不見了要怎麼補" in case.description
    assert Conversation.objects.get(case=case).exchanges.count() == 4
