"""Deadline rules for cases; plain functions over the working-day calendar.

Petitions: N working days after the day received (the first day is not counted), 10 when several
agencies share the case; extensions may never push the deadline past 30 calendar days after
receipt. Dispatch: clock hours, day and night. Numbers come from the category or settings.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from yankao.workdays import services as calendar

from .models import CaseType, Category


def petition_days(category: Category | None, *, shared: bool = False) -> int:
    if shared:
        return max(
            settings.YANKAO_CASE_SHARED_WORKING_DAYS,
            (category.deadline_working_days or 0) if category else 0,
        )
    if category is not None and category.deadline_working_days:
        return category.deadline_working_days
    return settings.YANKAO_CASE_PETITION_WORKING_DAYS


def dispatch_hours(category: Category | None) -> int:
    if category is not None and category.deadline_hours:
        return category.deadline_hours
    return settings.YANKAO_CASE_DISPATCH_HOURS


def latest_deadline(received_at: dt.datetime) -> dt.datetime:
    """The cap for any petition deadline, extensions included."""
    last_day = calendar.to_taiwan_date(received_at) + dt.timedelta(
        days=settings.YANKAO_CASE_MAX_CALENDAR_DAYS
    )
    return calendar.end_of_day(last_day)


def initial_deadline(
    case_type: str,
    category: Category | None,
    received_at: dt.datetime,
    *,
    district: str = "",
    shared: bool = False,
) -> dt.datetime | None:
    if case_type == CaseType.DISPATCH:
        return calendar.add_calendar_hours(received_at, dispatch_hours(category))
    if case_type == CaseType.PETITION:
        due = calendar.working_day_deadline(
            received_at, petition_days(category, shared=shared), district or None
        )
        return min(due, latest_deadline(received_at))
    return None


def extended_deadline(
    current: dt.datetime, received_at: dt.datetime, extra_working_days: int, district: str = ""
) -> dt.datetime:
    """The deadline after an approved extension, never past the 30-day cap."""
    due = calendar.working_day_deadline(current, extra_working_days, district or None)
    return min(due, max(current, latest_deadline(received_at)))


def resumed_deadline(
    deadline: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """The clock stops while the petitioner is asked for more (補陳): move it by the pause."""
    return deadline + max(resumed_at - paused_at, dt.timedelta(0))


def time_left(deadline: dt.datetime | None, now: dt.datetime) -> dt.timedelta | None:
    return None if deadline is None else deadline - now
