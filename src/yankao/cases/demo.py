"""Demo step: the 1999 category tree (cases themselves come with the intake screens)."""

from __future__ import annotations

from yankao.core.demo import DemoContext

from .categories import load_categories
from .models import Category


def populate(context: DemoContext) -> None:
    if not Category.objects.exists():
        result = load_categories()
        context.summary.append(f"案件類別：載入 {result.created} 個")
