"""Every day 2014-2027 against the shared DGPA-checked office calendar (README in its folder)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

from yankao.workdays import services

CALENDAR_CSV = Path("/work/shared/data/tw-office-calendar/tw_office_calendar_2014_2027.csv")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not CALENDAR_CSV.exists(),
        reason=f"{CALENDAR_CSV} is absent: the shared office-calendar data is not mounted here",
    ),
]


def read_rows() -> list[dict[str, str]]:
    with CALENDAR_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_file_covers_exactly_the_configured_years():
    rows = read_rows()
    first, last = services.calendar_bounds()
    assert rows[0]["date"] == first.isoformat() == "2014-01-01"
    assert rows[-1]["date"] == last.isoformat() == "2027-12-31"
    assert len(rows) == (last - first).days + 1 == 5113


def test_is_working_day_matches_every_day_of_the_office_calendar():
    mismatches = []
    for row in read_rows():
        day = dt.date.fromisoformat(row["date"])
        expected = row["is_day_off"] == "0"
        if services.is_working_day(day) != expected:
            mismatches.append((row["date"], row["is_day_off"], row["holiday_name_zh"]))
    assert mismatches == []


def test_make_up_days_and_holiday_names_match():
    first, last = services.calendar_bounds()
    days = {d.date: d for d in services.load_calendar().days(first, last)}
    makeup = set()
    for row in read_rows():
        day = days[dt.date.fromisoformat(row["date"])]
        assert day.is_makeup_workday == (row["is_makeup_workday"] == "1"), row
        if row["is_makeup_workday"] == "1":
            makeup.add(day.date)
            assert day.is_weekend and day.is_working_day and day.status == "makeup"
            with translation.override("en"):
                assert day.name == row["holiday_name_en"] == "Make-up workday"
        elif row["holiday_name_zh"]:
            assert day.holiday_name_zh == row["holiday_name_zh"], row
            assert day.holiday_name_en == row["holiday_name_en"], row
    # The README's list: 1 + 3 + 3 + 2 + 3 + 3 + 2 + 1 + 6 + 1 + 1 make-up days.
    assert len(makeup) == 26
    assert dt.date(2014, 12, 27) in makeup and dt.date(2025, 2, 8) in makeup
    assert not {d for d in makeup if d.year >= 2026}
