"""The calendar page and the calculator: login, ROC/ISO display, htmx partial, clear errors."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yankao.workdays.models import DeclaredDay

pytestmark = pytest.mark.django_db

CALENDAR = reverse("workdays:calendar")
CALCULATOR = reverse("workdays:calculator")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hant"}


@pytest.mark.parametrize(
    "url", [CALENDAR, CALCULATOR, CALCULATOR + "?start=2024-02-07&working_days=1"]
)
def test_pages_require_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_month_in_chinese_shows_roc_headings_holidays_and_make_up_day(
    officer_client: Client,
) -> None:
    response = officer_client.get(CALENDAR, {"year": 2024, "month": 2}, **ZH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "民國113年2月" in html
    assert "農曆除夕" in html and "和平紀念日" in html
    assert "民國113年2月17日" in html  # the make-up Saturday in the list of named days
    assert "day--makeup" in html
    assert "<caption>" in html
    # Previous and next month links keep to the calendar's years.
    assert 'href="?year=2024&amp;month=1"' in html and 'href="?year=2024&amp;month=3"' in html
    assert "民國113年1月" in html and "民國113年3月" in html
    assert 'aria-label="' in html and '<label for="cal-year">' in html


def test_month_in_english_shows_iso_dates(officer_client: Client) -> None:
    html = officer_client.get(CALENDAR, {"year": 2024, "month": 2}, **EN).content.decode()
    assert "February 2024" in html
    calendar_part = html.split('id="calc-heading"', 1)[0]  # the calculator's help shows ROC forms
    assert "2024-02-17" in calendar_part and "民國" not in calendar_part
    assert "Peace Memorial Day" in html
    assert "Make-up workday" in html


def test_declared_closures_show_for_the_city_and_for_their_district(
    officer_client: Client, gaemi: Any
) -> None:
    city = officer_client.get(CALENDAR, {"year": 2024, "month": 7}, **ZH).content.decode()
    assert city.count("凱米颱風停止上班") >= 2
    assert "凱米颱風災後停止上班" not in city
    district = officer_client.get(
        CALENDAR, {"year": 2024, "month": 7, "district": "那瑪夏區"}, **ZH
    ).content.decode()
    assert "凱米颱風災後停止上班" in district
    assert "district=%E9%82%A3%E7%91%AA%E5%A4%8F%E5%8D%80" in district  # kept in month links


def test_bad_month_input_shows_a_message_and_still_a_calendar(officer_client: Client) -> None:
    response = officer_client.get(CALENDAR, {"year": 1999, "month": 13, "district": "x"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Year: choose a year the working-day calendar covers." in html
    assert "Month: choose a month from 1 to 12." in html
    assert "District: choose one of Kaohsiung" in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "month-grid" in html


def test_first_and_last_months_have_no_link_outside_the_calendar(officer_client: Client) -> None:
    first = officer_client.get(CALENDAR, {"year": 2014, "month": 1}, **EN).content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first
    last = officer_client.get(CALENDAR, {"year": 2027, "month": 12}, **EN).content.decode()
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_declare_link_only_for_commission_admins(
    officer_client: Client, admin_client_rdec: Client, rdec_admin: Any, officer: Any
) -> None:
    admin_url = reverse("admin:workdays_declaredday_changelist")
    assert admin_url not in officer_client.get(CALENDAR).content.decode()
    assert admin_url in admin_client_rdec.get(CALENDAR).content.decode()
    assert admin_client_rdec.get(admin_url).status_code == 200
    add = admin_client_rdec.post(
        reverse("admin:workdays_declaredday_add"),
        {"date": "113/07/24", "kind": "closure", "district": "", "reason": "凱米颱風停止上班"},
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    declared = DeclaredDay.objects.get()
    assert declared.date == dt.date(2024, 7, 24) and declared.created_by == rdec_admin
    # Agency staff do not even see the model in the admin.
    officer.is_staff = True
    officer.save()
    assert officer_client.get(admin_url).status_code == 403


def test_calculator_full_page_and_htmx_partial(officer_client: Client) -> None:
    page = officer_client.get(CALCULATOR, **ZH)
    assert page.status_code == 200
    assert "<html" in page.content.decode() and 'id="calculator"' in page.content.decode()
    query = {"start": "113/02/07", "working_days": "6", "start_time": "22:00", "hours": "5"}
    partial = officer_client.get(CALCULATOR, query, HTTP_HX_REQUEST="true", **ZH)
    html = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="calculator">')
    assert "民國113年2月21日" in html  # six working days after 02-07 across the break
    assert "113/02/08 03:00" in html  # five hours after 22:00, through the night
    assert "HX-Request" in partial["Vary"]
    full = officer_client.get(CALCULATOR, query, **EN)
    assert "2024-02-21" in full.content.decode() and "<html" in full.content.decode()


def test_calculator_errors_are_clear_and_name_the_field(officer_client: Client) -> None:
    response = officer_client.get(
        CALCULATOR, {"start": "yesterday", "working_days": "six"}, HTTP_HX_REQUEST="true", **EN
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Start date: “yesterday” is not a date." in html
    assert "Working days: enter a whole number, such as 6." in html
    assert re.search(
        r'id="calc-start"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="calc-start"', html
    )
    assert 'href="#calc-start"' in html  # the summary links to the field
    assert 'role="alert"' in html


def test_calculator_reports_dates_outside_the_calendar(officer_client: Client) -> None:
    html = officer_client.get(
        CALCULATOR, {"start": "2031-01-02", "working_days": "3"}, HTTP_HX_REQUEST="true", **EN
    ).content.decode()
    assert "Start date: 2031-01-02 is outside the working-day calendar" in html
