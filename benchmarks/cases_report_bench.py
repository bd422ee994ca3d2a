"""Monthly case report build time over N generated cases (prints figures, asserts nothing).

Generates cases with bulk_create across ~70 agencies (first-level agencies and district offices
of the shipped list) and 10 years, with extensions, returns and satisfaction answers, then times
the December report of the last year (the largest: twelve months to date) for the whole city and
for one agency computed live from the case table, the charts and the two downloads; then sums
every finished month (what the worker does hourly, ADR 0006) and times the same reports again.

    .venv/bin/python benchmarks/cases_report_bench.py               # 200,000 cases
    .venv/bin/python benchmarks/cases_report_bench.py --cases 3000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time

from _setup import setup_django, timed

BATCH = 10_000
TYPE_WEIGHTS = {"consultation": 35, "petition": 45, "dispatch": 20}
CHANNEL_WEIGHTS = {
    "hotline": 50,
    "mayors_mailbox": 20,
    "app": 15,
    "counter": 6,
    "letter": 3,
    "fax": 1,
    "sign_language": 1,
    "assistant": 4,
}


def generate(count: int, first_year: int, last_year: int, seed: int) -> None:
    from django.db import transaction

    from yankao.agencies.models import Agency, AgencyKind, User
    from yankao.agencies.services import load_agencies
    from yankao.cases.categories import load_categories
    from yankao.cases.models import (
        Case,
        CaseEvent,
        CaseStatus,
        Category,
        Extension,
        ExtensionStatus,
        SurveyResponse,
    )
    from yankao.workdays.services import TAIPEI

    rng = random.Random(seed)
    load_agencies()
    load_categories()
    agencies = list(
        Agency.objects.filter(
            kind__in=[AgencyKind.FIRST_LEVEL, AgencyKind.DISTRICT_OFFICE], active=True
        ).values_list("pk", flat=True)[:70]
    )
    offices = list(
        Agency.objects.filter(kind=AgencyKind.DISTRICT_OFFICE).values_list("pk", flat=True)
    )
    # Routing as the services do it: a category's cases go to its agency (district-office
    # categories to the office of a random district); second-level agencies outside the 70
    # are replaced by a random one of them.
    leaves: dict[str, list[tuple[int, int | None, bool]]] = {"petition": [], "dispatch": []}
    for pk, kind, agency_id, by_district in Category.objects.filter(
        parent__isnull=False
    ).values_list("pk", "case_type", "agency_id", "route_to_district_office"):
        leaves[kind].append((pk, agency_id if agency_id in agencies else None, by_district))
    user = User.objects.create(username="bench")
    start = dt.datetime(first_year, 1, 1, tzinfo=TAIPEI)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=TAIPEI)
    span = int((end - start).total_seconds())
    recent = end - dt.timedelta(days=45)
    types, type_w = zip(*TYPE_WEIGHTS.items(), strict=True)
    channels, channel_w = zip(*CHANNEL_WEIGHTS.items(), strict=True)
    print(f"generating {count:,} cases over {first_year}-{last_year}, {len(agencies)} agencies")
    started = time.perf_counter()
    made = 0
    while made < count:
        batch: list[Case] = []
        for i in range(made, min(made + BATCH, count)):
            kind = rng.choices(types, type_w)[0]
            received = start + dt.timedelta(seconds=rng.randrange(span))
            case = Case(
                number=f"B{i:010d}",
                case_type=kind,
                channel=rng.choices(channels, channel_w)[0],
                subject="測試",
                description="測試案件",
                received_at=received,
            )
            if kind == "consultation":
                case.status, case.closed_at = CaseStatus.CLOSED, received
                if rng.random() < 0.1:  # answered later, after looking it up
                    case.closed_at = received + dt.timedelta(hours=rng.randint(1, 48))
            else:
                case.category_id, agency_id, by_district = rng.choice(leaves[kind])
                if by_district:
                    agency_id = rng.choice(offices)
                case.lead_agency_id = agency_id or rng.choice(agencies)
                if kind == "petition":
                    case.deadline_at = received + dt.timedelta(days=8)
                    took = dt.timedelta(hours=rng.triangular(2, 300, 90))
                else:
                    case.deadline_at = received + dt.timedelta(hours=rng.choice((4, 24)))
                    took = dt.timedelta(hours=rng.triangular(0.5, 40, 6))
                still_open = rng.random() < (0.3 if received > recent else 0.003)
                if still_open:
                    case.status = rng.choice([CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS])
                else:
                    case.status, case.closed_at = CaseStatus.CLOSED, received + took
            batch.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(batch)
            extensions, events, answers = [], [], []
            for case in batch:
                if case.case_type == "petition" and rng.random() < 0.03:
                    approved = rng.random() < 0.8
                    requested = case.received_at + dt.timedelta(days=2)
                    extensions.append(
                        Extension(
                            case_id=case.pk,
                            agency_id=case.lead_agency_id,
                            requested_by=user,
                            requested_at=requested,
                            extra_working_days=5,
                            reason="需會勘",
                            status=ExtensionStatus.APPROVED
                            if approved
                            else ExtensionStatus.REFUSED,
                            old_deadline_at=case.deadline_at,
                            decided_at=requested + dt.timedelta(days=1),
                        )
                    )
                if case.lead_agency_id and rng.random() < 0.02:
                    events.append(
                        CaseEvent(
                            case_id=case.pk,
                            at=case.received_at + dt.timedelta(hours=3),
                            action="return",
                            agency_id=case.lead_agency_id,
                            note="非本機關業管",
                        )
                    )
                if case.closed_at and case.lead_agency_id and rng.random() < 0.2:
                    answers.append(
                        SurveyResponse(
                            case_id=case.pk,
                            satisfied=rng.random() < 0.8,
                            answered_at=case.closed_at + dt.timedelta(days=1),
                        )
                    )
            Extension.objects.bulk_create(extensions)
            CaseEvent.objects.bulk_create(events)
            SurveyResponse.objects.bulk_create(answers)
        made += len(batch)
        if made % 100_000 == 0 or made == count:
            print(f"  {made:>10,} cases   {time.perf_counter() - started:6.1f} s")
    print(f"generated in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--last-year", type=int, default=2025, help="last year of data (10 years)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1999)
    args = parser.parse_args()
    os.environ.setdefault(
        "YANKAO_DEBUG", "false"
    )  # no query log: it slows inserts and fills memory
    setup_django()
    from django.db import connection

    from yankao.cases.models import Case
    from yankao.cases.reports import charts, exports
    from yankao.cases.reports.stats import monthly_report

    generate(args.cases, args.last_year - 9, args.last_year, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    year, month = args.last_year, 12
    print(f"\n{connection.vendor}, {Case.objects.count():,} cases; report for {year}-{month:02d}")
    report = timed("monthly report, whole city", args.runs, lambda: monthly_report(year, month))
    busiest = max(report.agencies, key=lambda r: r.month.received)
    timed(
        f"monthly report, one agency ({busiest.month.received:,} cases)",
        args.runs,
        lambda: monthly_report(year, month, agency_ids={busiest.agency.pk}),
    )
    timed(
        "charts (three SVGs)",
        args.runs,
        lambda: [
            charts.to_svg(charts.on_time_chart(report), "a"),
            charts.to_svg(charts.monthly_chart(report), "b"),
            charts.to_svg(charts.channel_chart(report), "c"),
        ],
    )
    timed("XLSX from the built report", args.runs, lambda: exports.build_xlsx(report))
    timed("DOCX from the built report (PNG charts)", args.runs, lambda: exports.build_docx(report))
    print(
        f"city: {report.totals_month.received:,} received, {report.totals_month.closed:,} closed "
        f"in the month; {report.totals_ytd.received:,} received in the year; "
        f"{len(report.agencies)} agencies, {sum(r.rank is not None for r in report.agencies)} ranked"
    )

    from yankao.cases.reports.built import build_due_months

    started = time.perf_counter()
    months = build_due_months()
    print(
        f"summed {len(months)} finished months in {time.perf_counter() - started:.1f} s (ADR 0006)"
    )
    timed(
        "monthly report, whole city, from the month sums",
        args.runs,
        lambda: monthly_report(year, month),
    )
    timed(
        "monthly report, one agency, from the month sums",
        args.runs,
        lambda: monthly_report(year, month, agency_ids={busiest.agency.pk}),
    )


if __name__ == "__main__":
    main()
