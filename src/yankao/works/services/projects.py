"""Works projects (標案) and their monthly progress: the rules an entry must pass, who owes an
entry for a month, the fill-in rate per agency, and the facts the inspection planning ranks on.

Plain functions; pages, the API and the import call these. A month's progress is entered once
(a duplicate month is refused); a figure lower than the month before needs a correction note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.plans.rules import add_months, first_of_month
from yankao.workdays.roc import format_roc

from .. import rules
from ..models import ProgressEntry, ProjectStatus, WorksProject
from . import may_write_for_agency, visible_projects

HUNDRED = Decimal(100)
# A project under these statuses is being built: it owes monthly progress even past its planned end.
BUILDING = (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.STOPPED)


def figure(value: Decimal) -> str:
    """A percentage as people write it: 18, 18.5 (never 18.00 or 1E+2)."""
    return format(value.normalize(), "f")


def behind_points() -> Decimal:
    return Decimal(settings.YANKAO_WORKS_BEHIND_POINTS)


def progress_deadline(month: dt.date) -> dt.date:
    """A month's progress is due on the cut-off day of the next month (default the 6th)."""
    return add_months(first_of_month(month), 1).replace(day=settings.YANKAO_WORKS_PROGRESS_DAY)


def current_progress_month(today: dt.date | None = None) -> dt.date:
    """The month agencies enter now: last month until its cut-off day, then this month."""
    today = today or timezone.localdate()
    last = add_months(today.replace(day=1), -1)
    return last if today <= progress_deadline(last) else today.replace(day=1)


def last_due_month(today: dt.date | None = None) -> dt.date:
    """The latest month whose cut-off day has passed: entries for it are owed by now."""
    today = today or timezone.localdate()
    last = add_months(today.replace(day=1), -1)
    return last if today > progress_deadline(last) else add_months(last, -1)


def month_label(month: dt.date) -> str:
    return format_roc(month, "month")


def start_of(project: WorksProject) -> dt.date | None:
    return project.actual_start or project.planned_start


def period_of(project: WorksProject) -> tuple[dt.date | None, dt.date | None]:
    """First and last month the project owes progress for (None: open-ended).

    A project still being built keeps reporting after its planned completion, until it ends.
    """
    start = start_of(project)
    first = first_of_month(start) if start else None
    if project.actual_end:
        return first, first_of_month(project.actual_end)
    if project.status in BUILDING or project.planned_end is None:
        return first, None
    return first, first_of_month(project.planned_end)


def tier_of(project: WorksProject) -> str:
    return rules.tier_of(project.budget_amount)


# --- Entering progress -------------------------------------------------------------------------


@dataclass
class ProgressData:
    planned_progress: Decimal
    actual_progress: Decimal
    lag_reason: str = ""
    correction_note: str = ""


@dataclass
class ProgressCheck:
    """What the entry would be: its lag, whether it is behind or late, and every error by field."""

    lag: Decimal
    behind: bool
    late: bool
    deadline: dt.date
    previous: ProgressEntry | None
    errors: dict[str, list[str]] = field(default_factory=dict)


def previous_entry(project: WorksProject, month: dt.date) -> ProgressEntry | None:
    return project.progress.filter(month__lt=month).order_by("-month").first()


