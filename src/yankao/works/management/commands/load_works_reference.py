"""`yankao load_works_reference`: load the defect codes and monitoring items; safe to run again."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yankao.works.reference import load_defect_codes, load_monitoring_items


class Command(BaseCommand):
    help = "Create or update defect codes and citizen works monitoring items from the data files."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, load in (
            ("缺失代碼", load_defect_codes),
            ("全民督工項目", load_monitoring_items),
        ):
            try:
                result = load()
            except ValidationError as exc:
                for message in exc.messages:
                    self.stderr.write(message)
                raise CommandError(
                    f"{label}：{len(exc.messages)} 筆錯誤，未匯入任何資料。"
                ) from exc
            self.stdout.write(
                f"{label}：新增 {result.created}、更新 {result.updated}、未變 {result.unchanged}"
            )
