"""The map of open dispatch cases: scoped, urgency by shape, GeoJSON through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from yankao.cases import maps, services
from yankao.cases.models import Case, CaseType, Channel
from yankao.cases.services import Intake, PetitionerData

pytestmark = pytest.mark.django_db


def dispatch(categories, people, lat: str | None, lon: str | None, district="鳳山區") -> Case:  # type: ignore[no-untyped-def]
    made, _ = services.create_case(
        Intake(
            case_type=CaseType.DISPATCH,
            channel=Channel.HOTLINE,
            category=categories["pothole"],
            description="路面坑洞很深",
            district=district,
            latitude=Decimal(lat) if lat else None,
            longitude=Decimal(lon) if lon else None,
            petitioner=PetitionerData(anonymous=True, reply_channel="phone"),
        ),
        people["operator"],
    )
    return made


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def test_map_shows_the_open_dispatch_cases_the_user_may_see(categories, people):
    located = dispatch(categories, people, "22.627", "120.357")
    overdue = dispatch(categories, people, "22.630", "120.360")
    Case.objects.filter(pk=overdue.pk).update(deadline_at=timezone.now() - dt.timedelta(hours=1))
    no_coordinates = dispatch(categories, people, None, None, district="")
    road = client_for(people["road_officer"])
    response = road.get(reverse("cases:map"))
    page = response.content.decode()
    assert located.number in page and overdue.number in page
    assert no_coordinates.number not in page  # not on the map, but counted by district
    assert "map-point--overdue" in page and "map-point--on_time" in page
    districts = {row.district: row for row in response.context["districts"]}
    assert districts["鳳山區"].total == 2 and districts["鳳山區"].overdue == 1
    assert districts[""].located == 0 and districts[""].total == 1
    epb = client_for(people["epb_officer"])
    assert located.number not in epb.get(reverse("cases:map")).content.decode()


def test_map_api_returns_geojson_scoped(categories, people):
    made = dispatch(categories, people, "22.627", "120.357")
    road = client_for(people["road_officer"])
    body = road.get("/api/v1/cases/map/").json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["geometry"]["coordinates"] == [120.357, 22.627]
    assert feature["properties"]["number"] == made.number
    epb = client_for(people["epb_officer"])
    assert epb.get("/api/v1/cases/map/").json()["features"] == []


def test_empty_map_explains_itself(people, categories):
    page = client_for(people["rdec_case"]).get(reverse("cases:map")).content.decode()
    assert "目前沒有可顯示座標的未結案件" in page


def test_svg_escapes_text_from_citizens():
    now = timezone.now()
    point = maps.MapPoint(
        "115D0000001", "<script>x</script>", "坑洞", "鳳山區", 22.6, 120.3, now, "on_time"
    )
    svg = maps.to_svg([point], now, lambda n: f"/cases/{n}/")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


@given(
    st.lists(st.tuples(st.floats(22.45, 23.48), st.floats(120.15, 121.05)), min_size=1, max_size=30)
)
def test_every_point_lands_inside_the_drawing(coordinates):
    now = timezone.now()
    points = [
        maps.MapPoint(str(i), "", "", "", lat, lon, now, "on_time")
        for i, (lat, lon) in enumerate(coordinates)
    ]
    south, west, north, east = maps._extent(points)
    for p in points:
        assert south < p.latitude < north and west < p.longitude < east


@given(st.integers(-1000, 1000))
def test_urgency_follows_the_deadline(minutes):
    now = timezone.now()
    deadline = now + dt.timedelta(minutes=minutes)
    urgency = maps.urgency_of(deadline, now)
    if minutes < 0:
        assert urgency == "overdue"
    elif minutes < 120:
        assert urgency == "due_soon"
    else:
        assert urgency == "on_time"
