"""DeclaredDay validation and auditing; RocDateField, its widget, and the calculator form."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from yankao.audit.services import entries_for
from yankao.core.demo import DemoContext
from yankao.workdays.demo import populate
from yankao.workdays.forms import CalculatorForm, RocDateField, RocDateInput
from yankao.workdays.models import DeclaredDay, DeclaredDayKind
from yankao.workdays.services import TAIPEI

pytestmark = pytest.mark.django_db

D = dt.date


def errors_of(day: DeclaredDay) -> dict[str, list[str]]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        day.full_clean()
    return caught.value.message_dict


# --- DeclaredDay ----------------------------------------------------------------------------------


def test_a_valid_closure_saves_and_is_audited(rdec_admin: Any) -> None:
    day = DeclaredDay(date=D(2024, 7, 24), kind=DeclaredDayKind.CLOSURE, reason="凱米颱風停止上班")
    day.full_clean()
    day.created_by = rdec_admin
    day.save()
    entries = list(entries_for(day))
    assert [e.action for e in entries] == ["create"]
    assert entries[0].changes["new"]["reason"] == "凱米颱風停止上班"
    day.reason = "凱米颱風停止上班停止上課"
    day.save()
    assert entries_for(day).count() == 2
    with translation.override("en"):
        assert str(day) == "2024-07-24 Office closure (Whole city)"


def test_dates_outside_the_calendar_are_refused_on_the_date_field() -> None:
    errors = errors_of(DeclaredDay(date=D(2030, 7, 1), kind=DeclaredDayKind.CLOSURE, reason="x"))
    assert list(errors) == ["date"]
    assert errors["date"][0].startswith("Date:")
    assert "2014-01-01" in errors["date"][0] and "2027-12-31" in errors["date"][0]


def test_a_second_row_for_the_same_date_and_scope_is_refused_on_the_date_field(gaemi: Any) -> None:
    errors = errors_of(
        DeclaredDay(date=D(2024, 7, 24), kind=DeclaredDayKind.CLOSURE, reason="again")
    )
    assert list(errors) == ["date"]
    assert "already has a declared day" in errors["date"][0]
    # The same date for one district is a different scope.
    DeclaredDay(
        date=D(2024, 7, 24), district="旗津區", kind=DeclaredDayKind.WORKDAY, reason="照常上班"
    ).full_clean()
    # The database refuses the duplicate too, for code that skips validation.
    with pytest.raises(IntegrityError):
        DeclaredDay.objects.create(date=D(2024, 7, 24), kind=DeclaredDayKind.CLOSURE, reason="x")


def test_declarations_that_change_nothing_are_refused_on_the_kind_field(gaemi: Any) -> None:
    closed_sunday = errors_of(
        DeclaredDay(date=D(2024, 7, 28), kind=DeclaredDayKind.CLOSURE, reason="x")
    )
    assert list(closed_sunday) == ["kind"] and closed_sunday["kind"][0].startswith("Kind:")
    holiday = errors_of(DeclaredDay(date=D(2024, 2, 9), kind=DeclaredDayKind.CLOSURE, reason="x"))
    assert list(holiday) == ["kind"]
    open_weekday = errors_of(
        DeclaredDay(date=D(2024, 7, 23), kind=DeclaredDayKind.WORKDAY, reason="x")
    )
    assert list(open_weekday) == ["kind"]
    # A district closure on a day the whole city is already closed changes nothing either.
    district = errors_of(
        DeclaredDay(
            date=D(2024, 7, 24), district="鳳山區", kind=DeclaredDayKind.CLOSURE, reason="x"
        )
    )
    assert list(district) == ["kind"]
    # …but a district may stay open on it, and a make-up Saturday may be closed.
    DeclaredDay(
        date=D(2024, 7, 24), district="鳳山區", kind=DeclaredDayKind.WORKDAY, reason="x"
    ).full_clean()
    DeclaredDay(date=D(2024, 2, 17), kind=DeclaredDayKind.CLOSURE, reason="x").full_clean()


def test_unknown_districts_and_missing_fields_are_named() -> None:
    errors = errors_of(
        DeclaredDay(date=D(2024, 7, 24), district="信義區", kind="strike", reason="")
    )
    assert set(errors) == {"district", "kind", "reason"}


def test_demo_step_declares_valid_days_once() -> None:
    context = DemoContext(scale=1, rng=random.Random(1), progress=lambda items, **kw: items)
    populate(context)
    populate(context)
    days = list(DeclaredDay.objects.order_by("date"))
    assert [d.date for d in days] == [D(2024, 7, 24), D(2024, 7, 25), D(2024, 7, 26)]
    for day in days:
        day.full_clean()
    assert context.summary[-1].endswith("0 筆")


# --- RocDateField and its widget ------------------------------------------------------------------


class DateForm(forms.Form):
    received = RocDateField(label="Received on", min_value=D(2014, 1, 1), max_value=D(2027, 12, 31))
    optional = RocDateField(label="Optional", required=False)


@pytest.mark.parametrize(
    "text", ["民國112年11月6日", "112/11/06", "112.11.6", "1121106", "2023-11-06"]
)
def test_roc_date_field_reads_every_common_form(text: str) -> None:
    form = DateForm({"received": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["received"] == D(2023, 11, 6)
    assert form.cleaned_data["optional"] is None


def test_roc_date_field_errors_name_the_field() -> None:
    with translation.override("en"):
        garbage = DateForm({"received": "next tuesday"})
        assert not garbage.is_valid()
        assert garbage.errors["received"][0].startswith("Received on:")
        assert "next tuesday" in garbage.errors["received"][0]
        missing = DateForm({"received": ""})
        assert not missing.is_valid()
        assert missing.errors["received"][0].startswith("Received on:")
        impossible = DateForm({"received": "112/02/30"})
        assert not impossible.is_valid()
        assert "not a real calendar date" in impossible.errors["received"][0]
        early = DateForm({"received": "2010-01-01"})
        assert not early.is_valid()
        assert early.errors["received"] == ["Received on: the date must be on or after 2014-01-01."]


def test_roc_date_widget_shows_roc_in_chinese_and_iso_in_english() -> None:
    widget = RocDateInput()
    with translation.override("zh-hant"):
        html = widget.render("d", D(2023, 11, 6), {"id": "d"})
        assert 'value="112/11/06"' in html and 'placeholder="113/02/16"' in html
    with translation.override("en"):
        html = widget.render("d", D(2023, 11, 6), {"id": "d"})
        assert 'value="2023-11-06"' in html and 'placeholder="2024-02-16"' in html
        # What the user typed is shown back unchanged.
        assert 'value="abc"' in widget.render("d", "abc")
    # The same date typed another way is not a change.
    assert not DateForm(
        {"received": "112/11/06"}, initial={"received": D(2023, 11, 6)}
    ).has_changed()
    assert DateForm({"received": "112/11/07"}, initial={"received": D(2023, 11, 6)}).has_changed()
    assert not DateForm(
        {"received": "2023-11-06"}, initial={"received": D(2023, 11, 6)}
    ).has_changed()


# --- The calculator form --------------------------------------------------------------------------


def test_calculator_computes_both_deadlines() -> None:
    form = CalculatorForm(
        {"start": "113/02/07", "working_days": "6", "start_time": "22:00", "hours": "5.5"}
    )
    assert form.is_valid(), form.errors
    result = form.result
    assert result is not None
    assert result.due_date == D(2024, 2, 21)
    assert result.deadline == dt.datetime(2024, 2, 21, 23, 59, 59, 999999, tzinfo=TAIPEI)
    assert result.calendar_days == 14
    assert result.due_at == dt.datetime(2024, 2, 8, 3, 30, tzinfo=TAIPEI)


def test_calculator_district_closure(gaemi: Any) -> None:
    city = CalculatorForm({"start": "2024-07-23", "working_days": "1"})
    district = CalculatorForm({"start": "2024-07-23", "working_days": "1", "district": "那瑪夏區"})
    assert city.is_valid() and district.is_valid()
    assert city.result and city.result.due_date == D(2024, 7, 26)
    assert district.result and district.result.due_date == D(2024, 7, 29)


@pytest.mark.parametrize(
    ("data", "field", "start_of_message"),
    [
        ({"start": "2024-02-07"}, "working_days", "Working days:"),
        ({"start": "someday", "working_days": "3"}, "start", "Start date:"),
        ({"start": "2024-02-07", "working_days": "-1"}, "working_days", "Working days:"),
        ({"start": "2024-02-07", "working_days": "2.5"}, "working_days", "Working days:"),
        ({"start": "2030-01-02", "working_days": "3"}, "start", "Start date:"),
        ({"start": "2027-12-20", "working_days": "30"}, "working_days", "Working days:"),
        ({"start": "2024-02-07", "hours": "abc"}, "hours", "Hours:"),
        ({"start": "2024-02-07", "hours": "1.234"}, "hours", "Hours:"),
        ({"start": "2024-02-07", "hours": "4", "start_time": "25:00"}, "start_time", "Start time:"),
        (
            {"start": "2024-02-07", "working_days": "1", "district": "信義區"},
            "district",
            "District:",
        ),
    ],
)
def test_calculator_errors_name_their_field(
    data: dict[str, str], field: str, start_of_message: str
) -> None:
    with translation.override("en"):
        form = CalculatorForm(data)
        assert not form.is_valid()
        assert form.result is None
        assert field in form.errors, form.errors
        assert form.errors[field][0].startswith(start_of_message), form.errors[field]
