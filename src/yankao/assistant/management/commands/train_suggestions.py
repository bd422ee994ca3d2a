"""`yankao train_suggestions`: retrain the category suggester on the case history."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yankao.assistant.services.suggestion import train


class Command(BaseCommand):
    help = (
        "Train a new version of the category suggester on categorised cases and operators' "
        "corrections, check it on the latest tenth and make it the active one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep-active",
            action="store_true",
            help="Store the new version without making it the active one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = train(activate=not options["keep_active"])
        seconds = time.perf_counter() - started
        if result.model is None:
            self.stdout.write(result.reason)
            return
        model = result.model
        self.stdout.write(
            f"建議模型 v{model.version}：{result.cases} 件案件（含 {result.corrections} 件話務人員更正），"
            f"保留最新 {model.held_out} 件檢驗：第一建議正確率 {model.top1:.1%}、前三建議 {model.top3:.1%}；"
            f"{'已啟用' if model.active else '未啟用'}（{seconds:.1f} 秒）。"
        )
