"""Import plans and work plans from the spreadsheet agencies send (xlsx or csv).

Every row is checked before anything is saved; errors come back per row and column in the
user's language. The file is saved whole when clean, or, when the officer asks for it, only its
clean plans (a plan with any bad row, in either sheet, is left out entirely).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency, User
from yankao.web.tables import (
    Table,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_month,
    parse_roc_year,
    read_tables,
)

from . import rules
from .models import (
    FundSource,
    Plan,
    PlanBudget,
    PlanKind,
    PlanStatus,
    WorkPlan,
    WorkPlanMonth,
    WorkPlanStatus,
)

# The columns of the layout (Chinese headers, as agencies write them).
PLAN_COLUMNS = {
    "code": "計畫編號",
    "name": "計畫名稱",
    "kind": "列管類別",
    "first_year": "起始年度",
    "last_year": "結束年度",
    "agency": "主辦機關代碼",
    "manager": "專案管理人員帳號",
    "is_works": "工程類",
    "start_date": "開始日期",
    "end_date": "結束日期",
    "budget_year": "預算年度",
    "city": "市款",
    "central": "中央補助款",
    "special_fund": "特別基金",
}
REQUIRED_PLAN = ("code", "name", "kind", "first_year", "agency", "start_date", "end_date")
MONTH_COLUMNS = {
    "code": "計畫編號",
    "month": "月份",
    "progress": "預定累計進度",
    "spending": "預定累計支用",
}
PLAN_SHEET = "列管計畫"
MONTH_SHEET = "作業計畫"

KIND_WORDS = {
    "施政計畫": PlanKind.POLICY,
    "施政計畫列管": PlanKind.POLICY,
    "市政會議": PlanKind.CITY_MEETING,
    "市政會議列管": PlanKind.CITY_MEETING,
    "市長指示": PlanKind.MAYOR_INSTRUCTION,
    "市長指示交辦": PlanKind.MAYOR_INSTRUCTION,
    "督導會報": PlanKind.WORKS_MEETING,
    "公共工程督導會報列管": PlanKind.WORKS_MEETING,
    "基本設施補助": PlanKind.INFRASTRUCTURE_SUBSIDY,
    "前瞻": PlanKind.FORWARD_LOOKING,
    "前瞻基礎建設": PlanKind.FORWARD_LOOKING,
    **{value: value for value in PlanKind.values},
}


@dataclass(frozen=True)
class CellError:
    sheet: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(sheet)s row %(line)s, %(column)s: %(message)s") % {
            "sheet": self.sheet,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class PlanRow:
    line: int
    code: str
    values: dict[str, Any]
    budgets: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    months: list[tuple[int, dt.date, Decimal, Decimal]] = field(default_factory=list)


@dataclass
class ImportResult:
    errors: list[CellError] = field(default_factory=list)
    plans: dict[str, PlanRow] = field(default_factory=dict)
    bad_codes: set[str] = field(default_factory=set)
    saved: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    work_plans: int = 0

    @property
    def clean_codes(self) -> list[str]:
        return [code for code in self.plans if code not in self.bad_codes]


def _reporter(
    result: ImportResult, sheet: str, columns: dict[str, str], line: int, code: str
) -> Callable[[str, str], None]:
    """Record an error at a cell; the plan it belongs to is then not clean."""

    def error(key: str, message: str) -> None:
        result.errors.append(CellError(sheet, line, columns[key], message))
        if code:
            result.bad_codes.add(code)

    return error


def _pick(tables: list[Table], name: str, columns: dict[str, str]) -> Table | None:
    for table in tables:
        if table.name == name:
            return table
    header = set(columns.values())
    for table in tables:  # a csv, or sheets named otherwise: recognise by the headers
        if table.rows and header <= set(table.rows[0][1]):
            return table
    return None


def check(upload: IO[bytes], filename: str, user: Any) -> ImportResult:
    """Read and validate the whole file; nothing is saved."""
    result = ImportResult()
    tables = read_tables(upload, filename)
    plan_table = _pick(tables, PLAN_SHEET, PLAN_COLUMNS)
    month_table = _pick(tables, MONTH_SHEET, MONTH_COLUMNS)
    if plan_table is None and month_table is None:
        result.errors.append(
            CellError(
                filename,
                1,
                "",
                _("No sheet with the plan columns (%(plan)s) or work plan columns (%(month)s).")
                % {
                    "plan": "、".join(PLAN_COLUMNS[c] for c in REQUIRED_PLAN),
                    "month": "、".join(MONTH_COLUMNS.values()),
                },
            )
        )
        return result
    agencies = {a.code: a for a in Agency.objects.filter(active=True)}
    if plan_table is not None:
        _check_plans(plan_table, result, agencies, user)
    if month_table is not None:
        _check_months(month_table, result, user)
    return result


def _check_plans(
    table: Table, result: ImportResult, agencies: dict[str, Agency], user: Any
) -> None:
    sheet = table.name
    from .services import is_controller, visible_plans

    controller = is_controller(user)
    own = set(visible_plans(user).values_list("code", flat=True))
    for line, row in table.rows:
        code = row.get(PLAN_COLUMNS["code"], "").strip()
        error = _reporter(result, sheet, PLAN_COLUMNS, line, code)
        missing = [k for k in REQUIRED_PLAN if not row.get(PLAN_COLUMNS[k], "").strip()]
        for key in missing:
            error(key, _("required"))
        if not code:
            continue
        values: dict[str, Any] = {"name": row.get(PLAN_COLUMNS["name"], "").strip()[:200]}
        kind_text = row.get(PLAN_COLUMNS["kind"], "").strip()
        if kind_text and kind_text not in KIND_WORDS:
            error("kind", _("unknown kind “%(v)s”") % {"v": kind_text})
        values["kind"] = KIND_WORDS.get(kind_text)
        for key in ("first_year", "last_year", "budget_year"):
            text = row.get(PLAN_COLUMNS[key], "").strip()
            if text:
                try:
                    values[key] = parse_roc_year(text)
                except ValueError as exc:
                    error(key, str(exc))
        values.setdefault("last_year", values.get("first_year"))
        if (
            values.get("first_year")
            and values.get("last_year")
            and values["last_year"] < values["first_year"]
        ):
            error("last_year", _("before the first year"))
        agency_code = row.get(PLAN_COLUMNS["agency"], "").strip()
        agency = agencies.get(agency_code)
        if agency_code and agency is None:
            error("agency", _("no active agency has code %(v)s") % {"v": agency_code})
        elif agency is not None and not controller and agency.pk not in _own_agencies(user):
            error("agency", _("you may import only your own agency's plans"))
        values["agency"] = agency
        if not controller and code in _existing_codes() and code not in own:
            error("code", _("this plan belongs to another agency"))
        manager_name = row.get(PLAN_COLUMNS["manager"], "").strip()
        values["project_manager"] = None
        if manager_name:
            manager = User.objects.filter(username=manager_name, is_active=True).first()
            if manager is None:
                error("manager", _("no active account “%(v)s”") % {"v": manager_name})
            elif agency is not None and manager.agency_id != agency.pk:
                error("manager", _("the account belongs to another agency"))
            values["project_manager"] = manager
        try:
            values["is_works"] = parse_bool(row.get(PLAN_COLUMNS["is_works"], ""))
        except ValueError as exc:
            error("is_works", str(exc))
        for key in ("start_date", "end_date"):
            text = row.get(PLAN_COLUMNS[key], "").strip()
            if text:
                try:
                    values[key] = parse_date(text)
                except ValueError as exc:
                    error(key, str(exc))
        if (
            values.get("start_date")
            and values.get("end_date")
            and values["end_date"] < values["start_date"]
        ):
            error("end_date", _("before the start date"))
        budgets: dict[tuple[int, str], Decimal] = {}
        budget_year = values.get("budget_year") or values.get("first_year")
        for key, source in (
            ("city", FundSource.CITY),
            ("central", FundSource.CENTRAL),
            ("special_fund", FundSource.SPECIAL_FUND),
        ):
            text = row.get(PLAN_COLUMNS[key], "").strip()
            if not text:
                continue
            try:
                amount = parse_decimal(text)
            except ValueError as exc:
                error(key, str(exc))
                continue
            if amount < 0:
                error(key, _("cannot be negative"))
            elif budget_year:
                budgets[(budget_year, source)] = amount
        earlier = result.plans.get(code)
        if earlier is None:
            result.plans[code] = PlanRow(line, code, values, budgets)
            continue
        # Another budget year of the same plan: the plan's own columns must agree.
        for key in ("name", "agency", "kind"):
            if values.get(key) != earlier.values.get(key):
                error(key, _("differs from row %(line)s of the same plan") % {"line": earlier.line})
        for year_source in budgets:
            if year_source in earlier.budgets:
                error("budget_year", _("this budget year is given twice for the plan"))
        earlier.budgets.update(budgets)


def _own_agencies(user: Any) -> set[int]:
    from yankao.agencies.roles import BusinessLine
    from yankao.agencies.services import visibility

    seen = visibility(user, BusinessLine.PLANS)
    return set(seen.agency_ids or ())


def _existing_codes() -> set[str]:
    return set(Plan.objects.values_list("code", flat=True))


def _check_months(table: Table, result: ImportResult, user: Any) -> None:
    sheet = table.name
    existing = {p.code: p for p in Plan.objects.filter(code__in=_codes_in(table))}
    seen: dict[tuple[str, dt.date], int] = {}
    by_code: dict[str, list[tuple[int, dt.date, Decimal, Decimal]]] = defaultdict(list)
    for line, row in table.rows:
        code = row.get(MONTH_COLUMNS["code"], "").strip()
        error = _reporter(result, sheet, MONTH_COLUMNS, line, code)

        if not code:
            error("code", _("required"))
            continue
        if code not in result.plans and code not in existing:
            error("code", _("no plan %(v)s in this file or in the system") % {"v": code})
        parsed: dict[str, Any] = {}
        for key, parse in (
            ("month", parse_month),
            ("progress", parse_decimal),
            ("spending", parse_decimal),
        ):
            text = row.get(MONTH_COLUMNS[key], "").strip()
            if not text:
                error(key, _("required"))
                continue
            try:
                parsed[key] = parse(text)
            except ValueError as exc:
                error(key, str(exc))
        if "progress" in parsed and not Decimal(0) <= parsed["progress"] <= Decimal(100):
            error("progress", _("must be between 0 and 100"))
        if "spending" in parsed and parsed["spending"] < 0:
            error("spending", _("cannot be negative"))
        if "month" in parsed:
            key = (code, parsed["month"])
            if key in seen:
                error("month", _("the month is given twice (row %(line)s)") % {"line": seen[key]})
            seen[key] = line
        if len(parsed) == 3:
            by_code[code].append((line, parsed["month"], parsed["progress"], parsed["spending"]))
    for code, months in by_code.items():
        months.sort(key=lambda m: m[1])
        plan_values = result.plans[code].values if code in result.plans else None
        plan = existing.get(code)
        start = (
            plan_values.get("start_date") if plan_values else (plan.start_date if plan else None)
        )
        end = plan_values.get("end_date") if plan_values else (plan.end_date if plan else None)
        previous = None
        for line, month, progress, spending in months:
            if start and end and not rules.first_of_month(start) <= month <= end:
                result.errors.append(
                    CellError(sheet, line, MONTH_COLUMNS["month"], _("outside the plan's period"))
                )
                result.bad_codes.add(code)
            if previous and (progress < previous[2] or spending < previous[3]):
                result.errors.append(
                    CellError(
                        sheet,
                        line,
                        MONTH_COLUMNS["progress"],
                        _("cumulative figures cannot go down from the month before"),
                    )
                )
                result.bad_codes.add(code)
            previous = (line, month, progress, spending)
        if code in result.plans:
            result.plans[code].months = months
        else:
            result.plans[code] = PlanRow(months[0][0], code, {}, {}, months)


def _codes_in(table: Table) -> set[str]:
    return {row.get(MONTH_COLUMNS["code"], "").strip() for _line, row in table.rows}


def save(result: ImportResult, user: Any, *, only_clean: bool = False) -> ImportResult:
    """Save the checked rows in one transaction; refuses a file with errors unless `only_clean`."""
    from .services import is_controller

    if result.errors and not only_clean:
        raise ValueError("the file has errors; fix them or import only the clean rows")
    controller = is_controller(user)
    now = timezone.now()
    with transaction.atomic():
        for code in result.clean_codes:
            row = result.plans[code]
            plan = Plan.objects.select_for_update().filter(code=code).first()
            if row.values:
                fields = {
                    k: v
                    for k, v in row.values.items()
                    if k not in ("budget_year",) and v is not None
                }
                if plan is None:
                    plan = Plan(code=code, status=PlanStatus.CONTROLLED, **fields)
                    result.created += 1
                else:
                    for name, value in fields.items():
                        setattr(plan, name, value)
                    result.updated += 1
                plan.full_clean()
                plan.save()
                for (year, source), amount in row.budgets.items():
                    PlanBudget.objects.update_or_create(
                        plan=plan, year=year, source=source, defaults={"amount": amount}
                    )
            if row.months and plan is not None:
                _save_work_plan(plan, row.months, user, controller=controller, now=now)
                result.work_plans += 1
            result.saved.append(code)
    return result


def _save_work_plan(
    plan: Plan,
    months: list[tuple[int, dt.date, Decimal, Decimal]],
    user: Any,
    *,
    controller: bool,
    now: dt.datetime,
) -> WorkPlan:
    """A new version; the commission's own import is the approved baseline at once."""
    latest = plan.work_plans.order_by("-version").first()
    if latest is not None and _same(latest, months):
        return latest  # importing the same file again changes nothing
    version = (latest.version if latest else 0) + 1
    status = WorkPlanStatus.SUBMITTED
    if controller:
        plan.work_plans.filter(status=WorkPlanStatus.APPROVED).update(
            status=WorkPlanStatus.SUPERSEDED
        )
        status = WorkPlanStatus.APPROVED
    work_plan = WorkPlan.objects.create(
        plan=plan,
        version=version,
        status=status,
        note=_("Imported from a spreadsheet."),
        submitted_at=now,
        decided_at=now if controller else None,
        decided_by=user if controller else None,
    )
    WorkPlanMonth.objects.bulk_create(
        WorkPlanMonth(
            work_plan=work_plan, month=month, planned_progress=progress, planned_spending=spending
        )
        for _line, month, progress, spending in months
    )
    return work_plan


def _same(work_plan: WorkPlan, months: list[tuple[int, dt.date, Decimal, Decimal]]) -> bool:
    current = list(work_plan.months.values_list("month", "planned_progress", "planned_spending"))
    return current == [(m, p, s) for _line, m, p, s in months]
