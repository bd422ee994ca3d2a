"""Form fields for dates as people in Taiwan write them, and the calendar's own forms.

`RocDateField` accepts 民國112年11月6日, 112/11/06, 1121106 and 2023-11-06, and its widget shows the
value in ROC form in the Chinese UI and ISO in the English UI, so one form serves both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import DISTRICT_CHOICES
from .roc import RocDateError, format_for_language, parse_roc, roc_year

MAX_WORKING_DAYS = 1000
MAX_HOURS = 24 * 366


def _is_chinese() -> bool:
    return (get_language() or "zh-hant").lower().startswith("zh")


def field_error(label: str | Promise | None, message: str | Promise) -> str:
    """ "Start date: …": every message names its field, also when shown in a summary."""
    return gettext("%(field)s: %(message)s") % {
        "field": capfirst(str(label or gettext("Date"))),
        "message": message,
    }


class RocDateInput(forms.TextInput):
    """A text box showing 113/02/16 in the Chinese UI and 2024-02-16 in the English UI."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "inputmode": "text", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            try:
                return format_for_language(value, "short")
            except RocDateError:
                return value.isoformat()
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", "113/02/16" if _is_chinese() else "2024-02-16")
        return context


class RocDateField(forms.Field):
    """A date typed as 民國112年11月6日, 112/11/06, 1121106 or 2023-11-06.

    Error messages start with the field's label, so they read well in an error summary too.
    Optional `min_value` / `max_value` bound the date.
    """

    widget = RocDateInput

    def __init__(
        self,
        *,
        min_value: dt.date | None = None,
        max_value: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return services.to_taiwan_date(value) if value.tzinfo else value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_roc(str(value))
        except RocDateError as exc:
            raise ValidationError(field_error(self.label, str(exc)), code="invalid") from exc

    def validate(self, value: dt.date | None) -> None:
        if value is None:
            if self.required:
                raise ValidationError(
                    field_error(
                        self.label,
                        gettext("enter a date, such as 113/02/16 or 2024-02-16."),
                    ),
                    code="required",
                )
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                field_error(
                    self.label,
                    gettext("the date must be on or after %(limit)s.")
                    % {"limit": format_for_language(self.min_value)},
                ),
                code="min_value",
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                field_error(
                    self.label,
                    gettext("the date must be on or before %(limit)s.")
                    % {"limit": format_for_language(self.max_value)},
                ),
                code="max_value",
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


def district_choices(blank_label: str | Promise) -> list[tuple[str, str | Promise]]:
    return [("", blank_label), *DISTRICT_CHOICES]


@dataclass(frozen=True)
class CalculatorResult:
    start: dt.date
    district: str
    working_days: int | None = None
    due_date: dt.date | None = None
    deadline: dt.datetime | None = None
    calendar_days: int | None = None
    start_at: dt.datetime | None = None
    hours: Decimal | None = None
    due_at: dt.datetime | None = None


class CalculatorForm(forms.Form):
    """Start date + N working days → deadline day; start date and time + N hours → due time."""

    start = RocDateField(
        label=_("Start date"),
        help_text=_(
            "The day the case was received; it is not counted. "
            "For example 113/02/16, 民國113年2月16日 or 2024-02-16."
        ),
    )
    working_days = forms.IntegerField(
        label=_("Working days"),
        required=False,
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        help_text=_("Deadline in working days (petitions)."),
        error_messages={
            "invalid": _("Working days: enter a whole number, such as 6."),
            "min_value": _("Working days: enter 0 or more."),
            "max_value": _("Working days: enter at most %(limit_value)s."),
        },
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        help_text=_("Taiwan time, for the deadline in hours; 00:00 when empty."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Start time: enter a time such as 14:30.")},
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=0,
        max_value=MAX_HOURS,
        decimal_places=2,
        help_text=_("Deadline in clock hours, counted day and night (dispatch cases)."),
        error_messages={
            "invalid": _("Hours: enter a number, such as 24."),
            "min_value": _("Hours: enter 0 or more."),
            "max_value": _("Hours: enter at most %(limit_value)s."),
            "max_decimal_places": _("Hours: use at most two decimals."),
        },
    )
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        choices=district_choices(_("Whole city")),
        help_text=_("Closures declared for one district move only that district's deadlines."),
        error_messages={"invalid_choice": _("District: choose one of Kaohsiung's districts.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result: CalculatorResult | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start: dt.date | None = data.get("start")
        days: int | None = data.get("working_days")
        hours: Decimal | None = data.get("hours")
        district: str = data.get("district") or ""
        if (
            days is None
            and hours is None
            and "working_days" not in self.errors
            and "hours" not in self.errors
        ):
            self.add_error(
                "working_days",
                gettext("Working days: enter working days, hours, or both."),
            )
            return data
        if start is None or self.errors:
            return data
        values: dict[str, Any] = {"start": start, "district": district}
        if days is not None:
            try:
                due = services.add_working_days(start, days, district or None)
            except services.CalendarRangeError as exc:
                field = "start" if exc.day == start else "working_days"
                self.add_error(field, field_error(self.fields[field].label, str(exc)))
            else:
                values.update(
                    working_days=days,
                    due_date=due,
                    deadline=services.end_of_day(due),
                    calendar_days=(due - start).days,
                )
        if hours is not None:
            start_at = dt.datetime.combine(
                start, data.get("start_time") or dt.time(0), tzinfo=services.TAIPEI
            )
            try:
                due_at = services.add_calendar_hours(start_at, float(hours))
            except services.WorkdaysError as exc:
                self.add_error("hours", field_error(self.fields["hours"].label, str(exc)))
            else:
                values.update(start_at=start_at, hours=hours, due_at=due_at)
        if not self.errors:
            self.result = CalculatorResult(**values)
        return data


def year_choices() -> list[tuple[int, str]]:
    """Calendar years, labelled 民國113年 (2024) in Chinese and 2024 in English."""
    first, last = services.calendar_bounds()
    chinese = _is_chinese()
    return [
        (year, f"民國{roc_year(year)}年 ({year})" if chinese else str(year))
        for year in range(first.year, last.year + 1)
    ]


class MonthForm(forms.Form):
    """Which month the calendar page shows, and for which district."""

    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        error_messages={
            "invalid_choice": _("Year: choose a year the working-day calendar covers.")
        },
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        choices=[(n, MONTHS[n]) for n in range(1, 13)],
        error_messages={"invalid_choice": _("Month: choose a month from 1 to 12.")},
    )
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        choices=district_choices(_("Whole city")),
        error_messages={"invalid_choice": _("District: choose one of Kaohsiung's districts.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
