"""`yankao restore PATH`: replace the database with a backup (asks first unless --yes)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yankao.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a file written by `yankao backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"])
        if not options["yes"]:
            answer = input(f"這會以 {source} 取代目前資料庫的全部內容。確定嗎？輸入 yes 繼續：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，資料庫未變更。")
        try:
            restore(source)
        except BackupError as exc:
            raise CommandError(f"還原失敗：{exc}") from exc
        self.stdout.write(f"已從 {source} 還原資料庫。")
