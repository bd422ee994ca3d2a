"""Fixtures for the report tests: the report URLs, two category groups and a case factory."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest

from yankao.cases.models import Case, CaseStatus, CaseType, Category, Channel

TPE = zoneinfo.ZoneInfo("Asia/Taipei")
_numbers = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Taiwan time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TPE)


@pytest.fixture
def make_case(categories: dict[str, Category]) -> Callable[..., Case]:
    """A case straight into the table with the times given (the report reads only the table).

    `closed_at` given → status closed unless `status` says otherwise.
    """

    def make(
        agency: Any = None,
        *,
        received_at: dt.datetime,
        deadline_at: dt.datetime | None = None,
        closed_at: dt.datetime | None = None,
        case_type: str = CaseType.PETITION,
        channel: str = Channel.MAYORS_MAILBOX,
        category: Category | None = None,
        status: str | None = None,
    ) -> Case:
        if category is None and case_type != CaseType.CONSULTATION:
            category = categories["pothole" if case_type == CaseType.DISPATCH else "noise"]
        if deadline_at is None and case_type != CaseType.CONSULTATION:
            deadline_at = received_at + dt.timedelta(days=8)
        return Case.objects.create(
            number=f"T{next(_numbers):09d}",
            case_type=case_type,
            channel=channel,
            status=status or (CaseStatus.CLOSED if closed_at else CaseStatus.ACCEPTED),
            category=category,
            subject="測試案件",
            description="測試案件內容",
            lead_agency=agency,
            received_at=received_at,
            deadline_at=deadline_at,
            closed_at=closed_at,
        )

    return make


@pytest.fixture
def consultation(make_case: Callable[..., Case]) -> Callable[..., Case]:
    """A 1999 consultation answered on the line (closed when received, as the service does)."""

    def make(received_at: dt.datetime, channel: str = Channel.HOTLINE) -> Case:
        return make_case(
            None,
            received_at=received_at,
            closed_at=received_at,
            case_type=CaseType.CONSULTATION,
            channel=channel,
        )

    return make
