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


def home_work(user: Any) -> list[Any]:
    """The home page's works items: progress owed and citizen works reports to act on for an
    agency; reports waiting for the team's confirmation and overdue ones for the team."""
    from django.urls import reverse
    from django.utils import timezone

    from yankao.core.services import WorkItem, WorkList
    from yankao.workdays.roc import format_roc

    from ..models import MonitoringStatus
    from . import monitoring, projects

    seen = visibility(user, BusinessLine.WORKS)
    team = is_inspection_team(user)
    if not (team or (seen.agency_ids and can_write(user, BusinessLine.WORKS))):
        return []
    lists: list[Any] = []
    today = timezone.localdate()
    reports = monitoring.visible(user).exclude(status=MonitoringStatus.CLOSED)
    if team:
        reports = [
            r
            for r in reports.order_by("survey_due")
            if r.status == MonitoringStatus.REMEDIED or monitoring.is_overdue(r, today)
        ]
    else:
        reports = list(reports.exclude(status=MonitoringStatus.REMEDIED).order_by("survey_due"))
    if reports or not team:
        lists.append(
            WorkList(
                _("Citizen works reports to act on"),
                [
                    WorkItem(
                        f"{r.number} {r.item.name}",
                        reverse("works:monitoring", args=[r.pk]),
                        note=str(r.get_status_display())
                        + (" · " + _("overdue") if monitoring.is_overdue(r, today) else ""),
                        alert=monitoring.is_overdue(r, today),
                    )
                    for r in reports[:8]
                ],
                len(reports),
                more_url=reverse("works:monitoring_list"),
                empty_text=_("No citizen works report is waiting."),
            )
        )
    if not team:
        month = projects.current_progress_month(today)
        owed = (
            projects.owing(month, visible_projects(user))
            .exclude(progress__month=month)
            .order_by("tender_number")
        )
        deadline = projects.progress_deadline(month)
        lists.append(
            WorkList(
                _("Works progress due for %(month)s") % {"month": format_roc(month, "month")},
                [
                    WorkItem(
                        f"{p.tender_number} {p.name}",
                        reverse("works:progress", args=[p.pk]),
                        note=_("due %(date)s") % {"date": format_roc(deadline, "date")},
                        alert=today > deadline,
                    )
                    for p in owed[:8]
                ],
                owed.count(),
                more_url=reverse("works:projects"),
                empty_text=_("Every project's progress for the month is in."),
            )
        )
    lists.append(_defects_work(user, team, today))
    return lists


def _defects_work(user: Any, team: bool, today: Any) -> Any:
    """The agency's defects to fix by their deadlines; the team's remedies to verify."""
    from django.urls import reverse

    from yankao.core.services import WorkItem, WorkList
    from yankao.workdays.roc import format_roc

    from ..models import DefectStatus
    from .inspections import is_overdue

    status = DefectStatus.REPORTED if team else DefectStatus.OPEN
    defects = visible_defects(user).filter(status=status).order_by("remediation_due", "pk")
    rows = list(defects.select_related("inspection__project")[:8])
    return WorkList(
        _("Remedies to verify") if team else _("Inspection defects to fix"),
        [
            WorkItem(
                f"{d.code.code} {d.inspection.project.tender_number}",
                reverse("works:defect", args=[d.pk]),
                note=_("due %(date)s") % {"date": format_roc(d.deadline, "date")}
                if d.deadline
                else "",
                alert=is_overdue(d, today),
            )
            for d in rows
        ],
        defects.count(),
        more_url=reverse("works:defects") + ("?tab=reported" if team else ""),
        empty_text=_("No defect is waiting."),
    )
