"""Loading the shipped category tree (data/categories.csv): validate every row, then save all."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.agencies.services import LoadResult, RowError, read_agency_rows, save_by_code

from .models import CaseType, Category

CATEGORY_DATA_FILE = Path(__file__).resolve().parent / "data" / "categories.csv"
COLUMNS = (
    "code",
    "parent_code",
    "name_zh",
    "name_en",
    "case_type",
    "agency_code",
    "route_to_district_office",
    "deadline_working_days",
    "deadline_hours",
    "works_site",
    "requires_review",
    "keywords",
)


def _number(raw: str) -> int | None:
    return int(raw) if raw.strip() else None


def validate_rows(rows: list[tuple[int, dict[str, str]]]) -> list[RowError]:
    errors: list[RowError] = []
    agencies = set(Agency.objects.values_list("code", flat=True))
    seen: set[str] = set()
    groups: set[str] = set()
    for line, row in rows:
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            errors.append(RowError(line, ",".join(missing), _("column is missing")))
            continue
        code, parent = row["code"].strip(), row["parent_code"].strip()
        if not code or code in seen:
            errors.append(RowError(line, "code", _("code is empty or appears twice")))
        seen.add(code)
        if not row["name_zh"].strip():
            errors.append(RowError(line, "name_zh", _("the Chinese name is required")))
        for flag in ("route_to_district_office", "works_site", "requires_review"):
            if row[flag].strip() not in {"0", "1"}:
                errors.append(RowError(line, flag, _("must be 0 or 1")))
        if not parent:
            groups.add(code)
            continue
        if parent not in groups:
            errors.append(
                RowError(line, "parent_code", _("unknown group %(code)s") % {"code": parent})
            )
        kind = row["case_type"].strip()
        if kind not in (CaseType.PETITION, CaseType.DISPATCH):
            errors.append(RowError(line, "case_type", _("must be petition or dispatch")))
        if row["agency_code"].strip() not in agencies:
            errors.append(
                RowError(
                    line,
                    "agency_code",
                    _("unknown agency code %(code)s") % {"code": row["agency_code"]},
                )
            )
        try:
            days, hours = _number(row["deadline_working_days"]), _number(row["deadline_hours"])
        except ValueError:
            errors.append(RowError(line, "deadline_working_days", _("must be a whole number")))
            continue
        if kind == CaseType.PETITION and not days:
            errors.append(RowError(line, "deadline_working_days", _("petitions need working days")))
        if kind == CaseType.DISPATCH and not hours:
            errors.append(RowError(line, "deadline_hours", _("dispatch needs hours")))
    return errors


def load_categories(path: Path = CATEGORY_DATA_FILE) -> LoadResult:
    """Create or update categories from the file; idempotent; all rows or none; never deletes."""
    rows = read_agency_rows(path)
    errors = validate_rows(rows)
    if errors:
        raise ValidationError([str(e) for e in errors])
    result = LoadResult()
    agencies = {a.code: a for a in Agency.objects.all()}
    with transaction.atomic():
        by_code = {c.code: c for c in Category.objects.select_for_update()}
        for order, (_line, row) in enumerate(rows, start=1):
            parent = by_code[row["parent_code"].strip()] if row["parent_code"].strip() else None
            values = {
                "parent": parent,
                "name_zh": row["name_zh"].strip(),
                "name_en": row["name_en"].strip(),
                "case_type": row["case_type"].strip(),
                "agency": agencies.get(row["agency_code"].strip()),
                "route_to_district_office": row["route_to_district_office"].strip() == "1",
                "deadline_working_days": _number(row["deadline_working_days"]),
                "deadline_hours": _number(row["deadline_hours"]),
                "works_site": row["works_site"].strip() == "1",
                "requires_review": row["requires_review"].strip() == "1",
                "keywords": row["keywords"].strip(),
                "sort_order": order * 10,
            }
            save_by_code(Category, by_code, row["code"].strip(), values, result)
    return result
