"""Training sessions (教育訓練) the team holds with partner agencies, and the year's totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from ..models import TrainingSession
from . import require_team


def record_training(
    user: Any,
    *,
    title: str,
    held_on: dt.date,
    attendance: int,
    hours: Decimal = Decimal(3),
    partner: str = "",
    note: str = "",
) -> TrainingSession:
    require_team(user)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the session a title.")
    if attendance < 0:
        errors["attendance"] = _("Attendance cannot be negative.")
    if hours <= 0:
        errors["hours"] = _("Give the length in hours.")
    if errors:
        raise ValidationError(errors)
    return TrainingSession.objects.create(
        title=title.strip(),
        held_on=held_on,
        attendance=attendance,
        hours=hours,
        partner=partner.strip(),
        note=note.strip(),
    )


@dataclass(frozen=True)
class TrainingTotals:
    year: int
    sessions: int
    attendance: int

    def sentence(self) -> str:
        return _("%(n)s training sessions, %(people)s attendances in all.") % {
            "n": self.sessions,
            "people": f"{self.attendance:,}",
        }


def year_totals(year: int) -> TrainingTotals:
    figures = TrainingSession.objects.filter(held_on__year=year).aggregate(
        sessions=Count("pk"), people=Sum("attendance")
    )
    return TrainingTotals(year, figures["sessions"] or 0, figures["people"] or 0)
