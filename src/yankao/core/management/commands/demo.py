"""`yankao demo [--scale N]`: fill the database with realistic, deterministic demo data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from tqdm import tqdm

from yankao.agencies.models import User
from yankao.core.demo import run_demo


class Command(BaseCommand):
    help = (
        "Fill the database with demo data for every area (deterministic; --scale for benchmarks)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="Multiplier of the data volume.")
        parser.add_argument("--seed", type=int, default=1999)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when people already exist."
        )
        parser.add_argument("--quiet-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] < 1:
            self.stderr.write("--scale 必須是 1 以上的整數。")
            raise SystemExit(2)
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("資料庫已有資料，略過示範資料。")
            return

        def progress(iterable, *, total=None, desc=""):  # type: ignore[no-untyped-def]
            return tqdm(
                iterable,
                total=total,
                desc=desc,
                disable=options["quiet_progress"] or None,
                file=self.stderr,
                leave=False,
            )

        with transaction.atomic():
            context = run_demo(options["scale"], options["seed"], progress)
        for line in context.summary:
            self.stdout.write(line)
        if context.logins:
            self.stdout.write("")
            self.stdout.write(f"示範帳號（密碼皆為 {settings.YANKAO_DEMO_PASSWORD}）：")
            for username, role, agency in context.logins:
                self.stdout.write(f"  {username:<16} {role}（{agency}）")
