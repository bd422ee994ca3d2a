"""Fixtures for plan control: a controlled plan of Public Works with an approved work plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from yankao.plans import services
from yankao.plans.models import FundSource, Plan, PlanBudget, PlanKind


def make_plan(agency: Any, code: str = "115-PWB-001", **extra: Any) -> Plan:
    values = {
        "name": "鳳山溪整治工程",
        "kind": PlanKind.POLICY,
        "first_year": 2026,
        "last_year": 2026,
        "is_works": True,
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2026, 12, 31),
        **extra,
    }
    plan = Plan.objects.create(code=code, agency=agency, **values)
    PlanBudget.objects.create(
        plan=plan, year=2026, source=FundSource.CITY, amount=Decimal(8_000_000)
    )
    PlanBudget.objects.create(
        plan=plan, year=2026, source=FundSource.CENTRAL, amount=Decimal(4_000_000)
    )
    return plan


def linear_targets(months: int = 12, total: int = 12_000_000) -> list[services.MonthTarget]:
    """Planned progress and spending growing evenly to 100% and the whole budget."""
    return [
        services.MonthTarget(
            dt.date(2026, m, 1),
            (Decimal(100) * m / months).quantize(Decimal("0.01")),
            Decimal(total * m // months),
        )
        for m in range(1, months + 1)
    ]


@pytest.fixture
def plan(agencies: dict[str, Any], people: dict[str, Any]) -> Plan:
    made = make_plan(agencies["pwb"], project_manager=people["pwb_officer"])
    work_plan = services.submit_work_plan(made, people["pwb_officer"], linear_targets())
    services.decide_work_plan(work_plan, people["planner"], approve=True)
    return made
