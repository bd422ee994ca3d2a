"""Case intake rate through the API on one process, and the agency inbox time at N open cases.

Prints figures only. Example: .venv/bin/python benchmarks/cases_bench.py --creates 2000 --open 20000
With --stored 3000000 the intake runs against ten years of generated cases (as
cases_report_bench.py makes them), so its indexes are as deep as the city's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import threading
import time
from typing import Any

from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=1000, help="cases created through the API")
    parser.add_argument("--open", type=int, default=20000, help="open cases in one agency's inbox")
    parser.add_argument(
        "--stored", type=int, default=0, help="cases generated first (10 years, ~70 agencies)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        nargs="*",
        default=[4],
        help="also time this many concurrent requests into the same process",
    )
    args = parser.parse_args()
    os.environ.setdefault("YANKAO_DEBUG", "0")  # as in production: no per-query debug log
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from yankao.agencies.models import User
    from yankao.cases.models import (
        Case,
        CaseHandler,
        CaseStatus,
        CaseType,
        Category,
        Channel,
        Petitioner,
    )

    call_command("demo", "--quiet-progress", verbosity=0)
    if args.stored:
        from cases_report_bench import generate

        generate(args.stored, 2016, 2025, seed=1999)
        with connection.cursor() as cursor:  # statistics for the planner, as autovacuum would
            cursor.execute("ANALYZE")
    operator = User.objects.get(username="operator")
    client = Client()
    client.force_login(operator)
    category = Category.objects.filter(
        case_type=CaseType.PETITION, route_to_district_office=False, agency__kind="second_level"
    ).first()
    # Each create carries other words, category and district, as real intake does: nothing on the
    # path can answer from a cache of the previous request.
    petition_categories = list(
        Category.objects.filter(
            case_type=CaseType.PETITION, active=True, parent__isnull=False
        ).values_list("code", flat=True)
    )
    roads = [
        "光遠路",
        "中山一路",
        "建國二路",
        "五福三路",
        "自由路",
        "博愛二路",
        "民族一路",
        "九如路",
    ]
    troubles = [
        "人行道紅磚破損，行人容易絆倒。",
        "路燈整晚不亮，夜間行走危險。",
        "水溝堵塞發出臭味，請派員清理。",
        "騎樓被機車占用，輪椅無法通行。",
        "公園遊具損壞，孩童可能受傷。",
        "深夜施工噪音很大，影響住戶睡眠。",
    ]
    districts = ["鳳山區", "苓雅區", "三民區", "前鎮區", "左營區", "楠梓區"]

    def body(n: int) -> dict[str, Any]:
        return {
            "case_type": "petition",
            "channel": "hotline",
            "category_code": petition_categories[n % len(petition_categories)],
            "description": f"{roads[n % len(roads)]}{n % 397 + 1}號前{troubles[n % len(troubles)]}",
            "district": districts[n % len(districts)],
            "petitioner": {
                "name": "王小明",
                "phone": f"09{n % 100_000_000:08d}",
                "email": f"citizen{n}@example.com",
            },
        }

    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=operator)
    clients = {
        "API token (an app or outside system)": Client(HTTP_AUTHORIZATION=f"Token {token.key}"),
        "browser session (the operator's console)": client,
    }

    def create(api: Any, key: str, n: int) -> None:
        response = api.post(
            "/api/v1/cases/", body(n), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 201, response.content

    for label, api in clients.items():
        for n in range(50):  # warm: connections, prepared statements, caches
            create(api, f"warm{label[:3]}{n}", n)
        started = time.perf_counter()
        for n in range(args.creates):
            create(api, f"{label[:3]}{n}", n)
        elapsed = time.perf_counter() - started
        print(
            f"[{connection.vendor}] case creations through the API, one process, {label}, "
            f"one request at a time: {args.creates / elapsed:,.0f}/s"
        )

    # One process serving several requests at once, as a threaded app server does (gunicorn
    # --threads): each thread its own client and database connection.
    from django.db import connections

    def serve(thread: int, count: int) -> None:
        api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        try:
            for n in range(count):
                create(api, f"t{thread}-{n}", thread * 1_000_000 + n)
        finally:
            connections.close_all()

    for threads in args.threads:
        each = args.creates // threads
        workers = [
            threading.Thread(target=serve, args=(t + threads * 100, each)) for t in range(threads)
        ]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        print(
            f"[{connection.vendor}] case creations through the API, one process, API token, "
            f"{threads} requests at a time: {each * threads / elapsed:,.0f}/s"
        )
    from django.test.utils import CaptureQueriesContext

    for label, api in clients.items():
        with CaptureQueriesContext(connection) as seen:
            api.post(
                "/api/v1/cases/",
                body(7),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=label,
            )
        print(
            f"[{connection.vendor}] statements per create, {label}: {len(seen.captured_queries)}"
            " (BEGIN and COMMIT included where the driver reports them)"
        )
    retry = clients["API token (an app or outside system)"].post(
        "/api/v1/cases/", body(0), content_type="application/json", HTTP_IDEMPOTENCY_KEY="API0"
    )
    assert retry.status_code == 200  # a retry returns the case made the first time

    # Bulk-load open cases for the road maintenance office, then time its inbox page.
    agency = category.agency
    rng = random.Random(7)
    now = timezone.now()
    cases = [
        Case(
            number=f"999P{n:07d}",
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            status=CaseStatus.ASSIGNED,
            category=category,
            subject="人行道破損",
            description="人行道破損",
            lead_agency=agency,
            received_at=now - dt.timedelta(hours=rng.randint(1, 400)),
            deadline_at=now + dt.timedelta(hours=rng.randint(-100, 300)),
        )
        for n in range(args.open)
    ]
    started = time.perf_counter()
    Case.objects.bulk_create(cases, batch_size=2000)
    made = Case.objects.filter(number__startswith="999P")
    CaseHandler.objects.bulk_create(
        [CaseHandler(case=c, agency=agency, role="lead", assigned_at=now) for c in made],
        batch_size=2000,
    )
    Petitioner.objects.bulk_create(
        [Petitioner(case=c, name="王小明") for c in made], batch_size=2000
    )
    print(f"loaded {args.open:,} open cases in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        # Settled statistics, as autovacuum leaves them a minute after a load: timed while it
        # is still analysing the new rows, the inbox measured 246 ms instead of 150 ms.
        cursor.execute("ANALYZE")
    officer = User.objects.filter(agency=agency).first()
    inbox = Client()
    inbox.force_login(officer)
    inbox.get("/cases/")
    runs = 20
    started = time.perf_counter()
    for _ in range(runs):
        assert inbox.get("/cases/").status_code == 200
    print(
        f"[{connection.vendor}] agency inbox page with {Case.objects.filter(lead_agency=agency).count():,} open cases: {(time.perf_counter() - started) / runs * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
