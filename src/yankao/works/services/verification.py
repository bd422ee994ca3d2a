"""Progress verification (進度查證): each month the team checks at least N projects' reported
progress on site, lagging ones first, and records the checked figure against the reported one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ProgressEntry, ProgressVerification, ProjectStatus, WorksProject
from . import require_team

ACTIVE = (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.STOPPED)


@dataclass(frozen=True)
class Candidate:
    project: WorksProject
    planned: Decimal | None
    reported: Decimal | None
    verified: ProgressVerification | None

    @property
    def lag(self) -> Decimal | None:
        if self.planned is None or self.reported is None:
            return None
        return self.planned - self.reported


def candidates(month: dt.date, projects: QuerySet[WorksProject]) -> list[Candidate]:
    """Projects under construction with their latest reported progress, lagging first."""
    month = month.replace(day=1)
    latest = ProgressEntry.objects.filter(project=OuterRef("pk"), month__lte=month).order_by(
        "-month"
    )
    rows = projects.filter(status__in=ACTIVE).annotate(
        planned=Subquery(latest.values("planned_progress")[:1]),
        reported=Subquery(latest.values("actual_progress")[:1]),
    )
    done = {v.project_id: v for v in ProgressVerification.objects.filter(month=month)}
    found = [Candidate(p, p.planned, p.reported, done.get(p.pk)) for p in rows]
    found.sort(
        key=lambda c: (-(c.lag if c.lag is not None else Decimal(-999)), c.project.tender_number)
    )
    return found


def target() -> int:
    return settings.YANKAO_WORKS_VERIFICATIONS_PER_MONTH


def record_verification(
    project: WorksProject,
    month: dt.date,
    user: Any,
    *,
    checked_on: dt.date,
    reported_progress: Decimal,
    checked_progress: Decimal,
    note: str = "",
) -> ProgressVerification:
    require_team(user)
    errors: dict[str, str] = {}
    for name, value in (
        ("reported_progress", reported_progress),
        ("checked_progress", checked_progress),
    ):
        if not Decimal(0) <= value <= Decimal(100):
            errors[name] = _("Progress must be between 0 and 100.")
    if checked_on > timezone.localdate():
        errors["checked_on"] = _("The check cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return ProgressVerification.objects.create(
                project=project,
                month=month.replace(day=1),
                checked_on=checked_on,
                reported_progress=reported_progress,
                checked_progress=checked_progress,
                note=note.strip(),
                checked_by=user,
            )
    except IntegrityError:
        raise ValidationError(_("This project has already been verified for the month.")) from None
