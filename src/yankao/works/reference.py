"""Loading the shipped reference data: defect codes and citizen works monitoring items.

Every row is validated before anything is saved; reloading writes only real changes; nothing is
ever deleted (a code in use stays, set it inactive in the admin instead).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.agencies.services import LoadResult, RowError, read_agency_rows, save_by_code

from .models import DefectCode, MonitoringGroup, MonitoringItem, Party

DATA = Path(__file__).resolve().parent / "data"
DEFECT_CODES_FILE = DATA / "defect_codes.csv"
MONITORING_ITEMS_FILE = DATA / "monitoring_items.csv"


def _whole(raw: str) -> int | None:
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if value >= 0 else None


def validate_defect_codes(rows: list[tuple[int, dict[str, str]]]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, row in rows:
        code = (row.get("code") or "").strip()
        parts = code.split(".")
        if len(parts) < 2 or not all(p.isdigit() for p in parts) or code in seen:
            errors.append(RowError(line, "code", _("code is empty, malformed or appears twice")))
            continue
        parent = (row.get("parent_code") or "").strip()
        if parent and parent not in seen:
            errors.append(
                RowError(line, "parent_code", _("unknown group %(code)s") % {"code": parent})
            )
        if parent and not code.startswith(parent + "."):
            errors.append(RowError(line, "parent_code", _("the code is not under its parent")))
        if (row.get("party") or "").strip() not in Party.values:
            errors.append(RowError(line, "party", _("must be agency, supervisor or contractor")))
        low, high = _whole(row.get("deduction_min") or ""), _whole(row.get("deduction_max") or "")
        if low is None or high is None or low > high:
            errors.append(RowError(line, "deduction_min", _("deductions must be 0 ≤ min ≤ max")))
        if not (row.get("text") or "").strip():
            errors.append(RowError(line, "text", _("the description is required")))
        seen.add(code)
    return errors


def load_defect_codes(path: Path = DEFECT_CODES_FILE) -> LoadResult:
    rows = read_agency_rows(path)
    errors = validate_defect_codes(rows)
    if errors:
        raise ValidationError([str(e) for e in errors])
    result = LoadResult()
    with transaction.atomic():
        by_code = {c.code: c for c in DefectCode.objects.select_for_update()}
        for _line, row in rows:
            parent = row["parent_code"].strip()
            values = {
                "parent": by_code[parent] if parent else None,
                "party": row["party"].strip(),
                "deduction_min": int(row["deduction_min"]),
                "deduction_max": int(row["deduction_max"]),
                "text": row["text"].strip(),
            }
            by_code[row["code"].strip()] = save_by_code(
                DefectCode, by_code, row["code"].strip(), values, result
            )
    return result


def validate_monitoring_items(rows: list[tuple[int, dict[str, str]]]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, row in rows:
        code = (row.get("code") or "").strip()
        if not code or code in seen:
            errors.append(RowError(line, "code", _("code is empty or appears twice")))
        seen.add(code)
        if (row.get("group") or "").strip() not in MonitoringGroup.values:
            errors.append(RowError(line, "group", _("must be works, water, tourism or general")))
        if not (row.get("name") or "").strip():
            errors.append(RowError(line, "name", _("the name is required")))
        for column in ("survey_working_days", "remediation_working_days"):
            if not _whole(row.get(column) or ""):
                errors.append(RowError(line, column, _("must be a whole number above 0")))
    return errors


def load_monitoring_items(path: Path = MONITORING_ITEMS_FILE) -> LoadResult:
    rows = read_agency_rows(path)
    errors = validate_monitoring_items(rows)
    if errors:
        raise ValidationError([str(e) for e in errors])
    result = LoadResult()
    with transaction.atomic():
        by_code = {i.code: i for i in MonitoringItem.objects.select_for_update()}
        for _line, row in rows:
            values = {
                "group": row["group"].strip(),
                "name": row["name"].strip(),
                "survey_working_days": int(row["survey_working_days"]),
                "remediation_working_days": int(row["remediation_working_days"]),
                "case_category_codes": " ".join((row.get("case_categories") or "").split()),
            }
            save_by_code(MonitoringItem, by_code, row["code"].strip(), values, result)
    return result
