"""Choosing a report month (year and month in the query string) and its neighbours."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from yankao.workdays.forms import year_choices
from yankao.workdays.services import calendar_bounds


class ReportMonthForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        error_messages={"invalid_choice": _("Year: choose a year the calendar covers.")},
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        choices=[(n, MONTHS[n]) for n in range(1, 13)],
        error_messages={"invalid_choice": _("Month: choose a month from 1 to 12.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]


def default_month() -> tuple[int, int]:
    """Last month: the report goes to the mayor once a month is over (kept inside the calendar)."""
    first, last = calendar_bounds()
    day = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    day = min(max(day, first), last)
    return day.year, day.month


def chosen_year_month(
    request: HttpRequest, default: tuple[int, int] | None = None
) -> tuple[int, int, ReportMonthForm]:
    """The month in the query string; a missing or invalid part falls back to the default."""
    year, month = default or default_month()
    form = ReportMonthForm(
        {"year": request.GET.get("year", year), "month": request.GET.get("month", month)},
        auto_id="report-%s",
    )
    form.is_valid()
    year = form.cleaned_data.get("year", year)
    month = form.cleaned_data.get("month", month)
    return year, month, form


def month_query(year: int, month: int) -> str:
    return urlencode({"year": year, "month": month})


def neighbours(first_day: dt.date) -> dict[str, Any]:
    """The months before and after, for the ← → links (inside the calendar's years)."""
    first, last = calendar_bounds()
    before = first_day - dt.timedelta(days=1)
    after = first_day.replace(day=28) + dt.timedelta(days=4)
    after = after.replace(day=1)
    return {
        "previous_month": before.replace(day=1) if before >= first else None,
        "previous_query": month_query(before.year, before.month) if before >= first else "",
        "next_month": after if after <= last else None,
        "next_query": month_query(after.year, after.month) if after <= last else "",
    }
