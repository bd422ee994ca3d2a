"""The monthly figures on hand-built cases: definitions, edges, ranking and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from yankao.agencies.models import Agency
from yankao.cases import services
from yankao.cases.models import (
    CaseEvent,
    CaseStatus,
    CaseType,
    Channel,
    Extension,
    ExtensionStatus,
    SurveyResponse,
)
from yankao.cases.reports.stats import (
    AgencyRow,
    Figures,
    Period,
    monthly_report,
    rank_agencies,
    ranking_min_cases,
)
from yankao.cases.services import Intake
from yankao.workdays.models import DeclaredDay, DeclaredDayKind
from yankao.workdays.services import end_of_day

from .conftest import TPE, at

pytestmark = pytest.mark.django_db


def test_period_bounds_are_taiwan_months() -> None:
    period = Period(2024, 12)
    assert period.start == dt.datetime(2024, 12, 1, tzinfo=TPE)
    assert period.end == dt.datetime(2025, 1, 1, tzinfo=TPE)
    assert period.year_start == dt.datetime(2024, 1, 1, tzinfo=TPE)
    assert [first.month for first, _s, _e in Period(2024, 3).months_to_date()] == [1, 2, 3]
    with pytest.raises(ValueError):
        Period(2024, 13)


def test_month_and_year_to_date_per_agency_and_city(agencies, make_case, consultation):
    road, epb = agencies["road"], agencies["epb"]
    # Road: one on time, one late, one open and not yet due, all received in March.
    make_case(
        road, received_at=at(2024, 3, 4), deadline_at=at(2024, 3, 12), closed_at=at(2024, 3, 8)
    )
    make_case(
        road, received_at=at(2024, 3, 5), deadline_at=at(2024, 3, 6), closed_at=at(2024, 3, 11)
    )
    make_case(road, received_at=at(2024, 3, 20), deadline_at=end_of_day(dt.date(2024, 4, 1)))
    # February: one still open past its deadline, one closed on time.
    make_case(road, received_at=at(2024, 2, 20), deadline_at=at(2024, 2, 28))
    make_case(
        road, received_at=at(2024, 2, 1), deadline_at=at(2024, 2, 9), closed_at=at(2024, 2, 5)
    )
    make_case(
        epb, received_at=at(2024, 3, 10), deadline_at=at(2024, 3, 18), closed_at=at(2024, 3, 11)
    )
    consultation(at(2024, 3, 1))
    consultation(at(2024, 3, 2))
    # Outside the year: not counted anywhere.
    make_case(
        road, received_at=at(2023, 12, 1), deadline_at=at(2023, 12, 9), closed_at=at(2023, 12, 2)
    )

    report = monthly_report(2024, 3)

    row = report.row_for(road.pk)
    assert row is not None
    m, y = row.month, row.ytd
    assert (m.received, m.closed, m.closed_on_time, m.closed_late) == (3, 2, 1, 1)
    assert m.on_time_rate == 0.5
    assert (m.open_overdue, m.overdue) == (1, 2)
    assert (y.received, y.closed, y.closed_on_time, y.closed_late) == (5, 3, 2, 1)
    assert y.overdue == 2
    assert [(p.month.month, p.received, p.closed) for p in row.series] == [
        (1, 0, 0),
        (2, 2, 1),
        (3, 3, 2),
    ]
    epb_row = report.row_for(epb.pk)
    assert epb_row is not None and epb_row.month.on_time_rate == 1.0
    # The city: agencies plus the two consultations (closed, but without a deadline).
    t = report.totals_month
    assert (t.received, t.closed, t.closed_with_deadline, t.closed_on_time) == (6, 5, 3, 2)
    assert t.consultations == 2
    assert report.totals_ytd.received == 8
    assert [a.agency for a in report.agencies] == sorted(
        [road, epb], key=lambda a: (a.sort_order, a.code)
    )


def test_closed_exactly_at_the_deadline_is_on_time(agencies, make_case):
    deadline = end_of_day(dt.date(2024, 3, 12))
    make_case(
        agencies["road"], received_at=at(2024, 3, 4), deadline_at=deadline, closed_at=deadline
    )
    make_case(
        agencies["epb"],
        received_at=at(2024, 3, 4),
        deadline_at=deadline,
        closed_at=deadline + dt.timedelta(microseconds=1),
    )
    report = monthly_report(2024, 3)
    road, epb = report.row_for(agencies["road"].pk), report.row_for(agencies["epb"].pk)
    assert road is not None and epb is not None
    assert (road.month.closed_on_time, road.month.closed_late) == (1, 0)
    assert (epb.month.closed_on_time, epb.month.closed_late) == (0, 1)
    assert epb.month.overdue == 1


def test_months_start_at_taiwan_midnight(agencies, make_case):
    road = agencies["road"]
    for received in (
        at(2024, 2, 29, 23, 59),  # still February in Taiwan
        at(2024, 3, 1, 0, 0),  # = 2024-02-29 16:00 UTC, already March
        at(2024, 3, 31, 23, 30),
        at(2024, 4, 1, 0, 10),  # = 2024-03-31 16:10 UTC, already April
    ):
        make_case(road, received_at=received)
    row = monthly_report(2024, 3).row_for(road.pk)
    assert row is not None
    assert (row.month.received, row.ytd.received) == (2, 3)


def test_overdue_is_the_state_at_the_end_of_the_month(agencies, make_case):
    road = agencies["road"]
    last_moment = end_of_day(dt.date(2024, 3, 31))
    make_case(road, received_at=at(2024, 3, 20), deadline_at=last_moment)  # open, due on the 31st
    # Closed in April, after a March deadline: it was open and overdue when March ended.
    make_case(
        road, received_at=at(2024, 3, 10), deadline_at=at(2024, 3, 20), closed_at=at(2024, 4, 3)
    )
    make_case(road, received_at=at(2024, 3, 25), deadline_at=end_of_day(dt.date(2024, 4, 1)))
    make_case(
        road,
        received_at=at(2024, 3, 2),
        deadline_at=at(2024, 3, 10),
        status=CaseStatus.WITHDRAWN,  # ended, though it has no closing time
    )
    row = monthly_report(2024, 3).row_for(road.pk)
    assert row is not None
    assert (row.month.open_overdue, row.month.closed_late, row.month.overdue) == (2, 0, 2)
    april = monthly_report(2024, 4).row_for(road.pk)
    assert april is not None
    # By the end of April the first case is still open, the second was closed late in April.
    assert (april.month.open_overdue, april.month.closed_late) == (2, 1)


def test_only_cases_in_an_end_state_count_as_closed(agencies, make_case):
    road = agencies["road"]
    make_case(
        road,
        received_at=at(2024, 3, 4),
        deadline_at=at(2024, 3, 12),
        closed_at=at(2024, 3, 5),
        status=CaseStatus.IN_PROGRESS,  # reopened after closing
    )
    make_case(
        road,
        received_at=at(2024, 3, 4),
        deadline_at=at(2024, 3, 12),
        closed_at=at(2024, 3, 6),
        status=CaseStatus.DECLINED,
    )
    row = monthly_report(2024, 3).row_for(road.pk)
    assert row is not None
    assert (row.month.closed, row.month.closed_on_time) == (1, 1)


def test_average_handling_counts_working_days_on_the_calendar(agencies, make_case, consultation):
    road = agencies["road"]
    # Wed 3 April 2024 → Mon 8 April: 4 and 5 April are holidays, then a weekend: 1 working day.
    make_case(road, received_at=at(2024, 4, 3), closed_at=at(2024, 4, 8, 15))
    # Mon 8 April 07:30 (still Sunday in UTC) → Fri 12 April: 4 working days, 3 once 10 April
    # is a typhoon closure. Days are Taiwan dates.
    make_case(road, received_at=at(2024, 4, 8, 7, 30), closed_at=at(2024, 4, 12, 17))
    # March, counted in the year to date only: Fri 1 March → Mon 4 March, 1 working day.
    make_case(road, received_at=at(2024, 3, 1), closed_at=at(2024, 3, 4))
    consultation(at(2024, 4, 9))  # closed the same day; consultations are not averaged
    row = monthly_report(2024, 4).row_for(road.pk)
    assert row is not None and row.month.average_working_days == 2.5

    DeclaredDay.objects.create(
        kind=DeclaredDayKind.CLOSURE, date=dt.date(2024, 4, 10), reason="颱風停止上班"
    )
    report = monthly_report(2024, 4)
    row = report.row_for(road.pk)
    assert row is not None
    assert (row.month.working_days_total, row.month.working_days_cases) == (4, 2)
    assert row.month.average_working_days == 2.0
    assert row.ytd.average_working_days == pytest.approx(5 / 3)
    assert report.totals_month.average_working_days == 2.0


def test_cases_outside_the_calendar_are_left_out_of_the_average(settings, agencies, make_case):
    settings.YANKAO_CALENDAR_FIRST_YEAR = 2024
    road = agencies["road"]
    make_case(road, received_at=at(2023, 12, 29), closed_at=at(2024, 1, 3))  # begun before it
    make_case(road, received_at=at(2024, 1, 2), closed_at=at(2024, 1, 5))  # Tue → Fri: 3 days
    report = monthly_report(2024, 1)
    row = report.row_for(road.pk)
    assert row is not None
    assert (row.month.closed, row.month.working_days_cases) == (2, 1)
    assert row.month.average_working_days == 3
    assert report.outside_calendar == 1


def test_extensions_returns_and_satisfaction(agencies, people, make_case):
    road, epb = agencies["road"], agencies["epb"]
    officer = people["road_officer"]
    case = make_case(road, received_at=at(2024, 2, 1), deadline_at=at(2024, 2, 9))

    def extension(requested: dt.datetime, status: str, decided: dt.datetime | None) -> None:
        Extension.objects.create(
            case=case,
            agency=road,
            requested_by=officer,
            requested_at=requested,
            extra_working_days=5,
            reason="需會勘",
            status=status,
            old_deadline_at=case.deadline_at,
            decided_at=decided,
        )

    extension(at(2024, 3, 5), ExtensionStatus.APPROVED, at(2024, 3, 6))
    extension(at(2024, 2, 10), ExtensionStatus.APPROVED, at(2024, 3, 1))  # decided in March
    extension(at(2024, 3, 7), ExtensionStatus.REFUSED, at(2024, 3, 8))
    extension(at(2024, 3, 28), ExtensionStatus.PENDING, None)
    for when in (at(2024, 3, 15), at(2024, 2, 15)):
        CaseEvent.objects.create(case=case, at=when, action="return", agency=epb, note="非本局業管")
    CaseEvent.objects.create(case=case, at=at(2024, 3, 16), action="accept", agency=epb)
    for when, satisfied in (
        (at(2024, 3, 3), True),
        (at(2024, 3, 4), True),
        (at(2024, 3, 5), False),
        (at(2024, 2, 5), True),
    ):
        answered = make_case(road, received_at=at(2024, 2, 1), closed_at=at(2024, 2, 2))
        SurveyResponse.objects.create(case=answered, satisfied=satisfied, answered_at=when)

    report = monthly_report(2024, 3)
    row = report.row_for(road.pk)
    assert row is not None
    assert (row.month.extensions_requested, row.month.extensions_approved) == (3, 2)
    assert (row.ytd.extensions_requested, row.ytd.extensions_approved) == (4, 2)
    assert (row.month.survey_answered, row.month.survey_satisfied) == (3, 2)
    assert row.month.satisfaction_rate == pytest.approx(2 / 3)
    assert row.ytd.satisfaction_rate == 0.75
    returned = report.row_for(epb.pk)
    assert returned is not None
    assert (returned.month.returns, returned.ytd.returns) == (1, 2)
    assert report.totals_month.returns == 1


def test_breakdowns_and_call_centre(agencies, categories, make_case, consultation):
    road, epb = agencies["road"], agencies["epb"]
    consultation(at(2024, 3, 1))
    consultation(at(2024, 3, 2))
    # A consultation answered later, not on the line.
    make_case(
        None,
        received_at=at(2024, 3, 3),
        closed_at=at(2024, 3, 3, 15),
        case_type=CaseType.CONSULTATION,
        channel=Channel.HOTLINE,
    )
    make_case(
        road, received_at=at(2024, 3, 4), channel=Channel.HOTLINE, category=categories["sidewalk"]
    )
    make_case(
        road,
        received_at=at(2024, 3, 5),
        case_type=CaseType.DISPATCH,
        channel=Channel.APP,
        deadline_at=at(2024, 3, 5, 14),
        closed_at=at(2024, 3, 5, 12),
    )
    make_case(epb, received_at=at(2024, 3, 6), channel=Channel.MAYORS_MAILBOX)
    make_case(epb, received_at=at(2024, 3, 7), channel=Channel.MAYORS_MAILBOX)
    make_case(epb, received_at=at(2024, 3, 8), channel=Channel.COUNTER)

    with translation.override("en"):
        report = monthly_report(2024, 3)

    channels = {r.key: (r.month.received, r.share) for r in report.by_channel}
    assert channels == {
        Channel.HOTLINE: (4, 0.5),
        Channel.COUNTER: (1, 0.125),
        Channel.MAYORS_MAILBOX: (2, 0.25),
        Channel.APP: (1, 0.125),
    }
    assert [r.key for r in report.by_channel] == [
        c for c in Channel.values if c in channels
    ]  # the channels' own order
    types = {r.key: r.month.received for r in report.by_case_type}
    assert types == {CaseType.CONSULTATION: 3, CaseType.PETITION: 4, CaseType.DISPATCH: 1}
    groups = [(r.label, r.month.received, r.month.closed) for r in report.by_category]
    assert groups == [("道路與交通設施", 2, 1), ("環境衛生", 3, 0), ("No category", 3, 3)]

    cc = report.call_centre_month
    assert cc is not None
    assert (cc.calls, cc.consultations, cc.answered_on_line) == (4, 3, 2)
    assert cc.consultation_share == 0.75
    assert cc.immediate_answer_rate == 0.5


def _row(code: str, closed: int, on_time: int, days: int = 0, order: int = 0) -> AgencyRow:
    month = Figures(
        closed=closed,
        closed_on_time=on_time,
        closed_late=closed - on_time,
        working_days_total=days,
        working_days_cases=closed if days else 0,
    )
    agency = Agency(code=code, name_zh=code, sort_order=order)
    return AgencyRow(agency=agency, month=month, ytd=Figures(), series=[])


def test_ranking_leaves_out_agencies_below_the_minimum():
    rows = [
        _row("A", 10, 9, days=40),  # 90%, 4 days
        _row("B", 9, 9),  # 100% but only 9 cases
        _row("C", 20, 18, days=60),  # 90%, 3 days: beats A on handling time
        _row("D", 12, 6),
        _row("E", 10, 9, days=40),  # exactly like A: shares its rank
        _row("F", 0, 0),
    ]
    ranked = {r.agency.code: r.rank for r in rank_agencies(rows, min_cases=10)}
    assert ranked == {"A": 2, "B": None, "C": 1, "D": 4, "E": 2, "F": None}
    loose = {r.agency.code: r.rank for r in rank_agencies(rows, min_cases=0)}
    assert loose["B"] == 1 and loose["F"] is None  # no closed case, no rate, no rank
    assert [r.agency.code for r in rank_agencies(rows)] == list("ABCDEF")  # order kept


def test_ranking_minimum_comes_from_the_setting(settings, agencies, make_case):
    if hasattr(settings, "YANKAO_CASE_RANKING_MIN_CASES"):
        del settings.YANKAO_CASE_RANKING_MIN_CASES
    assert ranking_min_cases() == 10
    for _ in range(3):
        make_case(agencies["road"], received_at=at(2024, 3, 4), closed_at=at(2024, 3, 5))
    make_case(agencies["epb"], received_at=at(2024, 3, 4), closed_at=at(2024, 3, 5))

    def ranks() -> dict[str, int | None]:
        return {r.agency.code: r.rank for r in monthly_report(2024, 3).agencies}

    assert ranks() == {agencies["road"].code: None, agencies["epb"].code: None}
    settings.YANKAO_CASE_RANKING_MIN_CASES = 2
    assert ranks() == {agencies["road"].code: 1, agencies["epb"].code: None}
    report = monthly_report(2024, 3, min_cases=1)
    assert report.min_cases == 1
    assert [r.rank for r in report.ranking] == [1, 1]


def test_agency_scope_covers_only_those_agencies(agencies, make_case, consultation):
    road, epb, pwb = agencies["road"], agencies["epb"], agencies["pwb"]
    make_case(road, received_at=at(2024, 3, 4), channel=Channel.HOTLINE, closed_at=at(2024, 3, 5))
    make_case(epb, received_at=at(2024, 3, 4), channel=Channel.COUNTER)
    make_case(epb, received_at=at(2024, 3, 5), channel=Channel.COUNTER, closed_at=at(2024, 3, 6))
    consultation(at(2024, 3, 6))

    report = monthly_report(2024, 3, agency_ids={epb.pk})
    assert [r.agency for r in report.agencies] == [epb]
    assert not report.everything and report.call_centre_month is None
    assert (report.totals_month.received, report.totals_month.closed) == (2, 1)
    assert [(r.key, r.month.received) for r in report.by_channel] == [(Channel.COUNTER, 2)]
    assert {r.key: r.month.received for r in report.by_case_type}[CaseType.CONSULTATION] == 0

    # A supervisor's scope: its agency (no cases: still listed) and its second-level unit.
    both = monthly_report(2024, 3, agency_ids={pwb.pk, road.pk})
    assert {r.agency for r in both.agencies} == {pwb, road}
    assert both.totals_month.received == 1


def test_figures_follow_the_case_workflow(agencies, categories, people):
    """Cases made by the services: consultation, petition replied and closed, extension, return."""
    operator, road_officer = people["operator"], people["road_officer"]
    consult, _ = services.create_case(
        Intake(
            case_type=CaseType.CONSULTATION,
            channel=Channel.HOTLINE,
            description="請問垃圾車幾點到？",
            answer="晚上七點半。",
        ),
        operator,
    )

    def petition(category: str) -> object:
        case, _ = services.create_case(
            Intake(
                case_type=CaseType.PETITION,
                channel=Channel.HOTLINE,
                category=categories[category],
                description="人行道紅磚破損，請派員修復。",
            ),
            operator,
        )
        return case

    done = petition("sidewalk")
    services.accept(done, road_officer)
    services.reply(done, road_officer, "已派員修復人行道紅磚。")
    services.close(done, road_officer)
    extended = petition("sidewalk")
    services.accept(extended, road_officer)
    request = services.request_extension(extended, road_officer, 3, "需會同管線單位")
    services.decide_extension(request, people["rdec_case"], approve=True)
    returned = petition("noise")
    services.return_case(returned, people["epb_officer"], "非本局業管")

    now = timezone.localtime(consult.received_at)
    report = monthly_report(now.year, now.month)
    road = report.row_for(agencies["road"].pk)
    epb = report.row_for(agencies["epb"].pk)
    assert road is not None and epb is not None
    assert (road.month.received, road.month.closed, road.month.closed_on_time) == (2, 1, 1)
    assert road.month.average_working_days == 0
    assert (road.month.extensions_requested, road.month.extensions_approved) == (1, 1)
    assert (epb.month.received, epb.month.returns) == (1, 1)
    cc = report.call_centre_month
    assert cc is not None and (cc.calls, cc.consultations, cc.answered_on_line) == (4, 1, 1)
