"""Intake rate of this checkout against another, in interleaved rounds (prints figures only).

This machine's speed drifts by ±30 % within minutes, so two benchmark runs minutes apart cannot
tell a 10 % change. Here each checkout runs in its own process and they take turns: round after
round of API creates, in alternating order, so both see the same moments of the machine. Prints
the median per checkout (wall, Python CPU and, on PostgreSQL, the backend's CPU from /proc) and
the median ratio between them over the rounds.

    .venv/bin/python benchmarks/intake_ab.py /path/to/other/checkout            # SQLite files
    .venv/bin/python benchmarks/intake_ab.py OTHER --database-urls URL_A URL_B  # empty databases

With --database-urls each checkout migrates and loads the demo into its own (empty) database;
with --prepared, both use one database already migrated and loaded (e.g. 3 million cases).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def worker() -> None:
    """One checkout's side: create cases through the API when told how many, report times."""
    root = Path(os.environ["YANKAO_AB_ROOT"])
    sys.path.insert(0, str(root / "benchmarks"))
    os.environ.setdefault("YANKAO_DEBUG", "0")
    from _setup import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from yankao.agencies.models import User
    from yankao.cases.models import CaseType, Category

    if not os.environ.get("YANKAO_AB_PREPARED"):
        call_command("demo", "--quiet-progress", verbosity=0)
    operator = User.objects.get(username="operator")
    token, _ = Token.objects.get_or_create(user=operator)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    codes = list(
        Category.objects.filter(
            case_type=CaseType.PETITION, active=True, parent__isnull=False
        ).values_list("code", flat=True)
    )
    districts = ["鳳山區", "苓雅區", "三民區", "前鎮區", "左營區", "楠梓區"]
    tag = f"{os.environ['YANKAO_AB_TAG']}{time.time_ns()}"
    made = 0

    def create(count: int) -> None:
        nonlocal made
        for _ in range(count):
            n = made
            body = {
                "case_type": "petition",
                "channel": "hotline",
                "category_code": codes[n % len(codes)],
                "description": f"光遠路{n % 397 + 1}號前人行道紅磚破損，行人容易絆倒。",
                "district": districts[n % len(districts)],
                "petitioner": {
                    "name": "王小明",
                    "phone": f"09{n % 10**8:08d}",
                    "email": f"citizen{n}@example.com",
                },
            }
            response = api.post(
                "/api/v1/cases/",
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"{tag}-{n}",
            )
            assert response.status_code == 201, response.content
            made += 1

    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

    def backend_cpu() -> float:
        if backend is None:
            return 0.0
        fields = Path(f"/proc/{backend}/stat").read_text().split(")")[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    create(100)  # warm: connection, prepared statements, caches
    print("ready", flush=True)
    for line in sys.stdin:
        count = int(line)
        cpu, wall, server = time.process_time(), time.perf_counter(), backend_cpu()
        create(count)
        print(
            time.perf_counter() - wall,
            time.process_time() - cpu,
            backend_cpu() - server,
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("other", help="the other checkout (its src/ and benchmarks/ are used)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per", type=int, default=100, help="creates per round")
    parser.add_argument("--database-urls", nargs=2, metavar="URL", help="this, then the other")
    parser.add_argument("--prepared", help="one database both use, already migrated and loaded")
    args = parser.parse_args()
    roots = [HERE.parents[1], Path(args.other).resolve()]
    processes = []
    for index, root in enumerate(roots):
        env = dict(os.environ, YANKAO_AB_ROOT=str(root), YANKAO_AB_TAG=f"ab{index}-")
        if args.prepared:
            env.update(DATABASE_URL=args.prepared, YANKAO_AB_PREPARED="1")
        elif args.database_urls:
            env["DATABASE_URL"] = args.database_urls[index]
        else:
            env.pop("DATABASE_URL", None)  # each its own SQLite file (benchmarks/_setup.py)
        processes.append(
            subprocess.Popen(  # noqa: S603 - this interpreter running this file
                [sys.executable, str(HERE), "--worker"],
                cwd=root,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        )
    for process in processes:
        assert process.stdout is not None
        while (line := process.stdout.readline()) and line.strip() != "ready":
            pass
        if not line:
            raise SystemExit(f"a worker stopped before it was ready (exit {process.wait()})")
    times: list[list[tuple[float, float, float]]] = [[], []]
    for round_ in range(args.rounds):
        for index in (0, 1) if round_ % 2 == 0 else (1, 0):
            process = processes[index]
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(f"{args.per}\n")
            process.stdin.flush()
            wall, cpu, server = map(float, process.stdout.readline().split())
            times[index].append((wall / args.per, cpu / args.per, server / args.per))
    for process in processes:
        assert process.stdin is not None
        process.stdin.close()
        process.wait()
    for root, rows in zip(roots, times, strict=True):
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        server = statistics.median(r[2] for r in rows)
        print(
            f"{root}: {1 / wall:,.0f} creations/s (median round), {wall * 1000:.2f} ms each, "
            f"Python CPU {cpu * 1000:.2f} ms, database backend CPU {server * 1000:.2f} ms"
        )
    ratios = [b[0] / a[0] for a, b in zip(times[0], times[1], strict=True)]
    print(
        f"other checkout's time per create / this checkout's, per round: median "
        f"{statistics.median(ratios):.3f} (from {min(ratios):.3f} to {max(ratios):.3f})"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
    else:
        main()
