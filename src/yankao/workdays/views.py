"""The calendar page (one month) and the working-day calculator (an htmx partial)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.views import View
from django.views.generic import TemplateView

from . import services
from .forms import CalculatorForm, MonthForm
from .permissions import can_declare
from .services import CalendarDay

# Taiwan's office calendar (行政機關辦公日曆表) starts its weeks on Sunday.
WEEK_ORDER = (6, 0, 1, 2, 3, 4, 5)


def _default_month() -> tuple[int, int]:
    """This month in Taiwan, moved into the covered years if the clock is outside them."""
    first, last = services.calendar_bounds()
    today = min(max(timezone.localdate(), first), last)
    return today.year, today.month


def _month_link(year: int, month: int, district: str) -> str:
    params: dict[str, Any] = {"year": year, "month": month}
    if district:
        params["district"] = district
    return "?" + urlencode(params)


def _weeks(days: list[CalendarDay]) -> list[list[CalendarDay | None]]:
    """The month as rows of seven cells, Sunday first; None pads the first and last weeks."""
    lead = (days[0].date.weekday() + 1) % 7
    cells: list[CalendarDay | None] = [None] * lead + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


class CalendarView(LoginRequiredMixin, TemplateView):
    """A month: days off with their names, make-up workdays, declared closures."""

    template_name = "workdays/calendar.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        year, month = _default_month()
        data = {
            "year": query.get("year", year),
            "month": query.get("month", month),
            "district": query.get("district", ""),
        }
        form = MonthForm(data, auto_id="cal-%s")
        # Fields that are valid are used; an invalid one falls back (and its error is shown).
        form.is_valid()
        year = form.cleaned_data.get("year", year)
        month = form.cleaned_data.get("month", month)
        district = form.cleaned_data.get("district", "")
        start = dt.date(year, month, 1)
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        days = services.calendar_days(start, end, district or None)
        first, last = services.calendar_bounds()
        previous = start - dt.timedelta(days=1)
        following = end + dt.timedelta(days=1)
        context.update(
            form=form,
            month_start=start,
            district=district,
            weeks=_weeks(days),
            weekdays=[(WEEKDAYS_ABBR[i], WEEKDAYS[i]) for i in WEEK_ORDER],
            notable=[d for d in days if d.status not in ("workday", "weekend")],
            working_day_count=sum(d.is_working_day for d in days),
            previous_link=(
                _month_link(previous.year, previous.month, district) if previous >= first else ""
            ),
            previous_month=previous,
            next_link=(
                _month_link(following.year, following.month, district) if following <= last else ""
            ),
            next_month=following,
            today=timezone.localdate(),
            calculator=CalculatorForm(
                auto_id="calc-%s", initial={"start": timezone.localdate(), "district": district}
            ),
            can_declare=self.request.user.is_staff and can_declare(self.request.user),
        )
        return context


class CalculatorView(LoginRequiredMixin, View):
    """Start + N working days → deadline; start + N hours → due time.

    An htmx request gets only the form and result (the partial); anything else, the full page,
    so the calculator works without JavaScript too.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        bound = any(key in request.GET for key in ("start", "working_days", "hours"))
        form = CalculatorForm(
            request.GET if bound else None,
            auto_id="calc-%s",
            initial={"start": timezone.localdate(), "working_days": 6},
        )
        if bound:
            form.is_valid()
        context = {"calculator": form, "result": form.result}
        htmx = getattr(request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            response = render(request, "workdays/_calculator.html", context)
        else:
            response = render(request, "workdays/calculator.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
