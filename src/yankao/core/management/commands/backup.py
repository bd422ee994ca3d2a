"""`yankao backup [PATH]`: a consistent copy of the database (online; no downtime)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from yankao.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database (SQLite online backup or pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="Target file (default: var/backups/<time>).")

    def handle(self, *args: Any, **options: Any) -> None:
        suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
        default = settings.VAR_DIR / "backups" / f"yankao-{timezone.now():%Y%m%d-%H%M%S}.{suffix}"
        target = Path(options["path"] or default)
        try:
            written = backup(target)
        except BackupError as exc:
            raise CommandError(f"備份失敗：{exc}") from exc
        self.stdout.write(f"備份完成：{written}（{written.stat().st_size:,} bytes）")
