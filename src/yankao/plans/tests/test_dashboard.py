"""The plan-control dashboard: its figures on a small year, scoping, the page in zh-Hant with its
heat map and drill-down, the API, and a query count that does not grow with the plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from yankao.plans import dashboard, services
from yankao.plans.analysis import NOT_REPORTED, analyse
from yankao.plans.conftest import linear_targets, make_plan
from yankao.plans.models import LagCause, Plan, ProgressReport, ProgressStatus, ReportStatus
from yankao.web.charts import heat_colour, to_linked_svg

pytestmark = pytest.mark.django_db

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
TODAY = dt.date(2026, 5, 20)  # April's reports were due on 6 May; May's are not yet


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(user)
    return client


def approved(plan: Plan, people: dict[str, Any], officer: str) -> Plan:
    work_plan = services.submit_work_plan(plan, people[officer], linear_targets())
    services.decide_work_plan(work_plan, people["planner"], approve=True)
    return plan


def report(plan: Plan, user: Any, month: dt.date, progress: str) -> None:
    cause = {"lag_cause": LagCause.LAND, "remedy": "協調地主價購中", "remedy_due": TODAY}
    services.save_report(
        plan,
        month,
        services.ReportData(Decimal(progress), Decimal(1_000_000 * month.month), **cause),
        user,
        submit=True,
    )


@pytest.fixture
def year(plan: Plan, people: dict[str, Any], agencies: dict[str, Any]) -> dict[str, Plan]:
    """Planned 25% in March and 33.33% in April for every plan.

    March: PWB behind (10%) and ahead (26%), EPB on schedule. April: the first PWB plan behind
    (20%), the second has not reported, EPB on schedule. A released plan never counts.
    """
    road = approved(
        make_plan(agencies["pwb"], code="115-PWB-002", name="道路拓寬工程"), people, "pwb_officer"
    )
    epb = approved(
        make_plan(agencies["epb"], code="115-EPB-001", name="空品改善計畫"), people, "epb_officer"
    )
    gone = approved(
        make_plan(agencies["epb"], code="115-EPB-002", name="已解除計畫"), people, "epb_officer"
    )
    report(plan, people["pwb_officer"], MARCH, "10")
    report(road, people["pwb_officer"], MARCH, "26")
    report(epb, people["epb_officer"], MARCH, "25")
    report(gone, people["epb_officer"], MARCH, "1")
    services.release(gone, people["planner"], "計畫完成")
    report(plan, people["pwb_officer"], APRIL, "20")
    report(epb, people["epb_officer"], APRIL, "33.33")
    return {"pwb": plan, "road": road, "epb": epb, "gone": gone}


def test_latest_due_month_follows_the_report_deadline():
    assert dashboard.latest_due_month(2026, dt.date(2026, 5, 6)) == dt.date(2026, 3, 1)
    assert dashboard.latest_due_month(2026, dt.date(2026, 5, 7)) == APRIL
    assert dashboard.latest_due_month(2025, TODAY) == dt.date(2025, 12, 1)
    assert dashboard.latest_due_month(2027, TODAY) == dt.date(2027, 1, 1)


def test_figures_of_a_small_year(year, people, agencies):
    result = dashboard.build(people["planner"], 2026, today=TODAY)
    assert result.month == APRIL
    counts = result.overall.counts
    assert (counts[ProgressStatus.AHEAD], counts[ProgressStatus.ON_SCHEDULE]) == (0, 1)
    assert (counts[ProgressStatus.BEHIND], counts[NOT_REPORTED]) == (1, 1)
    assert [line.agency for line in result.agencies] == [agencies["pwb"], agencies["epb"]]
    pwb, epb = result.agencies
    assert pwb.status.counts[ProgressStatus.BEHIND] == 1 and pwb.status.counts[NOT_REPORTED] == 1
    assert epb.status.total == 1 and epb.status.counts[ProgressStatus.ON_SCHEDULE] == 1
    march, april, may = pwb.cells[2], pwb.cells[3], pwb.cells[4]
    assert (march.expected, march.reported, march.behind, march.ahead) == (2, 2, 1, 1)
    assert march.behind_share == Decimal("50.00") and march.gap == 0
    assert (april.reported, april.behind, april.gap, april.behind_share) == (1, 1, 1, 100)
    assert may.expected == 2 and may.gap == 0 and may.behind_share is None  # not due yet
    assert pwb.cells[0].gap == 2 and pwb.cells[0].behind_share is None  # nothing in January
    assert epb.cells[2].expected == 1 and epb.cells[2].reported == 1  # the released plan is out
    assert result.totals[2].reported == 3 and result.totals[2].behind == 1
    assert [r.plan for r in result.behind] == [year["pwb"]] and result.behind_total == 1
    assert result.behind[0].lag == Decimal("13.33")
    # The same month agrees with the monthly analysis.
    march_view = dashboard.build(people["planner"], 2026, MARCH, today=TODAY)
    assert (
        march_view.overall.counts
        == analyse(MARCH, services.visible_plans(people["planner"])).overall.counts
    )


def test_an_agency_sees_its_own_plans_and_the_viewer_all(year, people, agencies):
    pwb = dashboard.build(people["pwb_officer"], 2026, today=TODAY)
    assert [line.agency for line in pwb.agencies] == [agencies["pwb"]]
    assert pwb.overall.total == 2 and [r.plan for r in pwb.behind] == [year["pwb"]]
    epb = dashboard.build(people["epb_officer"], 2026, today=TODAY)
    assert [line.agency for line in epb.agencies] == [agencies["epb"]]
    assert epb.behind == [] and epb.overall.counts[ProgressStatus.ON_SCHEDULE] == 1
    viewer = dashboard.build(people["viewer"], 2026, today=TODAY)
    assert viewer.overall.total == 3 and len(viewer.agencies) == 2
    assert dashboard.build(people["operator"], 2026, today=TODAY).agencies == []


def test_heat_map_has_a_cell_per_agency_and_month_each_a_drill_down(year, people, agencies):
    result = dashboard.build(people["planner"], 2026, today=TODAY)
    chart = dashboard.heat_chart(result, lambda m: f"?year={m.year}&month={m.month}")
    assert chart.bar_count == 2 * 12
    svg = str(to_linked_svg(chart, "heat"))
    assert svg.count('<rect class="bar"') == 2 * 12
    assert svg.count("<title>") == 2 * 12  # a tooltip per cell (the chart title has an id)
    pwb_april = dashboard.drill_down(agencies["pwb"], APRIL).replace("&", "&amp;")
    assert f'<a href="{pwb_april}"' in svg  # the agency's row label and its April cell
    assert ">50%</text>" in svg and ">100%</text>" in svg
    assert "?year=2026&amp;month=3" in svg  # a month header makes it the dashboard's month
    assert heat_colour(None)[0] != heat_colour(0.0)[0] != heat_colour(1.0)[0]


def test_drill_down_lists_the_agencys_plans_with_that_months_status(year, people, agencies):
    planner = client_for(people["planner"])
    missing = planner.get(dashboard.drill_down(agencies["pwb"], APRIL, NOT_REPORTED))
    assert [p.code for p in missing.context["object_list"]] == [year["road"].code]
    behind = planner.get(dashboard.drill_down(month=MARCH, progress=ProgressStatus.BEHIND))
    assert [p.code for p in behind.context["object_list"]] == [year["pwb"].code]
    march = planner.get(dashboard.drill_down(agencies["epb"], MARCH)).context["object_list"]
    assert [(p.code, p.latest_status) for p in march] == [(year["epb"].code, "on_schedule")]
    bad = planner.get(reverse("plans:list") + "?month=2026-13")
    assert bad.status_code == 200 and "2026-03" in bad.context["filters"].errors["month"][0]
    # Drilling into another agency's plans shows nothing more than the agency's own.
    own = client_for(people["epb_officer"]).get(dashboard.drill_down(agencies["pwb"], MARCH))
    assert {p.agency for p in own.context["object_list"]} <= {agencies["epb"]}


def test_page_in_chinese_with_charts_tables_and_links(year, people):
    page = client_for(people["planner"]).get(reverse("plans:dashboard") + "?year=2026&month=4")
    assert page.status_code == 200
    html = page.content.decode()
    assert "列管計畫儀表板" in html and "民國115年4月" in html
    assert 'id="chart-dashboard-heat"' in html and 'id="chart-dashboard-status"' in html
    assert reverse("plans:detail", args=[year["pwb"].code]) in html  # on to the S-curve
    assert "落後" in html and "缺1" in html
    assert page.context["dashboard"].month == APRIL
    nav = [item["label"] for item in page.context["nav_items"]]
    assert "列管計畫儀表板" in [str(label) for label in nav]
    agency = client_for(people["pwb_officer"]).get(reverse("plans:dashboard") + "?year=2026")
    assert agency.status_code == 200 and "環保局" not in agency.content.decode()
    assert "列管計畫儀表板" not in [str(i["label"]) for i in agency.context["nav_items"]]
    bad = client_for(people["viewer"]).get(reverse("plans:dashboard") + "?year=1800")
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()


def test_api_gives_the_same_figures_scoped(year, people):
    body = api(people["planner"]).get("/api/v1/plan-dashboard/?year=2026&month=4").json()
    assert body["month"] == "2026-04-01"
    assert body["overall"]["by_status"]["behind"] == {"count": 1, "share": "33.33"}
    assert body["overall"]["by_status"][NOT_REPORTED]["count"] == 1
    pwb = body["agencies"][0]
    assert pwb["agency_code"] == "397110000G" and len(pwb["months"]) == 12
    assert pwb["months"][2]["behind_share"] == "50.00" and pwb["months"][3]["missing"] == 1
    assert [b["plan_code"] for b in body["behind"]] == [year["pwb"].code]
    own = api(people["epb_officer"]).get("/api/v1/plan-dashboard/?year=2026&month=4").json()
    assert [a["agency_code"] for a in own["agencies"]] == ["397150000I"] and own["behind"] == []
    assert api(people["planner"]).get("/api/v1/plan-dashboard/?year=x").status_code == 400
    assert (
        api(people["planner"]).get("/api/v1/plan-dashboard/?year=2026&month=13").status_code == 400
    )


def _more_plans(agencies: dict[str, Any], count: int, start: int) -> None:
    """Plans with a submitted March report behind (stored directly: the rules are tested above)."""
    for n in range(start, start + count):
        agency = agencies["epb"] if n % 2 else agencies["fengshan"]
        plan = make_plan(agency, code=f"115-X-{n:03d}", name=f"計畫{n}")
        ProgressReport.objects.create(
            plan=plan,
            month=MARCH,
            status=ReportStatus.SUBMITTED,
            actual_progress=Decimal(10),
            actual_spending=Decimal(0),
            planned_progress=Decimal(25),
            lag=Decimal(15),
            progress_status=ProgressStatus.BEHIND,
        )


def test_queries_do_not_grow_with_the_plans(year, people, agencies, django_assert_max_num_queries):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            dashboard.build(people["planner"], 2026, MARCH, today=TODAY)
        return len(captured)

    few = queries()
    _more_plans(agencies, 30, 0)
    assert queries() == few
    with django_assert_max_num_queries(6):
        result = dashboard.build(people["planner"], 2026, MARCH, today=TODAY)
    assert result.behind_total == 31 and len(result.agencies) == 3
    page_url = reverse("plans:dashboard") + "?year=2026&month=3"
    client = client_for(people["planner"])
    client.get(page_url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as before:
        client.get(page_url)
    _more_plans(agencies, 30, 100)
    with CaptureQueriesContext(connection) as after:
        assert client.get(page_url).context["dashboard"].behind_total == 61
    assert len(after) == len(before)
