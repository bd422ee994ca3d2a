"""Calls per second of the working-day functions over random dates 2014-2027 (asserts nothing).

Prints the module functions (one small query per call, as views and APIs use them) and a
`WorkingCalendar` loaded once (what a batch job recomputing many deadlines should use), with a
year of typhoon closures declared for the city and one district.

    .venv/bin/python benchmarks/workdays_bench.py [--seconds 2] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable

from _setup import setup_django


def rate(label: str, call: Callable[[int], object], seconds: float) -> None:
    """Run `call(i)` for about `seconds` and print calls per second."""
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(200):
            call(count)
            count += 1
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {count / elapsed:>12,.0f} calls/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django()

    from yankao.workdays import services
    from yankao.workdays.models import DeclaredDay, DeclaredDayKind

    rng = random.Random(args.seed)
    first, last = services.calendar_bounds()
    # Closures on 12 working days a year for the city, 6 more for one district.
    rows = []
    for year in range(first.year, last.year + 1):
        days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
        working = [d for d in days if services.is_working_day(d)]
        for d in rng.sample(working, 12):
            rows.append(DeclaredDay(date=d, kind=DeclaredDayKind.CLOSURE, reason="颱風停止上班"))
        for d in rng.sample(working, 6):
            rows.append(
                DeclaredDay(
                    date=d, district="那瑪夏區", kind=DeclaredDayKind.CLOSURE, reason="停止上班"
                )
            )
    DeclaredDay.objects.bulk_create(rows, ignore_conflicts=True)
    print(f"declared days: {DeclaredDay.objects.count():,}; calendar {first} to {last}")

    span = (dt.date(last.year, 10, 1) - first).days
    starts = [first + dt.timedelta(days=rng.randrange(span)) for _ in range(10_000)]
    ends = [s + dt.timedelta(days=rng.randrange(1, 90)) for s in starts]
    size = len(starts)

    started = time.perf_counter()
    services.clear_cache()
    services.calendar_bounds()
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"national calendar (holidays package + index) built in {elapsed_ms:.0f} ms")

    def add(i: int) -> object:
        return services.add_working_days(starts[i % size], 6)

    def add_district(i: int) -> object:
        return services.add_working_days(starts[i % size], 6, "那瑪夏區")

    def between(i: int) -> object:
        return services.working_days_between(starts[i % size], ends[i % size])

    rate("add_working_days(…, 6)                 [1 query per call]", add, args.seconds)
    rate("add_working_days(…, 6, district)       [1 query per call]", add_district, args.seconds)
    rate("working_days_between(start, end)       [1 query per call]", between, args.seconds)

    loaded = services.load_calendar("那瑪夏區")

    def loaded_add(i: int) -> object:
        return loaded.add_working_days(starts[i % size], 6)

    def loaded_between(i: int) -> object:
        return loaded.working_days_between(starts[i % size], ends[i % size])

    rate("WorkingCalendar.add_working_days(…, 6) [loaded once]", loaded_add, args.seconds)
    rate("WorkingCalendar.working_days_between   [loaded once]", loaded_between, args.seconds)


if __name__ == "__main__":
    main()
