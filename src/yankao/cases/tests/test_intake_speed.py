"""Intake through the API is fast (benchmarks/cases_bench.py) without changing what it answers:
the hand-built create response is the serializer's, the kept categories follow changes, and
the statements per create stay few."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from yankao.cases import services
from yankao.cases.api import CaseSerializer, iso_datetime, new_case_body
from yankao.cases.models import Case, CaseType, Category, Channel

pytestmark = pytest.mark.django_db

INTAKE = {
    "case_type": "petition",
    "channel": "hotline",
    "category_code": "ROAD-SIDEWALK",
    "description": "光遠路人行道紅磚破損。",
    "district": "鳳山區",
    "petitioner": {"name": "王小明", "phone": "0912345123", "email": "ming@example.com"},
}


def api_for(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def post(api: Client, key: str = "", **extra: Any) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        "/api/v1/cases/", {**INTAKE, **extra}, content_type="application/json", **headers
    )


def intakes(categories: dict[str, Category]) -> list[services.Intake]:
    return [
        services.Intake(  # routed, with coordinates and a petitioner
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            description="光遠路人行道紅磚破損。",
            category=categories["sidewalk"],
            district="鳳山區",
            address="光遠路 100 號",
            latitude=Decimal("22.62701"),
            longitude=Decimal("120.3570"),
            petitioner=services.PetitionerData(name="王小明", phone="0912345123", email="a@b.tw"),
        ),
        services.Intake(  # answered on the line: closed, no agency, no deadline left
            case_type=CaseType.CONSULTATION,
            channel=Channel.HOTLINE,
            description="請問大型垃圾怎麼預約",
            answer="已說明預約方式",
        ),
        services.Intake(  # routed to the district office, anonymous, confidential
            case_type=CaseType.PETITION,
            channel=Channel.MAYORS_MAILBOX,
            description="里長辦公處的事",
            category=categories["neighbourhood"],
            district="鳳山區",
            confidential=True,
            petitioner=services.PetitionerData(anonymous=True, reply_channel="none"),
        ),
    ]


def test_the_create_response_is_the_case_serializers(
    categories: dict[str, Category], people: dict[str, Any]
) -> None:
    operator = people["operator"]
    request = SimpleNamespace(user=operator)
    for intake in intakes(categories):
        case, _code = services.create_case(intake, operator)
        fast = new_case_body(case, operator)
        stored = Case.objects.select_related("category", "lead_agency", "petitioner").get(
            pk=case.pk
        )
        full = CaseSerializer(stored, context={"request": request}).data
        assert fast.keys() == full.keys()
        for field in fast:
            if field == "seconds_left" and full[field] is not None:
                assert abs(fast[field] - full[field]) <= 2
            else:
                assert fast[field] == full[field], field


def test_a_category_changed_on_this_server_is_seen_by_the_next_intake(
    categories: dict[str, Category], people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    api = api_for(people["operator"])
    assert post(api).json()["lead_agency_code"] == agencies["road"].code
    sidewalk = categories["sidewalk"]
    sidewalk.agency = agencies["epb"]
    sidewalk.save()
    assert post(api).json()["lead_agency_code"] == agencies["epb"].code
    agencies["epb"].code = "EPB-NEW"
    agencies["epb"].save()
    assert post(api).json()["lead_agency_code"] == "EPB-NEW"
    sidewalk.active = False
    sidewalk.save()
    refused = post(api)
    assert refused.status_code == 400 and "category" in refused.json()
    assert post(api, category_code="NOPE").status_code == 400


def test_statements_per_create_stay_few_and_a_retry_still_finds_its_case(
    categories: dict[str, Category], people: dict[str, Any]
) -> None:
    api = api_for(people["operator"])
    assert post(api, "warm-up").status_code == 201  # fills the per-process caches
    with CaptureQueriesContext(connection) as made:
        first = post(api, "k-1")
    assert first.status_code == 201
    # token with user, agency and roles; number (and on PostgreSQL the case's key); calendar;
    # case, event, audit entry, lead handler and petitioner, in two statements on PostgreSQL;
    # transaction control (BEGIN, COMMIT, savepoints in tests) not counted
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    statements = [q["sql"] for q in made.captured_queries if not q["sql"].startswith(control)]
    most = 5 if connection.vendor == "postgresql" else 8
    assert len(statements) <= most, "\n".join(s[:90] for s in statements)
    retry = post(api, "k-1")
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    assert retry.json()["tracking_code"] == ""
    assert Case.objects.filter(idempotency_key="k-1").count() == 1


def test_tracking_codes_are_eight_unambiguous_letters_and_differ() -> None:
    codes = {services.new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000  # 32**8 codes: a repeat in 2,000 would be a broken generator
    letters = set("".join(codes))
    assert all(len(code) == 8 for code in codes)
    assert letters == set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")  # every letter used, no 0/O/1/I


def test_a_new_case_writes_only_the_indexes_queries_use() -> None:
    """No LIKE index beside the unique ones (PostgreSQL), no single-column index a composite
    already serves, and the closed/merged indexes skip the open, unmerged case (ADR 0012)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Case._meta.db_table)
    indexed = {tuple(c["columns"]) for c in found.values() if c["index"] or c["unique"]}
    assert ("category_id",) not in indexed and ("lead_agency_id",) not in indexed
    assert ("category_id", "received_at") in indexed
    assert ("lead_agency_id", "status", "deadline_at") in indexed
    assert found["cases_case_number_unique"]["unique"]
    assert found["cases_case_idempotency_key_unique"]["unique"]
    assert not [name for name in found if name.endswith("_like")]
    partial = {
        "cases_case_closed_at_idx": "closed_at",
        "cases_case_merged_into_idx": "merged_into_id",
    }
    for name, column in partial.items():
        assert found[name]["columns"] == [column]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                [Case._meta.db_table, "% WHERE %IS NOT NULL%"],
            )
            assert {row[0] for row in cursor.fetchall()} == set(partial)


@given(
    at=st.datetimes(
        min_value=dt.datetime(1912, 1, 1),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.sampled_from([dt.UTC, ZoneInfo("Asia/Taipei"), ZoneInfo("America/New_York")]),
    ),
    zone=st.sampled_from(["UTC", "Asia/Taipei", "Europe/London"]),
)
def test_the_response_writes_times_as_the_serializer_does(at: dt.datetime, zone: str) -> None:
    with timezone.override(zone):
        assert iso_datetime(at, timezone.get_current_timezone()) == (
            serializers.DateTimeField().to_representation(at)
        )
