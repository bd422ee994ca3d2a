"""`yankao anonymise_cases`: remove petitioners' identities from cases closed before the retention period."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from yankao.cases.services import anonymise_closed_cases


class Command(BaseCommand):
    help = "Anonymise petitioners of cases closed more than YANKAO_CASE_RETENTION_YEARS ago."

    def handle(self, *args: Any, **options: Any) -> None:
        count = anonymise_closed_cases()
        self.stdout.write(
            f"已去識別化 {count} 件結案超過 {settings.YANKAO_CASE_RETENTION_YEARS} 年之案件的陳情人資料。"
        )
