"""The annual inspection plan: the year's eligible tenders per tier, the legal minimum and the
city's target, inspections done against both, the ranked candidates and unannounced scheduling.

Only the inspection team uses this: the date and target of a planned inspection stay hidden from
agencies until the visit is recorded (`services.visible_inspections`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import rules
from ..models import (
    Inspection,
    InspectionStatus,
    MonitoringReport,
    ProgressEntry,
    ProjectStatus,
    WorksProject,
)
from . import UNANNOUNCED, require_team, visible_projects
from .projects import BUILDING, months_without_progress

DONE = (InspectionStatus.RECORDED, InspectionStatus.SENT, InspectionStatus.CLOSED)


def eligible_projects(year: int, projects: QuerySet[WorksProject]) -> QuerySet[WorksProject]:
    """The year's tenders that count towards the quota: built during the year, at least the
    small threshold, not subsidised or entrusted."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (
        projects.exclude(status=ProjectStatus.TENDERING)
        .filter(subsidised=False, budget_amount__gte=settings.YANKAO_WORKS_TIER_SMALL)
        .annotate(
            started=Coalesce("actual_start", "planned_start"),
            ended=Coalesce("actual_end", "planned_end"),
        )
        .filter(started__lte=last)
        .filter(Q(ended__gte=first) | Q(ended__isnull=True) | Q(status__in=BUILDING))
    )


@dataclass(frozen=True)
class TierLine:
    tier: str
    eligible: int
    minimum: int
    done: int
    planned: int

    @property
    def percent(self) -> Decimal:
        return rules.percent_of(self.done, self.minimum)

    @property
    def short(self) -> int:
        return max(0, self.minimum - self.done)


@dataclass(frozen=True)
class YearPlan:
    year: int
    quota: rules.Quota
    tiers: list[TierLine]
    done: int
    planned: int
    multiple: float

    @property
    def percent_of_minimum(self) -> Decimal:
        return rules.percent_of(self.done, self.quota.overall)

    @property
    def percent_of_target(self) -> Decimal:
        return rules.percent_of(self.done, self.quota.target)

    def sentence(self) -> str:
        """As the annual report writes it: 查核件數為法定查核件數之235%."""
        return _(
            "%(done)s inspections so far: %(pct)s%% of the legal minimum of %(minimum)s "
            "and %(tpct)s%% of the target of %(target)s."
        ) % {
            "done": self.done,
            "pct": self.percent_of_minimum,
            "minimum": self.quota.overall,
            "tpct": self.percent_of_target,
            "target": self.quota.target,
        }


def year_plan(user: Any, year: int, multiple: float | None = None) -> YearPlan:
    """The quota per tier against the inspections recorded and planned this year."""
    require_team(user)
    eligible = list(
        eligible_projects(year, visible_projects(user)).values_list("pk", "budget_amount")
    )
    tier_by_project = {pk: rules.quota_tier(amount) for pk, amount in eligible}
    counts = Counter(tier_by_project.values())
    quota = rules.quota(counts, multiple)
    inspections = Inspection.objects.filter(project_id__in=tier_by_project, original__isnull=True)
    done_projects = inspections.filter(status__in=DONE, inspected_on__year=year).values_list(
        "project_id", flat=True
    )
    planned_projects = inspections.filter(
        status__in=UNANNOUNCED, scheduled_on__year=year
    ).values_list("project_id", flat=True)
    done = Counter(tier_by_project[pk] for pk in done_projects)
    planned = Counter(tier_by_project[pk] for pk in planned_projects)
    tiers = [
        TierLine(t, quota.eligible[t], quota.per_tier[t], done[t], planned[t])
        for t in rules.QUOTA_TIERS
    ]
    return YearPlan(
        year,
        quota,
        tiers,
        sum(done.values()),
        sum(planned.values()),
        settings.YANKAO_WORKS_TARGET_MULTIPLE if multiple is None else multiple,
    )


# --- Candidates -------------------------------------------------------------------------------


@dataclass
class Candidate:
    project: WorksProject
    tier: str
    grounds: list[str]
    priority: int
    lag: Decimal | None
    complaints: int
    last_grade: str
    last_score: int | None
    months_missing: int


def facts_for(
    project: WorksProject,
    *,
    entries: list[ProgressEntry],
    complaints: int,
    last: Inspection | None,
    today: dt.date | None = None,
) -> rules.Facts:
    return rules.Facts(
        budget=project.budget_amount,
        award=project.award_amount,
        complaints=complaints,
        media=project.media_reported,
        lag=entries[-1].lag if entries else None,
        change_orders=project.change_orders,
        change_order_cost=project.change_order_cost,
        last_grade=last.grade if last else "",
        last_score=last.score if last else None,
        months_without_progress=months_without_progress(project, {e.month for e in entries}, today),
        mayor_listed=project.mayor_listed,
    )


