"""Works-inspection report build times over generated years (prints figures, asserts nothing).

Generates Y years (default 10) × N projects a year (default 1,200) across the shipped agencies,
12 monthly progress entries each, and I inspections (default 2,000 over the years) with D coded
defects each (default 10), scores and grades from `works.rules`, plus citizen works reports.
Then times, for the last year: the quarterly report of Q4 and the annual statistics
(`works.statistics`), their DOCX and XLSX, and the statistics page through the test client as
the inspection team. Target: under 2 seconds on PostgreSQL.

    .venv/bin/python benchmarks/works_bench.py
    DATABASE_URL=postgres://yankao:yankao@127.0.0.1:5432/yankao_works \\
        .venv/bin/python benchmarks/works_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal

from _setup import setup_django, timed


def generate(
    years: int, per_year: int, inspections: int, defects: int, last_year: int, seed: int
) -> None:
    from django.db import transaction

    from yankao.agencies.models import Agency, AgencyKind, Role, User
    from yankao.agencies.roles import RoleCode
    from yankao.agencies.services import load_agencies, rdec_code
    from yankao.works import rules
    from yankao.works.models import (
        Defect,
        DefectCode,
        Inspection,
        InspectionMember,
        InspectionStatus,
        MonitoringItem,
        MonitoringReport,
        MonitoringStatus,
        ProgressEntry,
        ProjectStatus,
        WorksProject,
    )
    from yankao.works.reference import load_defect_codes, load_monitoring_items

    rng = random.Random(seed)
    started = time.perf_counter()
    load_agencies()
    load_defect_codes()
    load_monitoring_items()
    agencies = list(
        Agency.objects.filter(kind__in=[AgencyKind.FIRST_LEVEL, AgencyKind.DISTRICT_OFFICE])
    )
    team = User.objects.create(
        username="bench.inspector", agency=Agency.objects.get(code=rdec_code())
    )
    team.roles.add(Role.objects.get_or_create(code=RoleCode.INSPECTOR)[0])
    leaves = list(DefectCode.objects.filter(children__isnull=True))
    items = list(MonitoringItem.objects.all())
    first_year = last_year - years + 1
    per_year_inspections = max(1, inspections // years)
    for year in range(first_year, last_year + 1):
        with transaction.atomic():
            projects = WorksProject.objects.bulk_create(
                WorksProject(
                    tender_number=f"{year}-{n:05d}",
                    name=f"測試工程{n}",
                    agency=agencies[n % len(agencies)],
                    budget_amount=Decimal(
                        rng.choice([800_000, 3_000_000, 12_000_000, 60_000_000, 250_000_000])
                    ),
                    planned_start=dt.date(year, 1, 10),
                    planned_end=dt.date(year, 12, 20),
                    actual_start=dt.date(year, 1, 15),
                    status=ProjectStatus.UNDER_CONSTRUCTION,
                    subsidised=rng.random() < 0.1,
                )
                for n in range(per_year)
            )
            ProgressEntry.objects.bulk_create(
                (
                    ProgressEntry(
                        project=p,
                        month=dt.date(year, m, 1),
                        planned_progress=Decimal(m * 8),
                        actual_progress=Decimal(m * 8) - Decimal(rng.choice([0, 0, 1, 3, 12])),
                    )
                    for p in projects
                    for m in range(1, 13)
                ),
                batch_size=5000,
            )
            chosen = rng.sample(projects, k=min(per_year_inspections, len(projects)))
            made = []
            for p in chosen:
                scores = [rng.randint(62, 95) for _ in range(3)]
                score, grade = rules.judged(scores, rules.Triggers())
                made.append(
                    Inspection(
                        project=p,
                        inspected_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                        status=InspectionStatus.SENT,
                        score=score,
                        grade=grade,
                        created_by=team,
                    )
                )
            made = Inspection.objects.bulk_create(made)
            InspectionMember.objects.bulk_create(
                InspectionMember(inspection=i, name=f"委員{k}", external=k == 0, score=i.score)
                for i in made
                for k in range(3)
            )
            Defect.objects.bulk_create(
                (
                    Defect(
                        inspection=i,
                        code=code,
                        party=code.party,
                        description=code.text[:60],
                        deduction=code.deduction_min,
                        remediation_due=i.inspected_on + dt.timedelta(days=30),
                        status=rng.choice(["open", "reported", "closed", "closed", "closed"]),
                    )
                    for i in made
                    for code in rng.sample(leaves, k=defects)
                ),
                batch_size=5000,
            )
            reports = MonitoringReport.objects.bulk_create(
                MonitoringReport(
                    number=f"B{year}{n:05d}",
                    item=rng.choice(items),
                    project=rng.choice(projects),
                    agency=agencies[n % len(agencies)],
                    description="通報",
                    received_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    survey_due=dt.date(year, 12, 31),
                    status=MonitoringStatus.RECEIVED,
                )
                for n in range(50)
            )
            assert reports
    print(
        f"generated {years} years × {per_year:,} projects × 12 progress entries, "
        f"{Inspection.objects.count():,} inspections × {defects} defects "
        f"({Defect.objects.count():,} defects) in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--projects", type=int, default=1200, help="projects a year")
    parser.add_argument("--inspections", type=int, default=2000, help="over all the years")
    parser.add_argument("--defects", type=int, default=10, help="defects per inspection")
    parser.add_argument("--last-year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1999)
    args = parser.parse_args()
    os.environ.setdefault("YANKAO_DEBUG", "false")
    setup_django()
    from django.db import connection
    from django.test import Client

    from yankao.agencies.models import User
    from yankao.works import report_exports, statistics
    from yankao.works.models import MonitoringReport, ProgressVerification
    from yankao.works.services import visible_inspections

    generate(args.years, args.projects, args.inspections, args.defects, args.last_year, args.seed)
    print(f"database: {connection.vendor}")
    team = User.objects.get(username="bench.inspector")
    scoped = {
        "inspections": visible_inspections(team),
        "monitoring_reports": MonitoringReport.objects.all(),
        "verifications": ProgressVerification.objects.all(),
    }
    year = args.last_year
    quarter = timed(
        f"quarterly report {year} Q4 (statistics)",
        args.runs,
        lambda: statistics.quarterly(year, 4, **scoped),
    )
    print(f"  {quarter.inspections} inspections, {quarter.defects_total} defects in the quarter")
    annual = timed(
        f"annual statistics {year}", args.runs, lambda: statistics.annual(year, **scoped)
    )
    print(f"  {annual.inspections} inspections, {annual.defects_total} defects in the year")
    for fmt in ("xlsx", "docx"):
        timed(
            f"annual statistics {year} as {fmt.upper()}",
            args.runs,
            lambda f=fmt: report_exports.build(annual, f),
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(team)
    timed(
        "statistics page (whole year), inspection team",
        args.runs,
        lambda: client.get(f"/works/statistics/?year={year}&quarter="),
    )
    timed(
        "quarterly page (Q4), inspection team",
        args.runs,
        lambda: client.get(f"/works/statistics/?year={year}&quarter=4"),
    )


if __name__ == "__main__":
    main()
