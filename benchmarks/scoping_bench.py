"""Scoped list time for three roles over N generated people (prints figures, asserts nothing)."""

from __future__ import annotations

import argparse
import time

from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100, help="people per agency")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    from yankao.agencies.models import User
    from yankao.agencies.services import scope_queryset

    started = time.perf_counter()
    call_command("demo", "--scale", str(args.scale), "--quiet-progress", verbosity=0)
    print(
        f"demo --scale {args.scale}: {User.objects.count():,} people in {time.perf_counter() - started:.1f} s"
    )
    for username in ("pwb.officer", "pwb.chief", "admin"):
        user = User.objects.get(username=username)
        runs = 50
        started = time.perf_counter()
        for _ in range(runs):
            user = User.objects.get(username=username)
            queryset = scope_queryset(User.objects.order_by("username"), user)
            list(queryset[:50])
            total = queryset.count()
        elapsed = (time.perf_counter() - started) / runs * 1000
        print(
            f"scoped people list for {username:<12} ({total:>6,} visible): {elapsed:6.1f} ms per page"
        )


if __name__ == "__main__":
    main()
