"""Fixtures every test of the cases app shares: a small category tree."""

from __future__ import annotations

from typing import Any

import pytest

from yankao.cases.models import CaseType, Category


@pytest.fixture
def categories(agencies: dict[str, Any]) -> dict[str, Category]:
    road = Category.objects.create(code="ROAD", name_zh="道路與交通設施", sort_order=1)
    env = Category.objects.create(code="ENV", name_zh="環境衛生", sort_order=2)
    local = Category.objects.create(code="LOCAL", name_zh="里鄰事務", sort_order=3)
    return {
        "road": road,
        "env": env,
        "local": local,
        "pothole": Category.objects.create(
            code="ROAD-POTHOLE",
            parent=road,
            name_zh="道路坑洞",
            name_en="Pothole",
            case_type=CaseType.DISPATCH,
            agency=agencies["road"],
            deadline_hours=4,
            keywords="坑洞|路面破損|凹洞",
        ),
        "sidewalk": Category.objects.create(
            code="ROAD-SIDEWALK",
            parent=road,
            name_zh="人行道破損",
            case_type=CaseType.PETITION,
            agency=agencies["road"],
            deadline_working_days=6,
            keywords="人行道|紅磚道",
            sort_order=1,
        ),
        "noise": Category.objects.create(
            code="ENV-NOISE",
            parent=env,
            name_zh="營業場所噪音",
            case_type=CaseType.PETITION,
            agency=agencies["epb"],
            deadline_working_days=6,
            requires_review=True,
            keywords="噪音|吵|很吵",
        ),
        "neighbourhood": Category.objects.create(
            code="LOCAL-MISC",
            parent=local,
            name_zh="里鄰事務",
            case_type=CaseType.PETITION,
            agency=agencies["city"],
            route_to_district_office=True,
            deadline_working_days=6,
        ),
    }
