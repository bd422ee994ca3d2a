"""Fixtures for works inspection: projects of Public Works and EPB, the shipped reference data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from yankao.works.models import ProjectStatus, WorksProject
from yankao.works.reference import load_defect_codes, load_monitoring_items


def make_project(agency: Any, tender_number: str = "PWB-115-001", **extra: Any) -> WorksProject:
    values = {
        "name": "鳳山溪護岸改善工程",
        "budget_amount": Decimal(60_000_000),
        "award_amount": Decimal(52_000_000),
        "contractor": "宏建營造股份有限公司",
        "supervisor": "高雄市政府工務局新建工程處",
        "supervisor_engineer": "監造工程師",
        "site_manager": "工地主任",
        "location": "高雄市鳳山區鳳山溪沿岸",
        "district": "鳳山區",
        "planned_start": dt.date(2026, 1, 15),
        "planned_end": dt.date(2026, 12, 31),
        "actual_start": dt.date(2026, 1, 20),
        "status": ProjectStatus.UNDER_CONSTRUCTION,
        **extra,
    }
    return WorksProject.objects.create(tender_number=tender_number, agency=agency, **values)


@pytest.fixture
def reference(db: Any) -> None:
    """The shipped defect codes and citizen works monitoring items."""
    load_defect_codes()
    load_monitoring_items()


@pytest.fixture
def project(agencies: dict[str, Any]) -> WorksProject:
    return make_project(agencies["pwb"])
