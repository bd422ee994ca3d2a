"""List (or delete) stored attachment files that no row points at.

An upload made inside a larger transaction that later rolled back leaves its file behind,
because storage cannot take part in the database transaction. Run this now and then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yankao.attachments.models import Attachment
from yankao.attachments.services import orphaned_files


class Command(BaseCommand):
    help = "List stored attachment files with no database row; --delete removes them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="Delete the files found.")
        parser.add_argument(
            "--min-age-hours",
            type=int,
            default=24,
            help="Only files at least this old (uploads in flight are never orphans).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = Attachment._meta.get_field("file").storage  # type: ignore[attr-defined]
        found = orphaned_files(dt.timedelta(hours=options["min_age_hours"]))
        for name in found:
            if options["delete"]:
                storage.delete(name)
            self.stdout.write(name)
        verb = "deleted" if options["delete"] else "found"
        self.stderr.write(f"{len(found)} orphaned file(s) {verb}.")