def check_progress(
    project: WorksProject,
    month: dt.date,
    data: ProgressData,
    *,
    today: dt.date | None = None,
    ignore_existing: bool = False,
) -> ProgressCheck:
    """Every rule of a monthly entry, errors by field in the user's language; nothing saved."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = today or timezone.localdate()
    month = first_of_month(month)
    label = month_label(month)
    if project.status == ProjectStatus.TENDERING:
        add("month", _("The project is still tendering: it has no progress to enter yet."))
    first, last = period_of(project)
    if first is None:
        add("month", _("The project has no start date: enter its planned or actual start first."))
    elif month < first or (last is not None and month > last):
        add(
            "month",
            _("%(m)s is outside the project's period (%(first)s to %(last)s).")
            % {
                "m": label,
                "first": month_label(first),
                "last": month_label(last) if last else _("still running"),
            },
        )
    if month > today.replace(day=1):
        add("month", _("%(m)s has not come yet.") % {"m": label})
    saved = project.pk is not None  # the import checks projects it has not saved yet
    if not ignore_existing and saved and project.progress.filter(month=month).exists():
        add(
            "month",
            _(
                "Progress for %(m)s is entered already; enter the next month (with a correction note if a figure must go down)."
            )
            % {"m": label},
        )
    for name, value, what in (
        ("planned_progress", data.planned_progress, _("Planned progress")),
        ("actual_progress", data.actual_progress, _("Actual progress")),
    ):
        if not Decimal(0) <= value <= HUNDRED:
            add(
                name,
                _("%(what)s: give a percentage between 0 and 100 (not %(value)s).")
                % {"what": what, "value": figure(value)},
            )
    before = previous_entry(project, month) if saved else None
    if before is not None and not data.correction_note.strip():
        for value, earlier, what in (
            (data.actual_progress, before.actual_progress, _("Actual progress")),
            (
                data.planned_progress,
                before.planned_progress,
                _("Planned progress"),
            ),
        ):
            if value < earlier:
                add(
                    "correction_note",
                    _(
                        "%(what)s went down from %(before)s%% in %(m)s; "
                        "explain the correction or fix the figure."
                    )
                    % {"what": what, "before": figure(earlier), "m": month_label(before.month)},
                )
    lag = data.planned_progress - data.actual_progress
    behind = lag >= behind_points()
    if behind and len(data.lag_reason.strip()) < 2:
        add(
            "lag_reason",
            _(
                "Lag reason: the project is %(lag)s points behind plan; say why and how it catches up."
            )
            % {"lag": figure(lag)},
        )
    deadline = progress_deadline(month)
    return ProgressCheck(lag, behind, today > deadline, deadline, before, errors)


def enter_progress(
    project: WorksProject,
    month: dt.date,
    data: ProgressData,
    user: Any,
    *,
    now: dt.datetime | None = None,
) -> ProgressEntry:
    """Record the month's progress, all or nothing; an entry after the cut-off day is late."""
    if not may_write_for_agency(user, project.agency_id):
        raise PermissionDenied(_("You may not enter progress for this project."))
    now = now or timezone.now()
    project = WorksProject.objects.get(pk=project.pk)  # its status now, not when the page opened
    checked = check_progress(project, month, data, today=timezone.localdate(now))
    if checked.errors:
        raise ValidationError(checked.errors)
    entry = ProgressEntry(
        project=project,
        month=first_of_month(month),
        planned_progress=data.planned_progress,
        actual_progress=data.actual_progress,
        lag_reason=data.lag_reason.strip(),
        correction_note=data.correction_note.strip(),
        late=checked.late,
        entered_by=user,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:  # the same month saved by someone else at the same moment
        raise ValidationError(
            {"month": _("Progress for %(m)s is entered already.") % {"m": month_label(month)}}
        ) from exc
    return entry


def prefill(project: WorksProject, month: dt.date) -> dict[str, Any]:
    """The month before, as the starting point of the fast form."""
    before = previous_entry(project, first_of_month(month))
    if before is None:
        return {"month": month, "planned_progress": Decimal(0), "actual_progress": Decimal(0)}
    return {
        "month": month,
        "planned_progress": before.planned_progress,
        "actual_progress": before.actual_progress,
        "lag_reason": before.lag_reason,
    }


def next_month_to_enter(project: WorksProject, today: dt.date | None = None) -> dt.date:
    """The current entry month, or the earliest owed month still missing before it."""
    today = today or timezone.localdate()
    current = current_progress_month(today)
    first, last = period_of(project)
    if first is None:
        return current
    entered = set(project.progress.values_list("month", flat=True))
    month = max(first, add_months(current, -12))
    stop = min(current, last) if last else current
    while month <= stop:
        if month not in entered:
            return month
        month = add_months(month, 1)
    return current


# --- Who owes progress, and the fill-in rate ---------------------------------------------------


def owing(month: dt.date, projects: QuerySet[WorksProject] | None = None) -> QuerySet[WorksProject]:
    """Projects that owe progress for the month: started by its end and not finished before it."""
    month = first_of_month(month)
    end = add_months(month, 1) - dt.timedelta(days=1)
    queryset = projects if projects is not None else WorksProject.objects.all()
    return (
        queryset.exclude(status=ProjectStatus.TENDERING)
        .annotate(started=Coalesce("actual_start", "planned_start"))
        .filter(started__lte=end)
        .filter(
            Q(actual_end__gte=month)
            | Q(actual_end__isnull=True, status__in=BUILDING)
            | Q(actual_end__isnull=True, planned_end__gte=month)
            | Q(progress__month=month)
        )
        .distinct()
    )


@dataclass(frozen=True)
class FillRow:
    agency: Agency
    expected: int
    entered: int
    late: int

    @property
    def missing(self) -> int:
        return self.expected - self.entered

    @property
    def rate(self) -> Decimal:
        return rules.percent_of(self.entered, self.expected)


def fill_rates(user: Any, month: dt.date) -> list[FillRow]:
    """Per agency for one month: projects owing progress, entries made and of them late ones."""
    month = first_of_month(month)
    projects = owing(month, visible_projects(user))
    entered = dict(
        ProgressEntry.objects.filter(project__in=projects, month=month).values_list(
            "project_id", "late"
        )
    )
    rows: dict[int, list[Any]] = {}
    for project in projects.select_related("agency"):
        row = rows.setdefault(project.agency_id, [project.agency, 0, 0, 0])
        row[1] += 1
        if project.pk in entered:
            row[2] += 1
            row[3] += int(entered[project.pk])
    return sorted(
        (FillRow(*values) for values in rows.values()),
        key=lambda r: (r.rate, r.agency.sort_order, r.agency.code),
    )


@dataclass(frozen=True)
class MonthRate:
    month: dt.date
    expected: int
    entered: int

    @property
    def rate(self) -> Decimal:
        return rules.percent_of(self.entered, self.expected)


def yearly_rates(user: Any, year: int, today: dt.date | None = None) -> list[MonthRate]:
    """The year's months that are due, each with its overall fill-in rate."""
    last = last_due_month(today)
    months = []
    for n in range(1, 13):
        month = dt.date(year, n, 1)
        if month > last:
            break
        rows = fill_rates(user, month)
        months.append(MonthRate(month, sum(r.expected for r in rows), sum(r.entered for r in rows)))
    return months


def fill_sentence(months: Iterable[MonthRate]) -> str:
    """The annual report's sentence: 每月填報率皆為100%, or the lowest month's rate."""
    counted = [m for m in months if m.expected]
    if not counted:
        return ""
    if all(m.entered == m.expected for m in counted):
        return _("The fill-in rate was %(rate)s%% in every month.") % {"rate": 100}
    low = min(counted, key=lambda m: m.rate)
    return _("The lowest monthly fill-in rate was %(rate)s%% (%(m)s).") % {
        "rate": low.rate,
        "m": month_label(low.month),
    }


# --- Facts for ranking ------------------------------------------------------------------------


def months_without_progress(
    project: WorksProject, entered: set[dt.date], today: dt.date | None = None, window: int = 3
) -> int:
    """Owed months (of the last few due) with no entry: 未依規定更新進度."""
    first, last = period_of(project)
    if first is None:
        return 0
    month = last_due_month(today)
    missing = 0
    for _n in range(window):
        if month >= first and (last is None or month <= last) and month not in entered:
            missing += 1
        month = add_months(month, -1)
    return missing


def latest_lag(entries: list[ProgressEntry]) -> Decimal | None:
    return entries[-1].lag if entries else None


def active_projects(queryset: QuerySet[WorksProject]) -> QuerySet[WorksProject]:
    return queryset.filter(status__in=BUILDING)


__all__ = [
    "BUILDING",
    "FillRow",
    "MonthRate",
    "ProgressCheck",
    "ProgressData",
    "active_projects",
    "check_progress",
    "current_progress_month",
    "enter_progress",
    "fill_rates",
    "fill_sentence",
    "last_due_month",
    "latest_lag",
    "months_without_progress",
    "next_month_to_enter",
    "owing",
    "period_of",
    "prefill",
    "previous_entry",
    "progress_deadline",
    "tier_of",
    "yearly_rates",
]
