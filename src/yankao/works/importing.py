"""Import works projects and their monthly progress from the national tender system's export
(標案管理資料: 執行機關, 編號, 標案名稱, 決標金額 … 預定進度%, 實際進度%, 狀態), as csv or xlsx.

Every row is checked before anything is saved; errors come back per row and column in the
user's language. The file is saved whole when clean or, when the officer asks for it, only its
clean rows. Importing the same file twice changes nothing: projects are matched by tender
number, progress by project and month.

The export has no month column: the officer says which month its progress figures are for (a
月份 column, when present, overrides that per row). It has no budget column either: the award
amount stands in for the budget of a new project unless a 預算金額 column is given. Finished
projects (completed, accepted, closed) are updated without a progress entry. The TWD97 X/Y
coordinates are not read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import can_write, visibility
from yankao.plans.importing import CellError
from yankao.plans.models import Plan
from yankao.plans.rules import first_of_month
from yankao.web.tables import Table, parse_decimal, parse_month, read_tables
from yankao.workdays.roc import RocDateError, parse_roc

from .models import ProgressEntry, ProjectStatus, WorksProject
from .services import is_inspection_team
from .services.projects import (
    BUILDING,
    ProgressData,
    check_progress,
    figure,
    period_of,
    progress_deadline,
)

COLUMNS = {
    "agency": "執行機關",
    "agency_code": "機關代碼",
    "tender_number": "編號",
    "name": "標案名稱",
    "budget_amount": "預算金額",
    "award_amount": "決標金額",
    "changed_amount": "變更設計後契約金額",
    "supervisor": "監造單位",
    "contractor": "得標廠商",
    "district": "縣市鄉鎮",
    "location": "詳細地點",
    "actual_start": "實際開工日期",
    "planned_end": "原合約預定完工日",
    "changed_end": "變更後預定完工日",
    "planned_progress": "預定進度%",
    "actual_progress": "實際進度%",
    "status": "狀態",
    "plan": "歸屬計畫",
    "month": "月份",
    "lag_reason": "落後原因",
    "correction_note": "更正說明",
}
REQUIRED = ("tender_number", "name", "award_amount")
OPTIONAL = ("agency_code", "budget_amount", "month", "lag_reason", "correction_note")
# Which column an error of the progress rules belongs to.
PROGRESS_FIELDS = {
    "month": "month",
    "planned_progress": "planned_progress",
    "actual_progress": "actual_progress",
    "lag_reason": "lag_reason",
    "correction_note": "correction_note",
}

STATUS_WORDS = {
    "設計中": ProjectStatus.TENDERING,
    "招標中": ProjectStatus.TENDERING,
    "已決標": ProjectStatus.AWARDED,
    "未開工": ProjectStatus.AWARDED,
    "準備開工中": ProjectStatus.AWARDED,
    "施工中": ProjectStatus.UNDER_CONSTRUCTION,
    "停工中": ProjectStatus.STOPPED,
    "完工待驗收": ProjectStatus.COMPLETED,
    "驗收中": ProjectStatus.COMPLETED,
    "驗收完成": ProjectStatus.ACCEPTED,
    "保固中": ProjectStatus.ACCEPTED,
    "已結案": ProjectStatus.CLOSED,
    "解約": ProjectStatus.CLOSED,
    **{value: value for value in ProjectStatus.values},
}
# The export writes the start into the progress column before there is any progress.
PLANNED_START = re.compile(r"預定(\d{7})開工")
ACTUAL_START = re.compile(r"已於(\d{7})開工")
DISTRICT = re.compile(r"^(?:..[市縣])?(.{1,4}?[區鄉鎮市])$")
MAX_LENGTHS = {"tender_number": 50, "name": 200, "contractor": 200, "supervisor": 200}


@dataclass
class TenderRow:
    line: int
    tender_number: str
    values: dict[str, Any]
    budget_given: bool
    month: dt.date | None = None
    progress: ProgressData | None = None
    project: WorksProject | None = None  # the existing project, if any


@dataclass
class ImportResult:
    sheet: str = ""
    month: dt.date | None = None
    errors: list[CellError] = field(default_factory=list)
    rows: list[TenderRow] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    entries_created: int = 0
    entries_unchanged: int = 0
    saved: list[str] = field(default_factory=list)

    @property
    def clean_rows(self) -> list[TenderRow]:
        return [r for r in self.rows if r.line not in self.bad_lines]

    @property
    def left_out(self) -> list[str]:
        numbers = {r.line: r.tender_number for r in self.rows}
        return [numbers.get(line) or str(line) for line in sorted(self.bad_lines)]


def _pick(tables: list[Table]) -> Table | None:
    needed = {COLUMNS[k] for k in REQUIRED}
    for table in tables:
        if table.rows and needed <= set(table.rows[0][1]):
            return table
    return None


class _Agencies:
    """The 執行機關 of the export is a name, often of a section under the agency
    (高雄市政府水利局水利工程科): the longest agency name it starts with wins."""

    def __init__(self) -> None:
        self.all = list(Agency.objects.filter(active=True))
        self.by_code = {a.code: a for a in self.all}
        self.by_name: dict[str, Agency] = {}
        for agency in self.all:
            for name in (agency.name_zh, agency.short_name):
                if name:
                    self.by_name.setdefault(name, agency)
        self.names = sorted(
            ((a.name_zh, a) for a in self.all if a.name_zh), key=lambda n: -len(n[0])
        )

    def find(self, code: str, name: str) -> Agency | None:
        if code:
            return self.by_code.get(code)
        if name in self.by_name:
            return self.by_name[name]
        for full, agency in self.names:
            if name.startswith(full):
                return agency
        return None


def _date(text: str) -> dt.date:
    try:
        return parse_roc(text)
    except RocDateError as exc:
        raise ValueError(str(exc.messages[0] if hasattr(exc, "messages") else exc)) from None


def check(upload: IO[bytes], filename: str, user: Any, month: dt.date) -> ImportResult:
    """Read and validate the whole file; nothing is saved."""
    if not can_write(user, BusinessLine.WORKS):
        raise PermissionDenied(_("You may not import works projects."))
    result = ImportResult(month=first_of_month(month))
    table = _pick(read_tables(upload, filename))
    if table is None:
        result.errors.append(
            CellError(
                filename,
                1,
                "",
                _("No sheet has the tender-system columns %(cols)s.")
                % {"cols": "、".join(COLUMNS[k] for k in REQUIRED)},
            )
        )
        return result
    result.sheet = table.name
    header = set(table.rows[0][1]) if table.rows else set()
    if COLUMNS["agency"] not in header and COLUMNS["agency_code"] not in header:
        result.errors.append(
            CellError(
                table.name,
                1,
                COLUMNS["agency"],
                _("The file needs a %(name)s or a %(code)s column.")
                % {"name": COLUMNS["agency"], "code": COLUMNS["agency_code"]},
            )
        )
        return result
    team = is_inspection_team(user)
    own = visibility(user, BusinessLine.WORKS).agency_ids
    agencies = _Agencies()
    numbers = [row.get(COLUMNS["tender_number"], "").strip() for _line, row in table.rows]
    existing = {
        p.tender_number: p
        for p in WorksProject.objects.filter(tender_number__in=numbers).select_related("agency")
    }
    plans = {p.code: p for p in Plan.objects.all()}
    plans_by_name = {p.name: p for p in plans.values()}
    seen: dict[str, int] = {}
    for line, row in table.rows:
        _check_row(
            result,
            table.name,
            line,
            row,
            header=header,
            team=team,
            own=own,
            agencies=agencies,
            existing=existing,
            plans=plans,
            plans_by_name=plans_by_name,
            seen=seen,
        )
    return result


def _check_row(
    result: ImportResult,
    sheet: str,
    line: int,
    row: dict[str, str],
    *,
    header: set[str],
    team: bool,
    own: frozenset[int],
    agencies: _Agencies,
    existing: dict[str, WorksProject],
    plans: dict[str, Plan],
    plans_by_name: dict[str, Plan],
    seen: dict[str, int],
) -> None:
    def cell(key: str) -> str:
        return row.get(COLUMNS[key], "").strip()

    def error(key: str, message: str) -> None:
        result.errors.append(CellError(sheet, line, COLUMNS[key], message))
        result.bad_lines.add(line)

    for key in REQUIRED:
        if not cell(key):
            error(key, _("required"))
    number = cell("tender_number")
    values: dict[str, Any] = {}
    for key, limit in MAX_LENGTHS.items():
        text = cell(key)
        if len(text) > limit:
            error(key, _("at most %(n)s characters") % {"n": limit})
        elif key != "tender_number":
            values[key] = text
    if number in seen:
        error(
            "tender_number", _("the tender appears twice (row %(line)s)") % {"line": seen[number]}
        )
    elif number:
        seen[number] = line
    agency = agencies.find(cell("agency_code"), cell("agency"))
    if agency is None:
        key = "agency_code" if cell("agency_code") else "agency"
        if cell(key):
            error(key, _("no active agency matches “%(v)s”") % {"v": cell(key)})
        else:
            error(key, _("required"))
    elif not team and agency.pk not in own:
        error("agency", _("you may import only your own agency's projects"))
    values["agency"] = agency
    project = existing.get(number)
    if project is not None and agency is not None and project.agency_id != agency.pk:
        error("tender_number", _("this tender number belongs to %(a)s") % {"a": project.agency})
    amounts: dict[str, Decimal] = {}
    for key in ("budget_amount", "award_amount", "changed_amount"):
        if not cell(key):
            continue
        try:
            amounts[key] = parse_decimal(cell(key))
        except ValueError as exc:
            error(key, str(exc))
            continue
        if amounts[key] < 0:
            error(key, _("cannot be negative"))
    if "award_amount" in amounts:
        values["award_amount"] = amounts["award_amount"]
    budget_given = "budget_amount" in amounts
    if budget_given:
        values["budget_amount"] = amounts["budget_amount"]
    elif "award_amount" in amounts and project is None:
        values["budget_amount"] = amounts["award_amount"]
    changed = amounts.get("changed_amount")
    dates: dict[str, dt.date] = {}
    for key in ("actual_start", "planned_end", "changed_end"):
        if cell(key):
            try:
                dates[key] = _date(cell(key))
            except ValueError as exc:
                error(key, str(exc))
    planned_text = cell("planned_progress")
    if m := PLANNED_START.search(planned_text):
        try:
            values["planned_start"] = _date(m[1])
        except ValueError as exc:
            error("planned_progress", str(exc))
    if m := ACTUAL_START.search(planned_text):
        try:
            dates.setdefault("actual_start", _date(m[1]))
        except ValueError as exc:
            error("planned_progress", str(exc))
    if "actual_start" in dates:
        values["actual_start"] = dates["actual_start"]
    if "planned_end" in dates:
        end = dates.get("changed_end", dates["planned_end"])
        values["planned_end"] = end
        values["change_order_days"] = (end - dates["planned_end"]).days
        start = dates.get("actual_start") or values.get("planned_start")
        if start and dates["planned_end"] < start:
            error("planned_end", _("before the start date"))
    if changed is not None and "award_amount" in amounts:
        values["change_order_cost"] = max(Decimal(0), changed - amounts["award_amount"])
    if (changed is not None and changed != amounts.get("award_amount")) or (
        "changed_end" in dates and dates["changed_end"] != dates.get("planned_end")
    ):
        values["change_orders"] = max(project.change_orders if project else 0, 1)
    status_text = cell("status")
    if status_text:
        if status_text not in STATUS_WORDS:
            error("status", _("unknown status “%(v)s”") % {"v": status_text})
        values["status"] = STATUS_WORDS.get(status_text)
    elif "actual_start" in values:
        values["status"] = ProjectStatus.UNDER_CONSTRUCTION
    elif project is None:
        values["status"] = ProjectStatus.AWARDED
    district = cell("district")
    if m := DISTRICT.match(district):
        values["district"] = m[1]
    if cell("location"):
        values["location"] = cell("location")[:200]
    plan_text = cell("plan")
    if plan_text and (plan := plans.get(plan_text) or plans_by_name.get(plan_text)):
        values["plan"] = plan
    values = {k: v for k, v in values.items() if v is not None}
    tender = TenderRow(line, number, values, budget_given, project=project)
    result.rows.append(tender)
    _check_progress_cells(result, tender, cell, error, header)


def _check_progress_cells(
    result: ImportResult, tender: TenderRow, cell: Any, error: Any, header: set[str]
) -> None:
    """The row's progress for the month, checked with the same rules as the form."""
    month = result.month
    if COLUMNS["month"] in header and cell("month"):
        try:
            month = parse_month(cell("month"))
        except ValueError as exc:
            error("month", str(exc))
            return
    figures: dict[str, Decimal] = {}
    for key in ("planned_progress", "actual_progress"):
        text = cell(key)
        if not text or PLANNED_START.search(text) or ACTUAL_START.search(text) or "決標" in text:
            continue  # no progress yet: the export writes the award or start there
        try:
            figures[key] = parse_decimal(text)
        except ValueError as exc:
            error(key, str(exc))
    if not figures:
        return
    for key in ("planned_progress", "actual_progress"):
        if key not in figures:
            error(key, _("required when the other progress figure is given"))
            return
    if tender.line in result.bad_lines or month is None:
        return
    project = _as_project(tender)
    first, last = period_of(project)
    inside = first is not None and first <= month and (last is None or month <= last)
    if project.status not in BUILDING and not inside:
        return  # a finished project in the export: nothing owed for the month
    data = ProgressData(
        figures["planned_progress"],
        figures["actual_progress"],
        cell("lag_reason") if COLUMNS["lag_reason"] in header else "",
        cell("correction_note") if COLUMNS["correction_note"] in header else "",
    )
    checked = check_progress(project, month, data, ignore_existing=True)
    for name, messages in checked.errors.items():
        key = PROGRESS_FIELDS.get(name, "actual_progress")
        if key == "month" and COLUMNS["month"] not in header:
            key = "actual_start"  # the chosen month against the row's own dates
        for message in messages:
            error(key, message)
    if tender.project is not None:
        same = tender.project.progress.filter(month=month).first()
        if same is not None and (
            same.planned_progress != data.planned_progress
            or same.actual_progress != data.actual_progress
        ):
            error(
                "actual_progress",
                _("progress for this month is entered already as %(p)s%% / %(a)s%%")
                % {"p": figure(same.planned_progress), "a": figure(same.actual_progress)},
            )
    tender.month, tender.progress = month, data


