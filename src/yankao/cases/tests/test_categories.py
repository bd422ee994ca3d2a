from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yankao.agencies.services import load_agencies
from yankao.cases.categories import load_categories
from yankao.cases.models import CaseType, Category
from yankao.cases.services import route, suggest_categories

pytestmark = pytest.mark.django_db

HEADER = (
    "code,parent_code,name_zh,name_en,case_type,agency_code,route_to_district_office,"
    "deadline_working_days,deadline_hours,works_site,requires_review,keywords\n"
)


def test_shipped_tree_loads_idempotently_and_routes():
    load_agencies()
    first = load_categories()
    assert first.created == Category.objects.count() > 150
    assert load_categories().created == 0
    leaves = Category.objects.filter(parent__isnull=False)
    assert leaves.filter(case_type=CaseType.DISPATCH).exists()
    assert not leaves.filter(agency__isnull=True).exists()
    pothole = Category.objects.get(code="ROAD-POTHOLE")
    assert pothole.deadline_hours == 4 and pothole.agency.code == "YK397110A01"
    district_leaf = leaves.filter(route_to_district_office=True).first()
    assert route(district_leaf, "鳳山區").code == "397620000A"
    assert suggest_categories("我家前面馬路有洞，差點摔車")[0].code == "ROAD-POTHOLE"


def test_bad_rows_are_all_reported_and_nothing_saved(tmp_path, agencies):
    path = tmp_path / "c.csv"
    path.write_text(
        "# test\n"
        + HEADER
        + "G,,大類,,,,0,,,0,0,\n"
        + "G-A,G,細項,,petition,999999999Z,0,6,,0,0,x\n"
        + "G-B,NOPE,細項,,dispatch,397110000G,0,,,0,2,x\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        load_categories(path)
    text = "\n".join(caught.value.messages)
    for field in ("agency_code", "parent_code", "deadline_hours", "requires_review"):
        assert field in text
    assert Category.objects.count() == 0
