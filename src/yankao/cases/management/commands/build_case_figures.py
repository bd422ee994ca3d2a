"""`yankao build_case_figures [--rebuild]`: sum finished months for the monthly report now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yankao.cases.models import CaseMonthBuild
from yankao.cases.reports.built import build_due_months


class Command(BaseCommand):
    help = "Sum every finished month for the monthly case report (the worker does it hourly)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="sum every month again, not only new ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            CaseMonthBuild.objects.update(dirty=True)
        months = build_due_months()
        self.stdout.write(f"summed {len(months)} months")
