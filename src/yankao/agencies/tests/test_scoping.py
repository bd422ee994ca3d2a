"""Scoping is the one permission mechanism: prove it on every endpoint that lists people."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from yankao.agencies.models import User
from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import can_write, scope_queryset, visibility

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def usernames(qs) -> set[str]:  # type: ignore[no-untyped-def]
    return set(qs.values_list("username", flat=True))


def test_agency_officer_sees_only_own_agency(people):
    seen = usernames(scope_queryset(User.objects.all(), people["pwb_officer"]))
    assert seen == {"pwb.officer", "pwb.chief"}


def test_supervisor_also_sees_second_level_agencies(people):
    seen = usernames(scope_queryset(User.objects.all(), people["pwb_chief"]))
    assert seen == {"pwb.officer", "pwb.chief", "road.officer"}


def test_second_level_officer_does_not_see_parent(people):
    seen = usernames(scope_queryset(User.objects.all(), people["road_officer"]))
    assert seen == {"road.officer"}


def test_commission_admin_sees_everyone(people):
    assert usernames(scope_queryset(User.objects.all(), people["admin"])) == usernames(
        User.objects.all()
    )


def test_commission_roles_see_their_lines_citywide(people, agencies):
    assert visibility(people["operator"], BusinessLine.CASES).everything
    assert not visibility(people["operator"], BusinessLine.PLANS).everything
    assert visibility(people["planner"], BusinessLine.PLANS).everything
    assert visibility(people["inspector"], BusinessLine.WORKS).everything
    assert not visibility(people["inspector"], BusinessLine.CASES).everything
    # Outside its lines a commission role is an ordinary agency user of the commission.
    assert visibility(people["inspector"], BusinessLine.CASES).agency_ids == {agencies["rdec"].pk}
    assert not visibility(people["pwb_officer"], BusinessLine.CASES).everything


def test_viewer_reads_everything_but_never_writes(people):
    assert visibility(people["viewer"], BusinessLine.CASES).everything
    assert not can_write(people["viewer"], BusinessLine.CASES)
    assert can_write(people["pwb_officer"], BusinessLine.CASES)


def test_inactive_or_agencyless_user_sees_nothing(people, make_user):
    officer = people["pwb_officer"]
    officer.is_active = False
    assert not scope_queryset(User.objects.all(), officer).exists()
    lonely = make_user("lonely", "agency_case_officer")
    lonely.agency = None
    assert not scope_queryset(User.objects.all(), lonely).exists()


# --- Endpoints -------------------------------------------------------------------------------


def test_people_page_lists_only_visible_people(people):
    response = client_for(people["pwb_chief"]).get(reverse("agencies:people"))
    assert response.status_code == 200
    listed = {u.username for u in response.context["object_list"]}
    assert listed == {"pwb.officer", "pwb.chief", "road.officer"}


def test_people_page_needs_admin_or_supervisor(people):
    response = client_for(people["pwb_officer"]).get(reverse("agencies:people"))
    assert response.status_code == 403


def test_people_export_goes_through_the_same_scope(people):
    response = client_for(people["pwb_chief"]).get(reverse("agencies:people") + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {"pwb.officer", "pwb.chief", "road.officer"}


def test_people_xlsx_export_is_scoped(people):
    from openpyxl import load_workbook

    response = client_for(people["pwb_chief"]).get(reverse("agencies:people") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"pwb.officer", "pwb.chief", "road.officer"}


def test_people_api_list_and_detail_are_scoped(people):
    client = client_for(people["pwb_officer"])
    response = client.get("/api/v1/people/")
    assert response.status_code == 200
    assert {p["username"] for p in response.json()["results"]} == {"pwb.officer", "pwb.chief"}
    other = people["epb_officer"]
    assert client.get(f"/api/v1/people/{other.pk}/").status_code == 404
    own = people["pwb_chief"]
    assert client.get(f"/api/v1/people/{own.pk}/").json()["username"] == "pwb.chief"


def test_agency_detail_lists_only_people_the_viewer_may_see(people, agencies):
    response = client_for(people["epb_officer"]).get(
        reverse("agencies:detail", args=[agencies["pwb"].code])
    )
    assert response.status_code == 200
    assert list(response.context["people"]) == []
    response = client_for(people["pwb_officer"]).get(
        reverse("agencies:detail", args=[agencies["pwb"].code])
    )
    assert {p.username for p in response.context["people"]} == {"pwb.officer", "pwb.chief"}


def test_anonymous_users_get_nothing(people):
    client = Client()
    assert client.get("/api/v1/people/").status_code in {401, 403}
    assert client.get("/api/v1/agencies/").status_code in {401, 403}
    response = client.get(reverse("agencies:people"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_me_endpoint_names_roles_and_lines(people):
    data = client_for(people["operator"]).get("/api/v1/me/").json()
    assert data["roles"] == ["hotline_operator"]
    assert "cases" in data["citywide_lines"]
    assert data["agency_code"] == "397220000A"


def test_people_api_filters_by_agency_code_and_names_unknown_codes(people):
    client = client_for(people["admin"])
    data = client.get("/api/v1/people/", {"agency": "397150000I"}).json()
    assert [p["username"] for p in data["results"]] == ["epb.officer"]
    bad = client.get("/api/v1/people/", {"agency": "999999999Z"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert bad.status_code == 400
    assert "999999999Z" in bad.json()["agency"][0]
    # Filtering never widens the scope.
    client = client_for(people["pwb_officer"])
    assert client.get("/api/v1/people/", {"agency": "397150000I"}).json()["results"] == []
