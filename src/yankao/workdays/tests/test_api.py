"""The calendar API: authentication, ISO results, field-keyed errors, who may declare days."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from drf_spectacular import plumbing
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from yankao.audit.services import entries_for
from yankao.workdays.models import DeclaredDay

pytestmark = pytest.mark.django_db

DAYS = reverse("workdays-days")
ADD_DAYS = reverse("workdays-add-working-days")
ADD_HOURS = reverse("workdays-add-hours")
DECLARED = reverse("workdays-declared-day-list")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def detail(pk: int) -> str:
    return reverse("workdays-declared-day-detail", args=[pk])


@pytest.mark.parametrize(
    "url",
    [
        DAYS + "?start=2024-02-01&end=2024-02-29",
        ADD_DAYS + "?start=2024-02-07&days=6",
        ADD_HOURS + "?start=2024-02-07T22:00:00%2B08:00&hours=5",
        DECLARED,
    ],
)
def test_everything_needs_a_login(client: Client, url: str) -> None:
    assert client.get(url).status_code in (401, 403)


def test_anonymous_cannot_declare(client: Client) -> None:
    response = client.post(DECLARED, {"date": "2024-07-24", "kind": "closure", "reason": "x"})
    assert response.status_code in (401, 403)
    assert not DeclaredDay.objects.exists()


# --- Read-only calculations ---------------------------------------------------------------------


def test_days_of_a_month(officer_client: Client) -> None:
    response = officer_client.get(DAYS, {"start": "2024-02-01", "end": "2024-02-29"})
    assert response.status_code == 200
    body = response.json()
    assert body["start"] == "2024-02-01" and body["district"] == ""
    days = {d["date"]: d for d in body["days"]}
    assert len(days) == 29
    assert days["2024-02-09"] == {
        "date": "2024-02-09",
        "weekday": 5,
        "is_working_day": False,
        "is_weekend": False,
        "is_makeup_workday": False,
        "holiday_name_zh": "農曆除夕",
        "holiday_name_en": "Chinese New Year's Eve",
        "declared_kind": "",
        "declared_reason": "",
        "declared_district": "",
    }
    assert days["2024-02-17"]["is_makeup_workday"] and days["2024-02-17"]["is_working_day"]
    # 21 weekdays, 6 of them off (02-08, 09, 12, 13, 14, 28), plus the make-up Saturday.
    assert sum(d["is_working_day"] for d in days.values()) == 16


def test_days_with_a_district_closure(officer_client: Client, gaemi: Any) -> None:
    params = {"start": "2024-07-22", "end": "2024-07-28"}
    city = {d["date"]: d for d in officer_client.get(DAYS, params).json()["days"]}
    district = {
        d["date"]: d
        for d in officer_client.get(DAYS, {**params, "district": "那瑪夏區"}).json()["days"]
    }
    assert city["2024-07-24"]["declared_kind"] == "closure"
    assert city["2024-07-26"]["is_working_day"]
    assert not district["2024-07-26"]["is_working_day"]
    assert district["2024-07-26"]["declared_district"] == "那瑪夏區"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2024-02-29", "end": "2024-02-01"}, "end"),
        ({"start": "2024-01-01", "end": "2025-06-30"}, "end"),
        ({"start": "2013-12-01", "end": "2014-01-31"}, "start"),
        ({"start": "2024-02-30", "end": "2024-03-01"}, "start"),
        ({"start": "113/02/01", "end": "2024-03-01"}, "start"),
        ({"start": "2024-02-01"}, "end"),
        ({"start": "2024-02-01", "end": "2024-02-02", "district": "信義區"}, "district"),
    ],
)
def test_days_errors_are_keyed_by_field(
    officer_client: Client, params: dict[str, str], field: str
) -> None:
    response = officer_client.get(DAYS, params, **EN)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_add_working_days(officer_client: Client, gaemi: Any) -> None:
    body = officer_client.get(ADD_DAYS, {"start": "2024-02-07", "days": 6}).json()
    assert body == {
        "start": "2024-02-07",
        "days": 6,
        "district": "",
        "due_date": "2024-02-21",
        "deadline": "2024-02-21T23:59:59.999999+08:00",
    }
    # A datetime counts by its Taiwan date: 16:30 UTC on 02-16 is the make-up Saturday.
    late = officer_client.get(ADD_DAYS, {"start": "2024-02-16T16:30:00Z", "days": 1}).json()
    assert late["due_date"] == "2024-02-19"
    assert late["start"] == "2024-02-17T00:30:00+08:00"
    # Without an offset, Taiwan time.
    naive = officer_client.get(ADD_DAYS, {"start": "2024-02-16T23:30:00", "days": 1}).json()
    assert naive["due_date"] == "2024-02-17"
    district = officer_client.get(
        ADD_DAYS, {"start": "2024-07-23", "days": 1, "district": "那瑪夏區"}
    ).json()
    assert district["due_date"] == "2024-07-29"
    other = officer_client.get(ADD_DAYS, {"start": "2024-07-23", "days": 1, "district": "鳳山區"})
    assert other.json()["due_date"] == "2024-07-26"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2024-02-07", "days": -1}, "days"),
        ({"start": "2024-02-07", "days": "x"}, "days"),
        ({"start": "2024-02-07"}, "days"),
        ({"start": "tomorrow", "days": 1}, "start"),
        ({"start": "2010-01-04", "days": 1}, "start"),
        ({"start": "2027-12-20", "days": 30}, "days"),
        ({"start": "2024-02-07", "days": 1, "district": "台北"}, "district"),
    ],
)
def test_add_working_days_errors(
    officer_client: Client, params: dict[str, Any], field: str
) -> None:
    response = officer_client.get(ADD_DAYS, params, **EN)
    assert response.status_code == 400
    assert list(response.json()) == [field], response.json()


def test_add_hours(officer_client: Client) -> None:
    body = officer_client.get(ADD_HOURS, {"start": "2024-02-09T22:00:00+08:00", "hours": 5}).json()
    assert body == {
        "start": "2024-02-09T22:00:00+08:00",
        "hours": 5.0,
        "due": "2024-02-10T03:00:00+08:00",
    }
    utc = officer_client.get(ADD_HOURS, {"start": "2024-02-09T14:00:00Z", "hours": 0.5}).json()
    assert utc["due"] == "2024-02-09T22:30:00+08:00"
    for params, field in (
        ({"start": "2024-02-09T22:00:00+08:00"}, "hours"),
        ({"start": "2024-02-09T22:00:00+08:00", "hours": -2}, "hours"),
        ({"start": "2024-02-09T22:00:00+08:00", "hours": "nan"}, "hours"),
        ({"start": "22:00", "hours": 1}, "start"),
    ):
        response = officer_client.get(ADD_HOURS, params)
        assert response.status_code == 400 and field in response.json(), (params, response.json())


# --- Declared days -------------------------------------------------------------------------------


def test_anyone_signed_in_reads_declared_days(officer_client: Client, gaemi: Any) -> None:
    body = officer_client.get(DECLARED).json()
    assert body["count"] == 3
    assert body["results"][0]["date"] == "2024-07-26"
    district = officer_client.get(DECLARED, {"district": "那瑪夏區"}).json()
    assert [r["date"] for r in district["results"]] == ["2024-07-26"]
    city = officer_client.get(DECLARED, {"city_wide": "true", "year": 2024}).json()
    assert {r["district"] for r in city["results"]} == {""} and city["count"] == 2
    assert officer_client.get(DECLARED, {"year": 2023}).json()["count"] == 0
    bad = officer_client.get(DECLARED, {"year": "last", "kind": "storm"}, **EN)
    assert bad.status_code == 400 and set(bad.json()) == {"year", "kind"}


def test_non_admins_may_not_write_declared_days(officer_client: Client, gaemi: Any) -> None:
    payload = {"date": "2024-07-23", "kind": "closure", "reason": "颱風"}
    assert officer_client.post(DECLARED, payload).status_code == 403
    target = detail(gaemi[0].pk)
    assert (
        officer_client.patch(target, {"reason": "改"}, content_type="application/json").status_code
        == 403
    )
    assert officer_client.delete(target).status_code == 403
    assert DeclaredDay.objects.count() == 3


def test_commission_admin_declares_edits_and_removes_days(
    admin_client_rdec: Client, rdec_admin: Any
) -> None:
    created = admin_client_rdec.post(
        DECLARED,
        {"date": "2024-07-24", "kind": "closure", "reason": "凱米颱風停止上班"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["created_by"] == rdec_admin.username and body["district"] == ""
    day = DeclaredDay.objects.get(pk=body["id"])
    assert day.created_by == rdec_admin
    changed = admin_client_rdec.patch(
        detail(day.pk), {"reason": "凱米颱風停止上班停止上課"}, content_type="application/json"
    )
    assert changed.status_code == 200
    entries = list(entries_for(day).order_by("pk"))
    assert [e.action for e in entries] == ["create", "change"]
    assert {e.actor_name for e in entries} == {rdec_admin.username}
    assert admin_client_rdec.delete(detail(day.pk)).status_code == 204
    assert not DeclaredDay.objects.exists()


def test_declared_day_validation_errors_are_keyed(admin_client_rdec: Client, gaemi: Any) -> None:
    def post(payload: dict[str, str]) -> dict[str, Any]:
        response = admin_client_rdec.post(DECLARED, payload, content_type="application/json", **EN)
        assert response.status_code == 400, response.json()
        return response.json()

    duplicate = post({"date": "2024-07-24", "kind": "closure", "reason": "again"})
    assert list(duplicate) == ["date"] and "already has a declared day" in duplicate["date"][0]
    holiday = post({"date": "2024-02-09", "kind": "closure", "reason": "x"})
    assert list(holiday) == ["kind"] and holiday["kind"][0].startswith("Kind:")
    outside = post({"date": "2031-07-01", "kind": "closure", "reason": "x"})
    assert list(outside) == ["date"]
    assert set(post({"date": "x", "kind": "strike", "reason": ""})) == {"date", "kind", "reason"}
    assert list(
        post({"date": "2024-07-23", "kind": "closure", "reason": "x", "district": "信義區"})
    ) == ["district"]
    # Changing a row into a duplicate of another is refused too.
    moved = admin_client_rdec.patch(
        detail(gaemi[1].pk), {"date": "2024-07-24"}, content_type="application/json", **EN
    )
    assert moved.status_code == 400 and list(moved.json()) == ["date"]


def test_schema_generates_without_warnings() -> None:
    """`kind` has other choices on other models: settings name DeclaredDayKindEnum explicitly."""
    plumbing._load_enum_name_overrides.cache_clear()
    GENERATOR_STATS.reset()
    try:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        warnings = dict(GENERATOR_STATS._warn_cache)
        errors = dict(GENERATOR_STATS._error_cache)
    finally:
        GENERATOR_STATS.reset()
    assert not warnings and not errors, (warnings, errors)
    paths = schema["paths"]
    for path in (
        "/api/v1/calendar/days/",
        "/api/v1/calendar/add-working-days/",
        "/api/v1/calendar/add-hours/",
        "/api/v1/calendar/declared-days/",
        "/api/v1/calendar/declared-days/{id}/",
    ):
        assert path in paths
    names = {p["name"] for p in paths["/api/v1/calendar/add-working-days/"]["get"]["parameters"]}
    assert names == {"start", "days", "district"}
    assert "DeclaredDayKindEnum" in schema["components"]["schemas"]