def candidates(user: Any, year: int, today: dt.date | None = None) -> list[Candidate]:
    """Eligible projects being built and not already waiting for a visit, best grounds first."""
    require_team(user)
    projects = list(
        eligible_projects(year, visible_projects(user))
        .filter(status__in=BUILDING)
        .exclude(inspections__status__in=UNANNOUNCED)
        .annotate(complaint_count=Count("monitoring_reports", distinct=True))
        .select_related("agency")
    )
    ids = [p.pk for p in projects]
    entries: dict[int, list[ProgressEntry]] = defaultdict(list)
    for entry in ProgressEntry.objects.filter(project_id__in=ids).order_by("month"):
        entries[entry.project_id].append(entry)
    last: dict[int, Inspection] = {}
    for inspection in Inspection.objects.filter(
        project_id__in=ids, status__in=DONE, score__isnull=False
    ).order_by("inspected_on", "pk"):
        last[inspection.project_id] = inspection  # the latest wins
    found = []
    for project in projects:
        facts = facts_for(
            project,
            entries=entries[project.pk],
            complaints=project.complaint_count,
            last=last.get(project.pk),
            today=today,
        )
        grounds = rules.priority_grounds(facts)
        found.append(
            Candidate(
                project,
                rules.tier_of(project.budget_amount),
                grounds,
                rules.priority(grounds),
                facts.lag,
                facts.complaints,
                facts.last_grade,
                facts.last_score,
                facts.months_without_progress,
            )
        )
    return sorted(
        found,
        key=lambda c: (
            -c.priority,
            -c.project.budget_amount,
            -(c.lag or Decimal(0)),
            c.project.tender_number,
        ),
    )


def grounds_of(project: WorksProject, today: dt.date | None = None) -> list[str]:
    """The priority grounds of one project now (kept on the inspection that is scheduled)."""
    entries = list(project.progress.order_by("month"))
    last = (
        project.inspections.filter(status__in=DONE, score__isnull=False)
        .order_by("-inspected_on", "-pk")
        .first()
    )
    complaints = MonitoringReport.objects.filter(project=project).count()
    return rules.priority_grounds(
        facts_for(project, entries=entries, complaints=complaints, last=last, today=today)
    )


def planned_inspections(user: Any) -> QuerySet[Inspection]:
    """Unannounced visits waiting: the team's own list (agencies never see these)."""
    require_team(user)
    return (
        Inspection.objects.filter(status=InspectionStatus.PLANNED)
        .select_related("project", "project__agency")
        .order_by("scheduled_on", "pk")
    )


@transaction.atomic
def schedule(
    project: WorksProject, user: Any, scheduled_on: dt.date, *, today: dt.date | None = None
) -> Inspection:
    """Plan an unannounced inspection with the project's current priority grounds."""
    require_team(user)
    today = today or timezone.localdate()
    locked = WorksProject.objects.select_for_update().get(pk=project.pk)
    errors: dict[str, list[str]] = {}
    if scheduled_on < today:
        errors["scheduled_on"] = [_("The visit date cannot be in the past.")]
    if locked.status not in BUILDING:
        errors.setdefault("scheduled_on", []).append(
            _("Only a project under construction (or stopped) can be inspected on site.")
        )
    if locked.inspections.filter(status__in=UNANNOUNCED).exists():
        errors.setdefault("scheduled_on", []).append(
            _("An inspection of this project is already planned or being recorded.")
        )
    if errors:
        raise ValidationError(errors)
    return Inspection.objects.create(
        project=locked,
        status=InspectionStatus.PLANNED,
        scheduled_on=scheduled_on,
        priority_grounds=grounds_of(locked, today),
        created_by=user,
    )


GROUND_LABELS = {
    rules.COMPLAINTS: gettext_lazy("Complaints or citizen works reports"),
    rules.MEDIA: gettext_lazy("Media reports"),
    rules.LAGGING: gettext_lazy("Progress lag"),
    rules.CHANGE_ORDERS: gettext_lazy("Many or large change orders"),
    rules.LOW_BID: gettext_lazy("Low bid"),
    rules.POOR_RECORD: gettext_lazy("Poor previous inspection"),
    rules.NOT_UPDATING: gettext_lazy("Progress not updated"),
    rules.MAYOR_LISTED: gettext_lazy("Listed by the mayor"),
}


def ground_label(ground: str) -> str:
    return str(GROUND_LABELS.get(ground, ground))