def _as_project(tender: TenderRow) -> WorksProject:
    """The project as it would be after the row (unsaved), for the progress rules."""
    if tender.project is not None:
        project = WorksProject.objects.get(pk=tender.project.pk)
    else:
        project = WorksProject(tender_number=tender.tender_number)
    for name, value in tender.values.items():
        setattr(project, name, value)
    return project


def save(result: ImportResult, user: Any, *, only_clean: bool = False) -> ImportResult:
    """Save the checked rows in one transaction; refuses a file with errors unless `only_clean`."""
    if result.errors and not only_clean:
        raise ValueError("the file has errors; fix them or import only the clean rows")
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        for row in result.clean_rows:
            project = (
                WorksProject.objects.select_for_update()
                .filter(tender_number=row.tender_number)
                .first()
            )
            if project is None:
                project = WorksProject(tender_number=row.tender_number, **row.values)
                project.full_clean()
                project.save()
                result.created += 1
            else:
                changed = [n for n, v in row.values.items() if getattr(project, n) != v]
                if changed:
                    for name in changed:
                        setattr(project, name, row.values[name])
                    project.full_clean()
                    project.save()
                    result.updated += 1
                else:
                    result.unchanged += 1
            if row.progress is not None and row.month is not None:
                _, made = ProgressEntry.objects.get_or_create(
                    project=project,
                    month=row.month,
                    defaults={
                        "planned_progress": row.progress.planned_progress,
                        "actual_progress": row.progress.actual_progress,
                        "lag_reason": row.progress.lag_reason,
                        "correction_note": row.progress.correction_note,
                        "late": today > progress_deadline(row.month),
                        "entered_by": user,
                    },
                )
                if made:
                    result.entries_created += 1
                else:
                    result.entries_unchanged += 1
            result.saved.append(row.tender_number)
    return result
