"""`yankao load_agencies [FILE]`: load the shipped Kaohsiung agency list; safe to run again."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yankao.agencies.services import AGENCY_DATA_FILE, agency_counts_by_kind, load_agencies


class Command(BaseCommand):
    help = "Create or update agencies from the data file (idempotent; never deletes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(AGENCY_DATA_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"找不到檔案 {path}")
        try:
            result = load_agencies(path)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"{len(exc.messages)} 筆錯誤，未匯入任何資料。") from exc
        self.stdout.write(
            f"機關：新增 {result.created}、更新 {result.updated}、未變 {result.unchanged}"
        )
        for kind, count in agency_counts_by_kind().items():
            self.stdout.write(f"  {kind}: {count}")
