"""Two roles log in through real Chromium and see different things."""

from __future__ import annotations

import pytest

from yankao.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nav_labels(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.strip() for t in page.locator("nav.main-nav a").all_inner_texts()]


def test_two_roles_see_their_own_home(page, live_server, people):
    base = live_server.url

    log_in(page, base, "pwb.officer")
    assert "您機關的待辦" in page.content()
    labels = nav_labels(page)
    assert "機關" in labels and "行事曆" in labels
    assert "稽核紀錄" not in labels and "人員" not in labels
    assert page.locator("text=民國").first.is_visible()
    screenshot(page, "home-agency-case-officer")
    # An agency officer cannot open the audit log even by typing its address.
    response = page.goto(f"{base}/audit/")
    assert response is not None and response.status == 403
    page.goto(f"{base}/")
    page.get_by_role("button", name="登出").click()
    page.wait_for_url(f"{base}/login/")

    log_in(page, base, "admin")
    labels = nav_labels(page)
    assert "稽核紀錄" in labels and "人員" in labels
    assert "系統狀態" in page.content()
    screenshot(page, "home-commission-admin")
    page.get_by_role("link", name="稽核紀錄").first.click()
    page.wait_for_url(f"{base}/audit/")
    rows = page.locator("table.table tbody tr")
    assert rows.count() >= 2  # both logins are in the log
    assert "pwb.officer" in page.content()
    screenshot(page, "audit-log")

    # The English switch, then back.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Audit log"
    screenshot(page, "audit-log-en")
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "稽核紀錄"


def test_keyboard_login_and_wrong_password_message(page, live_server, people):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    page.get_by_label("帳號").fill("pwb.officer")
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().startswith("帳號或密碼不正確")
    screenshot(page, "login-error")
