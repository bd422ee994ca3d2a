"""`yankao mine_faqs`: propose FAQ candidates from groups of similar closed cases now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from yankao.assistant.services.mining import mine


class Command(BaseCommand):
    help = (
        "Group similar closed consultations and petitions per agency and propose an FAQ "
        "candidate for each new group of at least YANKAO_FAQ_CLUSTER_MIN_SIZE cases."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = mine()
        self.stdout.write(
            f"檢視 {result.cases} 件結案案件，{result.clusters} 群相似案件達 "
            f"{settings.YANKAO_FAQ_CLUSTER_MIN_SIZE} 件：新增 {len(result.created)} 則候選問答，"
            f"{result.known} 群已提過（更新 {result.refreshed} 則件數）。"
        )
