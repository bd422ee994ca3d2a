"""The UI shell: navigation without dead links, language switch, structured logs."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from yankao.core.logging import JsonFormatter

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "rdec_case",
    "operator",
    "planner",
    "inspector",
    "pwb_officer",
    "pwb_chief",
    "viewer",
]


@pytest.mark.parametrize("who", ROLES)
def test_every_navigation_link_opens(people, who):
    client = Client()
    client.force_login(people[who])
    home = client.get(reverse("home"))
    assert home.status_code == 200
    links = [item["url"] for item in home.context["nav_items"]]
    assert reverse("home") in links
    for url in links:
        assert client.get(url).status_code == 200, url


def test_home_differs_by_role(people):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["operator"])
    operator_home = client.get(reverse("home")).content.decode()
    client.force_login(people["pwb_chief"])
    chief_home = client.get(reverse("home")).content.decode()
    assert "Calls and cases you recorded today" in operator_home
    assert "Waiting for your approval" in chief_home
    assert "Audit log" not in chief_home
    client.force_login(people["admin"])
    assert "System health" in client.get(reverse("home")).content.decode()


def test_chinese_is_the_default_and_english_a_switch(people):
    client = Client()
    client.force_login(people["pwb_officer"])
    page = client.get(reverse("home")).content.decode()
    assert 'lang="zh-Hant-TW"' in page
    assert "民國" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in page
    assert "Log out" in page
    assert re.search(r"\d{4}-\d{2}-\d{2}", page)


def test_login_page_is_labelled_and_vendored(client):
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">' in page and '<label for="id_password">' in page
    head = page.split("<body")[0]
    assert "https://" not in head and "http://" not in head
    assert "/static/vendor/htmx/htmx.min.js" in page


def test_json_logs_carry_fields():
    record = logging.makeLogRecord(
        {"name": "t", "msg": "hello %s", "args": ("世界",), "levelname": "INFO"}
    )
    record.request_id = "abc"
    record.path = "/x"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello 世界"
    assert line["request_id"] == "abc"
    assert line["path"] == "/x"


def test_request_id_header(client):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="req-123")
    assert response["X-Request-ID"] == "req-123"


def test_home_explains_a_missing_calendar_year_instead_of_failing(people, settings):
    settings.YANKAO_CALENDAR_LAST_YEAR = 2025
    from yankao.workdays.services import clear_cache

    clear_cache()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["pwb_officer"])
    response = client.get(reverse("home"))
    clear_cache()
    assert response.status_code == 200
    assert response.context["calendar_error"]


def test_only_the_current_area_is_marked_in_the_navigation(people):
    client = Client()
    client.force_login(people["admin"])
    items = client.get(reverse("agencies:people")).context["nav_items"]
    assert [i["url"] for i in items if i["active"]] == [reverse("agencies:people")]
    items = client.get(reverse("home")).context["nav_items"]
    assert [i["url"] for i in items if i["active"]] == [reverse("home")]
