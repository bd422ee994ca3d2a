"""`yankao import_faq [path]`: load the Kaohsiung FAQ set (or a file in its format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yankao.assistant.services.faq_import import (
    DEFAULT_PATH,
    FaqImportError,
    import_faq,
    load_synonyms,
)


class Command(BaseCommand):
    help = (
        "Import FAQ entries from a JSON-lines file in the Kaohsiung FAQ format (default: the "
        "shipped set). Idempotent: never deletes and never overwrites a newer local edit; "
        "a file with any wrong row saves nothing and lists every error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
        parser.add_argument(
            "--synonyms",
            action="store_true",
            help="also create the shipped starting synonym lists (never overwrites an editor's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"找不到檔案：{path}")
        try:
            result = import_faq(path)
        except FaqImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} 個錯誤，未匯入任何資料。") from exc
        self.stdout.write(
            f"{result.rows} 列：新增 {result.created} 則，更新 {result.updated} 則，"
            f"未變更 {result.unchanged} 則，保留本地較新版本 {result.kept_local} 則。"
        )
        if options["synonyms"]:
            self.stdout.write(f"同義詞：新增 {load_synonyms()} 組。")
