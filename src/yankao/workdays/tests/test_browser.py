"""The calendar and the htmx calculator in real Chromium, driven from the keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from yankao.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, user: Any) -> None:
    """Reuse a test-client session instead of the login form (tested by the core app)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )


def test_month_and_calculator_from_the_keyboard(page: Any, live_server: Any, officer: Any) -> None:
    base = live_server.url
    sign_in(page, base, officer)
    page.goto(f"{base}/calendar/?year=2024&month=2")
    assert page.locator("#month-heading").inner_text() == "民國113年2月"
    assert page.locator("table.month-grid caption").is_visible()
    assert page.locator("td.day--makeup").count() == 1
    screenshot(page, "workdays-calendar-2024-02")

    # Previous month by keyboard.
    page.locator("a[rel=prev]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**month=1**")
    assert page.locator("#month-heading").inner_text() == "民國113年1月"

    # The calculator swaps in its result without reloading the page.
    page.goto(f"{base}/calendar/?year=2024&month=2")
    page.evaluate("window.__stillHere = true")
    page.locator("#calc-start").fill("113/02/07")
    page.locator("#calc-working_days").fill("6")
    page.locator("#calc-hours").fill("5")
    page.locator("#calc-start_time").fill("22:00")
    page.locator("#calc-working_days").press("Enter")
    result = page.locator("#calc-result")
    result.wait_for()
    assert "民國113年2月21日" in result.inner_text()
    assert "113/02/08 03:00" in result.inner_text()
    assert page.evaluate("window.__stillHere") is True
    screenshot(page, "workdays-calculator-result")

    # A bad date: an alert that names the field, and the field marked invalid.
    page.locator("#calc-start").fill("someday")
    page.locator("#calc-start").press("Enter")
    alert = page.locator("#calc-errors")
    alert.wait_for()
    assert page.locator("#calc-start").get_attribute("aria-invalid") == "true"
    assert "someday" in alert.inner_text()
    assert page.evaluate("window.__stillHere") is True
    screenshot(page, "workdays-calculator-error")


def test_a_districts_typhoon_closure_in_english(
    page: Any, live_server: Any, officer: Any, gaemi: Any
) -> None:
    base = live_server.url
    sign_in(page, base, officer)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
    page.goto(f"{base}/calendar/")
    page.locator("#cal-year").select_option("2024")
    page.locator("#cal-month").select_option("7")
    page.locator("#cal-district").select_option("那瑪夏區")
    page.locator("#cal-district").press("Tab")  # to the Show button
    page.keyboard.press("Enter")
    page.wait_for_url("**district=**")
    assert page.locator("#month-heading").inner_text() == "July 2024 · 那瑪夏區"
    assert page.locator("td.day--closure").count() == 3
    rows = page.locator(".month-list tbody tr")
    assert rows.count() == 3
    assert "2024-07-26" in rows.nth(2).inner_text() and "那瑪夏區" in rows.nth(2).inner_text()
    screenshot(page, "workdays-calendar-district-closure-en")
