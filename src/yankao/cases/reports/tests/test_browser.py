"""The monthly report in real Chromium: charts exposed as images with names, tables reachable."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from yankao.agencies.factories import AgencyFactory
from yankao.browser import screenshot

from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, user: Any) -> None:
    """Reuse a test-client session instead of the login form (tested by the core app)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )


def test_monthly_report_page(page: Any, live_server: Any, people: Any, make_case: Any) -> None:
    for n in range(12):
        agency = AgencyFactory(
            code=f"YK8{n:05d}", name_zh=f"高雄市政府測試局{n}", short_name=f"測試局{n}"
        )
        for k in range(4 + n):
            make_case(
                agency,
                received_at=at(2024, 3, 4),
                deadline_at=at(2024, 3, 12),
                closed_at=at(2024, 3, 8 if k % (n + 2) else 14),
            )
    base = live_server.url
    sign_in(page, base, people["rdec_case"])
    page.goto(f"{base}/cases/reports/?year=2024&month=3")
    assert page.locator("#month-heading").inner_text() == "民國113年3月"
    chart = page.locator("svg#chart-on-time")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("rect.bar").count() == 12
    name = page.evaluate("() => document.getElementById('chart-on-time-title').textContent")
    assert name and page.get_by_role("img", name=name).count() == 1
    # The chart's data table opens from the keyboard.
    summary = page.locator("#chart-on-time").locator("xpath=..").locator("details > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#chart-on-time").locator("xpath=..").locator("details table").is_visible()
    screenshot(page, "case-report-2024-03")

    # Another month by the "previous" link.
    page.locator("a[rel=prev]").click()
    page.wait_for_url("**month=2**")
    assert page.locator("#month-heading").inner_text() == "民國113年2月"
