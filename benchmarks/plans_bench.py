"""Plan-control build times over generated years of plans (prints figures, asserts nothing).

Generates N plans a year over Y years (default 5 × 2,000) across the ~70 agencies of the shipped
list (first-level agencies and district offices), each with its budget rows, an approved work
plan of 12 months and 12 submitted monthly reports whose status, lag and execution rate are
computed with `plans.rules` (as `save_report` stores them) and bulk-loaded. Then times, for the
last year: the monthly analysis of December (`analysis.analyse`), its DOCX and XLSX, the
dashboard figures (`dashboard.build`) and the dashboard page through the test client as a
commission plan controller. Target: under 2 seconds each.

    .venv/bin/python benchmarks/plans_bench.py                    # 5 years × 2,000 plans
    .venv/bin/python benchmarks/plans_bench.py --plans 4000 --runs 5
    DATABASE_URL=postgres://yankao:yankao@127.0.0.1:5432/yankao_plans \\
        .venv/bin/python benchmarks/plans_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import time
import warnings
from decimal import Decimal

from _setup import setup_django, timed

CAUSES = ["land", "procurement_failure", "design_change", "weather", "contractor", "coordination"]


def s_curve(index: int, months: int = 12) -> Decimal:
    """Planned cumulative progress: slow start, fast middle, slow finish (as the demo)."""
    x = (index + 1) / months
    low, high = 1 / (1 + math.exp(5)), 1 / (1 + math.exp(-5))
    value = (1 / (1 + math.exp(-10 * (x - 0.5))) - low) / (high - low) * 100
    return Decimal(str(round(value, 2)))


def generate(per_year: int, first_year: int, last_year: int, seed: int) -> None:
    """Bulk-load the plans year by year; figures computed with the real rules, not save_report."""
    from django.db import transaction
    from django.utils import timezone

    from yankao.agencies.models import Agency, AgencyKind, User
    from yankao.agencies.services import load_agencies, rdec_code
    from yankao.plans import rules
    from yankao.plans.models import (
        FundSource,
        Plan,
        PlanBudget,
        PlanKind,
        PlanStatus,
        ProgressReport,
        ReportStatus,
        WorkPlan,
        WorkPlanMonth,
        WorkPlanStatus,
    )

    rng = random.Random(seed)
    load_agencies()
    agencies = list(
        Agency.objects.filter(
            kind__in=[AgencyKind.FIRST_LEVEL, AgencyKind.DISTRICT_OFFICE], active=True
        )
        .exclude(code=rdec_code())
        .order_by("sort_order")
        .values_list("pk", flat=True)[:70]
    )
    user = User.objects.create(username="bench.reporter")
    kinds = list(PlanKind.values)
    planned = [s_curve(i) for i in range(12)]
    now = timezone.now()
    print(
        f"generating {per_year:,} plans a year over {first_year}-{last_year}, "
        f"{len(agencies)} agencies"
    )
    started = time.perf_counter()
    for year in range(first_year, last_year + 1):
        months = [dt.date(year, m, 1) for m in range(1, 13)]
        with transaction.atomic():
            plans = Plan.objects.bulk_create(
                Plan(
                    code=f"{year - 1911}-B{n:05d}",
                    name=f"效能測試計畫{n}",
                    kind=rng.choice(kinds),
                    first_year=year,
                    last_year=year,
                    agency_id=agencies[n % len(agencies)],
                    is_works=rng.random() < 0.55,
                    start_date=months[0],
                    end_date=dt.date(year, 12, 31),
                    status=PlanStatus.RELEASED if rng.random() < 0.02 else PlanStatus.CONTROLLED,
                )
                for n in range(per_year)
            )
            budgets = {p.pk: Decimal(rng.randrange(5, 400) * 1_000_000) for p in plans}
            rows = []
            for p in plans:  # a city share, and for about a third a central subsidy
                central = budgets[p.pk] * 2 // 5 if rng.random() < 0.3 else Decimal(0)
                rows.append(
                    PlanBudget(
                        plan=p, year=year, source=FundSource.CITY, amount=budgets[p.pk] - central
                    )
                )
                if central:
                    rows.append(
                        PlanBudget(plan=p, year=year, source=FundSource.CENTRAL, amount=central)
                    )
            PlanBudget.objects.bulk_create(rows, batch_size=5000)
            work_plans = WorkPlan.objects.bulk_create(
                WorkPlan(
                    plan=p,
                    version=1,
                    status=WorkPlanStatus.APPROVED,
                    submitted_at=now,
                    decided_at=now,
                )
                for p in plans
            )
            WorkPlanMonth.objects.bulk_create(
                (
                    WorkPlanMonth(
                        work_plan=w,
                        month=month,
                        planned_progress=planned[i],
                        planned_spending=(budgets[w.plan_id] * planned[i] / 100).quantize(
                            Decimal(1)
                        ),
                    )
                    for w in work_plans
                    for i, month in enumerate(months)
                ),
                batch_size=5000,
            )
            reports = []
            for plan in plans:
                budget = budgets[plan.pk]
                troubled = rng.random() < 0.2
                cause = rng.choice(CAUSES)
                actual = Decimal(0)
                for i, month in enumerate(months):
                    pace = rng.uniform(0.55, 0.8) if troubled else rng.uniform(0.93, 1.06)
                    actual = max(
                        actual,
                        min(Decimal(100), (planned[i] * Decimal(str(pace))).quantize(rules.CENT)),
                    )
                    if rng.random() < 0.03:
                        continue  # a report never sent: a submission gap
                    planned_spending = (budget * planned[i] / 100).quantize(Decimal(1))
                    spent = (planned_spending * Decimal(str(rng.uniform(0.85, 1.02)))).quantize(
                        Decimal(1)
                    )
                    status = rules.progress_status(planned[i], actual)
                    rate = rules.execution_rate(spent, planned_spending)
                    needs = rules.needs_lag_cause(status, rate)
                    reports.append(
                        ProgressReport(
                            plan=plan,
                            month=month,
                            status=ReportStatus.SUBMITTED,
                            actual_progress=actual,
                            actual_spending=spent,
                            lag_cause=cause if needs else "",
                            remedy="加強督導趕辦。" if needs else "",
                            remedy_due=rules.add_months(month, 2) if needs else None,
                            planned_progress=planned[i],
                            planned_spending=planned_spending,
                            lag=rules.lag_of(planned[i], actual),
                            progress_status=status,
                            execution_rate=rate,
                            submitted_at=now,
                            submitted_by=user,
                            late=rng.random() < 0.05,
                        )
                    )
            ProgressReport.objects.bulk_create(reports, batch_size=5000)
        print(
            f"  {year}: {len(plans):,} plans, {len(reports):,} reports   "
            f"{time.perf_counter() - started:6.1f} s"
        )
    print(f"generated in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=2000, help="plans a year")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--last-year", type=int, default=2025, help="last year of data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1999)
    args = parser.parse_args()
    os.environ.setdefault("YANKAO_DEBUG", "false")  # no query log: it slows inserts
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from yankao.agencies.models import Agency, User
    from yankao.agencies.roles import RoleCode
    from yankao.agencies.services import rdec_code, set_roles
    from yankao.plans import analysis, dashboard, exports, services
    from yankao.plans.models import Plan, PlanBudget, ProgressReport, WorkPlanMonth

    generate(args.plans, args.last_year - args.years + 1, args.last_year, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    controller = User.objects.create(
        username="bench.controller", agency=Agency.objects.get(code=rdec_code())
    )
    set_roles(controller, [RoleCode.PLAN_CONTROLLER])
    year, december = args.last_year, dt.date(args.last_year, 12, 1)
    print(
        f"\n{connection.vendor}: {Plan.objects.count():,} plans, "
        f"{PlanBudget.objects.count():,} budget rows, {WorkPlanMonth.objects.count():,} work-plan "
        f"months, {ProgressReport.objects.count():,} reports; "
        f"{Plan.objects.filter(first_year=year).count():,} plans and "
        f"{ProgressReport.objects.filter(month__year=year).count():,} reports in {year}"
    )
    plans = services.visible_plans(controller)
    result = timed(
        f"monthly analysis {year}-12 (analysis.analyse)",
        args.runs,
        lambda: analysis.analyse(december, plans),
    )
    timed("  its DOCX (PNG charts)", args.runs, lambda: exports.build_docx(result))
    timed("  its XLSX", args.runs, lambda: exports.build_xlsx(result))
    figures = timed(
        f"dashboard figures {year} (dashboard.build)",
        args.runs,
        lambda: dashboard.build(controller, year, behind_limit=dashboard.BEHIND_SHOWN),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(controller)
    url = reverse("plans:dashboard") + f"?year={year}"

    def page() -> int:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    size = timed("dashboard page as a plan controller (test client)", args.runs, page)
    api = reverse("plan-dashboard") + f"?year={year}"
    timed("dashboard API (JSON)", args.runs, lambda: client.get(api).status_code)
    o = result.overall
    print(
        f"analysis: {o.total:,} plans in December, {len(result.agencies)} agencies, "
        f"{len(result.behind):,} behind; dashboard: {figures.overall.total:,} plans in "
        f"{figures.month:%Y-%m}, {len(figures.agencies)} agencies × 12 months, "
        f"{figures.behind_total:,} behind; page {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
