"""Citizen works monitoring (全民督工): reports from 1999 works-site cases or the team, surveyed,
remedied by the agency, closed when the team's engineer confirms, the reporter told.

States move through one transition map (`MOVES`) and one write path (`transition`) that locks
the row and appends a `MonitoringEvent`. Deadlines are working days from the item's settings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.audit.services import record_transition
from yankao.workdays import services as workdays
from yankao.workdays.roc import format_roc, roc_year

from ..models import (
    Inspection,
    InspectionStatus,
    MonitoringEvent,
    MonitoringItem,
    MonitoringReport,
    MonitoringStatus,
    WorksProject,
)
from . import is_inspection_team, may_write_for_agency, visible_monitoring_reports

S = MonitoringStatus


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    team_only: bool  # the team acts; otherwise the responsible agency (or the team)


MOVES: dict[str, Move] = {
    "survey": Move(frozenset({S.RECEIVED}), S.SURVEYED, False),
    "start_remedy": Move(frozenset({S.SURVEYED}), S.REMEDIATING, False),
    "report_remedy": Move(frozenset({S.SURVEYED, S.REMEDIATING}), S.REMEDIED, False),
    "return": Move(frozenset({S.REMEDIED}), S.REMEDIATING, True),
    "close": Move(frozenset({S.REMEDIED}), S.CLOSED, True),
    # Nothing to remedy (e.g. the survey found no fault): the team closes after the survey.
    "close_without_remedy": Move(frozenset({S.SURVEYED}), S.CLOSED, True),
}


def allowed_actions(report: MonitoringReport, user: Any) -> list[str]:
    team = is_inspection_team(user)
    agency = may_write_for_agency(user, report.agency_id)
    return [
        action
        for action, move in MOVES.items()
        if report.status in move.sources and (team or (agency and not move.team_only))
    ]


def transition(
    report: MonitoringReport,
    action: str,
    user: Any,
    *,
    note: str = "",
    today: dt.date | None = None,
) -> MonitoringReport:
    move = MOVES.get(action)
    if move is None:
        raise ValidationError(_("Unknown action."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = MonitoringReport.objects.select_for_update().get(pk=report.pk)
        if action not in allowed_actions(locked, user):
            if locked.status not in move.sources:
                raise ValidationError(
                    _("This report is “%(status)s”; this step is not allowed now.")
                    % {"status": locked.get_status_display()}
                )
            raise PermissionDenied(_("You may not take this step for this report."))
        text = note.strip()
        if action == "survey":
            if not text:
                raise ValidationError({"note": _("Write what the survey found.")})
            locked.survey_findings = text
            locked.remediation_due = workdays.add_working_days(
                today, locked.item.remediation_working_days
            )
        elif action == "report_remedy":
            if not text:
                raise ValidationError({"note": _("Describe the remedy.")})
            locked.remediation = text
        elif action == "return" and not text:
            raise ValidationError({"note": _("Say what is still wrong.")})
        elif action in ("close", "close_without_remedy"):
            locked.closed_on = today
            locked.confirmed_by = user
        before = locked.status
        locked.status = move.target
        locked.save()
        MonitoringEvent.objects.create(
            report=locked,
            action=action,
            from_status=before,
            to_status=locked.status,
            note=text,
            by=user,
        )
        record_transition(locked, action, before, actor=user, note=text)
        if locked.status == S.CLOSED:
            _tell_reporter(locked)
    return locked


def _tell_reporter(report: MonitoringReport) -> None:
    """The citizen who reported through 1999 is told the outcome (after commit)."""
    if report.case_id is None:
        return
    from yankao.cases import services as cases

    cases.tell_petitioner(
        report.case,
        _("Your works-site report %(number)s") % {"number": report.case.number},
        _(
            "The works site you reported has been checked and the matter closed on %(date)s: %(what)s"
        )
        % {
            "date": format_roc(report.closed_on or timezone.localdate(), "date"),
            "what": report.remediation or report.survey_findings,
        },
    )
    report.reporter_informed_at = timezone.now()
    report.save(update_fields=["reporter_informed_at"])


def _number(report: MonitoringReport) -> str:
    return f"{roc_year(report.received_on.year)}W{report.pk:06d}"


@transaction.atomic
def _create(values: dict[str, Any], user: Any) -> MonitoringReport:
    item: MonitoringItem = values["item"]
    received_on: dt.date = values["received_on"]
    report = MonitoringReport.objects.create(
        number=uuid.uuid4().hex[:20],  # replaced by the readable number below
        survey_due=workdays.add_working_days(received_on, item.survey_working_days),
        **values,
    )
    report.number = _number(report)
    report.save(update_fields=["number"])
    MonitoringEvent.objects.create(
        report=report, action="receive", to_status=report.status, by=user if user else None
    )
    return report


def item_for_category(code: str) -> MonitoringItem:
    for item in MonitoringItem.objects.filter(active=True).exclude(case_category_codes=""):
        if code in item.case_category_codes.split():
            return item
    return MonitoringItem.objects.get(code=settings.YANKAO_WORKS_MONITORING_DEFAULT_ITEM)


def report_from_case(case: Any) -> MonitoringReport | None:
    """File a works-site 1999 case as a monitoring report; once per case, safe to repeat."""
    if case.category is None or not case.category.works_site or case.lead_agency_id is None:
        return None
    existing = MonitoringReport.objects.filter(case=case).first()
    if existing is not None:
        return existing
    try:
        return _create(
            {
                "case": case,
                "item": item_for_category(case.category.code),
                "agency": case.lead_agency,
                "description": case.description,
                "location": case.address,
                "district": case.district,
                "received_on": timezone.localdate(case.received_at),
            },
            None,
        )
    except IntegrityError:  # another worker filed it first
        return MonitoringReport.objects.filter(case=case).first()


def file_missing_cases(since_days: int = 30) -> int:
    """The hand-off from citizen service: works-site cases of the last days with no report yet
    (new ones, and older ones moved to a works-site category)."""
    from yankao.cases.models import Case

    since = timezone.now() - dt.timedelta(days=since_days)
    cases = Case.objects.filter(
        category__works_site=True,
        received_at__gte=since,
        lead_agency__isnull=False,
        works_report__isnull=True,
    ).select_related("category", "lead_agency")
    return sum(1 for case in cases if report_from_case(case) is not None)


def record_report(
    user: Any,
    *,
    item: MonitoringItem,
    agency: Agency,
    description: str,
    received_on: dt.date,
    location: str = "",
    district: str = "",
    project: WorksProject | None = None,
) -> MonitoringReport:
    """The team records a report that came another way (phone, letter, site visit)."""
    if not is_inspection_team(user):
        raise PermissionDenied(_("Only the inspection team may do this."))
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Write what the citizen reported.")
    if received_on > timezone.localdate():
        errors["received_on"] = _("The date received cannot be in the future.")
    if project is not None and project.agency_id != agency.pk:
        errors["project"] = _("The project belongs to another agency.")
    if errors:
        raise ValidationError(errors)
    report = _create(
        {
            "item": item,
            "agency": agency,
            "project": project,
            "description": description.strip(),
            "location": location.strip(),
            "district": district.strip(),
            "received_on": received_on,
        },
        user,
    )
    return report


def link_project(
    report: MonitoringReport, project: WorksProject | None, user: Any
) -> MonitoringReport:
    if not is_inspection_team(user):
        raise PermissionDenied(_("Only the inspection team may do this."))
    if project is not None and project.agency_id != report.agency_id:
        raise ValidationError({"project": _("The project belongs to another agency.")})
    report.project = project
    report.save(update_fields=["project"])
    return report


def record_satisfaction(report: MonitoringReport, satisfied: bool, user: Any) -> MonitoringReport:
    if not is_inspection_team(user):
        raise PermissionDenied(_("Only the inspection team may do this."))
    if report.status != S.CLOSED:
        raise ValidationError(_("Satisfaction is asked once the report is closed."))
    report.satisfied = satisfied
    report.save(update_fields=["satisfied"])
    return report


def satisfaction_of(report: MonitoringReport) -> bool | None:
    """The team's record, else the citizen's answer to the 1999 case survey."""
    if report.satisfied is not None:
        return report.satisfied
    survey = getattr(report.case, "survey", None) if report.case_id else None
    return survey.satisfied if survey is not None else None


def is_overdue(report: MonitoringReport, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    if report.status == S.RECEIVED:
        return report.survey_due < today
    if report.status in (S.SURVEYED, S.REMEDIATING):
        return report.remediation_due is not None and report.remediation_due < today
    return False


# --- Statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonitoringStats:
    received: int
    closed: int
    average_working_days: Decimal | None
    within_limit: int
    limit: int
    satisfied: int
    answered: int
    projects_reported: int
    projects_inspected: int

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.satisfied, self.answered)

    @property
    def inspection_rate(self) -> Decimal | None:
        """Share of reported projects the team inspected (查核率達21%)."""
        return _rate(self.projects_inspected, self.projects_reported)


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def handling_working_days(report: MonitoringReport) -> int | None:
    if report.closed_on is None:
        return None
    return workdays.working_days_between(report.received_on, report.closed_on)


def stats(reports: QuerySet[MonitoringReport], first: dt.date, last: dt.date) -> MonitoringStats:
    """Reports received between the dates: handling time against the limit, satisfaction, and
    how many of the projects they named the team inspected in the period."""
    chosen = list(
        reports.filter(received_on__gte=first, received_on__lte=last).select_related("case__survey")
    )
    closed = [r for r in chosen if r.closed_on is not None]
    days = [d for d in (handling_working_days(r) for r in closed) if d is not None]
    limit = settings.YANKAO_WORKS_MONITORING_LIMIT_WORKING_DAYS
    answers = [a for a in (satisfaction_of(r) for r in closed) if a is not None]
    project_ids = {r.project_id for r in chosen if r.project_id is not None}
    inspected = set(
        Inspection.objects.filter(
            project_id__in=project_ids,
            inspected_on__gte=first,
            inspected_on__lte=last,
            status__in=[InspectionStatus.RECORDED, InspectionStatus.SENT, InspectionStatus.CLOSED],
        ).values_list("project_id", flat=True)
    )
    return MonitoringStats(
        received=len(chosen),
        closed=len(closed),
        average_working_days=(
            (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if days
            else None
        ),
        within_limit=sum(1 for d in days if d <= limit),
        limit=limit,
        satisfied=sum(1 for a in answers if a),
        answered=len(answers),
        projects_reported=len(project_ids),
        projects_inspected=len(inspected),
    )


def visible(user: Any) -> QuerySet[MonitoringReport]:
    return visible_monitoring_reports(user)
