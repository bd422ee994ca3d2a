"""Deadline and masking rules, with table tests and properties."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yankao.cases import deadlines
from yankao.cases.masking import mask_email, mask_id, mask_name, mask_phone
from yankao.cases.models import CaseType
from yankao.workdays import services as calendar

TPE = zoneinfo.ZoneInfo("Asia/Taipei")
pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TPE)


def test_petition_deadline_skips_lunar_new_year():
    # Received Wed 2024-02-07; 2/8-2/14 off, 2/17 (Sat) a make-up workday.
    due = deadlines.initial_deadline(CaseType.PETITION, None, at(2024, 2, 7))
    # Working days after 2/7: 2/15, 2/16, 2/17, 2/19, 2/20, 2/21 → sixth is 2/21.
    assert due.astimezone(TPE).date() == dt.date(2024, 2, 21)
    assert due.astimezone(TPE).time() == dt.time(23, 59, 59, 999999)


def test_shared_petitions_get_ten_working_days():
    due = deadlines.initial_deadline(CaseType.PETITION, None, at(2024, 3, 4), shared=True)
    assert due.astimezone(TPE).date() == dt.date(2024, 3, 18)


def test_dispatch_runs_in_clock_hours_through_the_night_and_holidays():
    due = deadlines.initial_deadline(CaseType.DISPATCH, None, at(2024, 2, 9, 22))
    assert due == at(2024, 2, 10, 22)  # 24 h by default, Lunar New Year's Eve or not


def test_consultations_have_no_deadline():
    assert deadlines.initial_deadline(CaseType.CONSULTATION, None, at(2024, 3, 4)) is None


def test_extensions_stop_at_thirty_calendar_days():
    received = at(2024, 3, 4)
    first = deadlines.initial_deadline(CaseType.PETITION, None, received)
    extended = deadlines.extended_deadline(first, received, 30)
    assert extended.astimezone(TPE).date() == dt.date(2024, 4, 3)


def test_supplement_pause_moves_the_deadline_by_the_pause():
    deadline = at(2024, 3, 12, 23)
    assert deadlines.resumed_deadline(deadline, at(2024, 3, 5), at(2024, 3, 8)) == at(
        2024, 3, 15, 23
    )
    assert deadlines.resumed_deadline(deadline, at(2024, 3, 8), at(2024, 3, 5)) == deadline


received_moments = st.datetimes(
    min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2026, 11, 30)
).map(lambda d: d.replace(tzinfo=TPE))


@settings(max_examples=150, deadline=None)
@given(received=received_moments, shared=st.booleans())
def test_petition_deadline_is_a_working_day_within_the_cap(received, shared):
    due = deadlines.initial_deadline(CaseType.PETITION, None, received, shared=shared)
    day = due.astimezone(TPE).date()
    assert calendar.is_working_day(day) or due == deadlines.latest_deadline(received)
    assert due <= deadlines.latest_deadline(received)
    assert due > received


@settings(max_examples=150, deadline=None)
@given(received=received_moments, extra=st.integers(min_value=1, max_value=30))
def test_extension_never_shortens_and_never_passes_the_cap(received, extra):
    first = deadlines.initial_deadline(CaseType.PETITION, None, received)
    extended = deadlines.extended_deadline(first, received, extra)
    assert first <= extended <= max(first, deadlines.latest_deadline(received))


def test_masks_from_the_issue():
    assert mask_name("王小明") == "王○明"
    assert mask_name("王明") == "王○"
    assert mask_name("歐陽小明") == "歐○○明"
    assert mask_phone("0912345123") == "09xx-xxx-123"
    assert mask_phone("07-3368333") == "07xx-xxx-333"
    assert mask_email("citizen@example.com") == "c******@example.com"
    assert mask_id("A123456789") == "A12*****89"


@given(st.text(min_size=3, max_size=12).filter(lambda s: s.strip() == s))
def test_masked_names_hide_the_middle(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0] and masked[-1] == name[-1]
    assert set(masked[1:-1]) == {"○"}


@given(st.from_regex(r"09[0-9]{8}", fullmatch=True))
def test_masked_phones_keep_only_five_digits(phone):
    masked = mask_phone(phone)
    assert sum(ch.isdigit() for ch in masked) == 5
    assert phone[2:7] not in masked
