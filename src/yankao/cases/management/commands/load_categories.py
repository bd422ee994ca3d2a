"""`yankao load_categories [FILE]`: load the 1999 category tree; safe to run again."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yankao.cases.categories import CATEGORY_DATA_FILE, load_categories


class Command(BaseCommand):
    help = "Create or update case categories from the data file (idempotent; never deletes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(CATEGORY_DATA_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"找不到檔案 {path}")
        try:
            result = load_categories(path)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"{len(exc.messages)} 筆錯誤，未匯入任何資料。") from exc
        self.stdout.write(
            f"案件類別：新增 {result.created}、更新 {result.updated}、未變 {result.unchanged}"
        )
