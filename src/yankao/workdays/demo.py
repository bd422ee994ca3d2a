"""Demo step: the closures Kaohsiung declared for Typhoon Gaemi (凱米) in July 2024.

Enough for the calendar page and the deadline calculator to show a moved deadline; idempotent.
"""

from __future__ import annotations

import datetime as dt

from yankao.core.demo import DemoContext

from .models import DeclaredDay, DeclaredDayKind

# date, district ("" = whole city), reason
DEMO_DECLARED_DAYS: list[tuple[dt.date, str, str]] = [
    (dt.date(2024, 7, 24), "", "凱米颱風停止上班"),
    (dt.date(2024, 7, 25), "", "凱米颱風停止上班"),
    (dt.date(2024, 7, 26), "那瑪夏區", "凱米颱風災後復原停止上班（示範資料）"),
]


def populate(context: DemoContext) -> None:
    created = 0
    for day, district, reason in DEMO_DECLARED_DAYS:
        _row, made = DeclaredDay.objects.get_or_create(
            date=day,
            district=district,
            defaults={"kind": DeclaredDayKind.CLOSURE, "reason": reason},
        )
        created += made
    context.summary.append(f"停止上班日：新增 {created} 筆")
