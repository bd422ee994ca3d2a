"""The public interface of works inspection: who may do what, and what each user may see.

Subject modules (`services.projects`, `services.inspections`, …) hold the rules for their
records; other apps import from here or from those modules, never from views.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yankao.agencies.roles import BusinessLine, RoleCode
from yankao.agencies.services import can_write, scope_queryset, visibility

from ..models import (
    Defect,
    Inspection,
    InspectionStatus,
    MonitoringReport,
    PenaltyFollowUp,
    WorksProject,
)

# Inspections are unannounced: until the visit is recorded only the team sees date and target.
UNANNOUNCED = (InspectionStatus.PLANNED, InspectionStatus.DRAFT)


def is_inspection_team(user: Any) -> bool:
    """The commission's inspection team (and its administrator) work city-wide."""
    return bool(getattr(user, "is_authenticated", False)) and (
        visibility(user, BusinessLine.WORKS).everything
        and user.has_role(RoleCode.RDEC_ADMIN, RoleCode.INSPECTOR)
    )


def require_team(user: Any) -> None:
    if not is_inspection_team(user):
        raise PermissionDenied(_("Only the inspection team may do this."))


def may_write_for_agency(user: Any, agency_id: int) -> bool:
    """An agency's own people (not read-only viewers) act on its projects and defects."""
    if not can_write(user, BusinessLine.WORKS):
        return False
    return is_inspection_team(user) or agency_id in visibility(user, BusinessLine.WORKS).agency_ids


def visible_projects(user: Any) -> QuerySet[WorksProject]:
    return scope_queryset(WorksProject.objects.select_related("agency"), user)


def visible_inspections(user: Any) -> QuerySet[Inspection]:
    inspections = scope_queryset(
        Inspection.objects.select_related("project", "project__agency"), user
    )
    if is_inspection_team(user):
        return inspections
    return inspections.exclude(status__in=UNANNOUNCED)


def visible_defects(user: Any) -> QuerySet[Defect]:
    defects = scope_queryset(
        Defect.objects.select_related("inspection", "inspection__project", "code"), user
    )
    if is_inspection_team(user):
        return defects
    return defects.exclude(inspection__status__in=UNANNOUNCED)


def visible_penalties(user: Any) -> QuerySet[PenaltyFollowUp]:
    return scope_queryset(PenaltyFollowUp.objects.select_related("inspection__project"), user)


def visible_monitoring_reports(user: Any) -> QuerySet[MonitoringReport]:
    return scope_queryset(
        MonitoringReport.objects.select_related("item", "agency", "project"), user
    )
