"""The public interface of agencies: the organisation tree, roles, and record scoping.

Scoping lives here and only here: every list, detail, export and API endpoint passes its
queryset through `scope_queryset`, so an agency user never reaches another agency's records.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import Agency, AgencyKind, Role, User
from .roles import CITYWIDE_LINES, READ_ONLY_ROLES, SUBTREE_ROLES, RoleCode

AGENCY_DATA_FILE = Path(__file__).resolve().parent / "data" / "agencies.csv"


# --- The organisation tree -----------------------------------------------------------------


def descendant_ids(agency_id: int) -> set[int]:
    """Ids of the agency and every unit below it (the tree is a few hundred rows)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found = {agency_id}
    stack = [agency_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


_district_offices: tuple[float, dict[str, Agency]] | None = None


def district_office_for(district: str) -> Agency | None:
    """The district office that serves a district name such as 鳳山區 (routing uses this).

    Every intake asks, so the 38 offices are kept per process for a short while
    (`YANKAO_AGENCY_CACHE_SECONDS`); a change saved on this server clears it at once.
    """
    global _district_offices
    now = time.monotonic()
    if (
        _district_offices is None
        or now - _district_offices[0] > settings.YANKAO_AGENCY_CACHE_SECONDS
    ):
        offices = (
            Agency.objects.active().filter(kind=AgencyKind.DISTRICT_OFFICE).exclude(district="")
        )
        _district_offices = (now, {office.district: office for office in offices.order_by("-pk")})
    return _district_offices[1].get(district)


def forget_district_offices(**kwargs: Any) -> None:
    """Signal receiver: an agency changed, read the district offices again."""
    global _district_offices
    _district_offices = None


def commission() -> Agency | None:
    return Agency.objects.filter(code=rdec_code()).first()


def rdec_code() -> str:
    from django.conf import settings

    return getattr(settings, "YANKAO_RDEC_AGENCY_CODE", "397220000A")


# --- Scoping -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visibility:
    """What one user may see of one business line: every agency, or these agency ids."""

    everything: bool
    agency_ids: frozenset[int]

    def allows(self, agency_id: int | None) -> bool:
        return self.everything or (agency_id is not None and agency_id in self.agency_ids)


def visibility(user: Any, line: str) -> Visibility:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Visibility(False, frozenset())
    if user.is_superuser:
        return Visibility(True, frozenset())
    codes = user.role_codes
    if any(line in CITYWIDE_LINES.get(code, frozenset()) for code in codes):
        return Visibility(True, frozenset())
    if user.agency_id is None:
        return Visibility(False, frozenset())
    if codes & SUBTREE_ROLES:
        return Visibility(False, frozenset(descendant_ids(user.agency_id)))
    return Visibility(False, frozenset({user.agency_id}))


def scope_queryset(
    queryset: models.QuerySet[Any],
    user: Any,
    *,
    line: str | None = None,
    agency_fields: Iterable[str] | None = None,
) -> models.QuerySet[Any]:
    """Restrict a queryset to the records the user may see.

    The model names its business line (`scope_line`) and the fields that tie a record to
    agencies (`scope_agency_fields`, e.g. lead agency and co-handlers): a record is visible
    when any of them is an agency the user may see.
    """
    model = queryset.model
    line = line or model.scope_line
    fields = tuple(agency_fields or model.scope_agency_fields)
    seen = visibility(user, line)
    if seen.everything:
        return queryset
    if not seen.agency_ids:
        return queryset.none()
    ids = seen.agency_ids
    if not any(_multi_valued(model, field) for field in fields):
        return queryset.filter(reduce(or_, (models.Q(**{f"{f}__in": ids}) for f in fields)))
    # Through a to-many relation (a case's handlers): the keys of the rows tied to the agencies,
    # one subquery per field, instead of an OR across a join made distinct. That OR kept
    # PostgreSQL from using either index: at 3 million cases the agency inbox read them all.
    keys = [_keys_tied(model, field, ids) for field in fields]
    return queryset.filter(pk__in=keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0])


def _multi_valued(model: type[models.Model], path: str) -> bool:
    meta = model._meta
    for name in path.split("__"):
        field = meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        meta = field.related_model._meta
    return False


def _keys_tied(model: type[models.Model], path: str, ids: frozenset[int]) -> models.QuerySet[Any]:
    """Keys of `model`'s rows tied through `path` to one of the agencies. Through a reverse
    foreign key first (handlers__agency) the other table is read alone: no join back."""
    first, _, rest = path.partition("__")
    relation = model._meta.get_field(first)
    if rest and relation.one_to_many and relation.field.target_field.primary_key:
        return relation.related_model._base_manager.filter(**{f"{rest}__in": ids}).values(
            relation.field.attname
        )
    return model._base_manager.filter(**{f"{path}__in": ids}).values("pk")


def can_write(user: Any, line: str) -> bool:
    """Read-only viewers never write, whatever they can see."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    codes = user.role_codes
    return bool(codes) and not codes <= READ_ONLY_ROLES


def is_commission_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(RoleCode.RDEC_ADMIN)


# --- People --------------------------------------------------------------------------------


def set_roles(user: User, codes: Iterable[str]) -> None:
    wanted = set(codes)
    unknown = wanted - set(RoleCode.values)
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(codes)s") % {"codes": ", ".join(sorted(unknown))}}
        )
    roles = [Role.objects.get_or_create(code=code)[0] for code in sorted(wanted)]
    user.roles.set(roles)
    user.__dict__.pop("_role_codes", None)


# --- Loading the shipped agency list -------------------------------------------------------

AGENCY_COLUMNS = (
    "code",
    "code_official",
    "name_zh",
    "short_name",
    "name_en",
    "kind",
    "parent_code",
    "district",
    "phone",
    "email",
    "website",
    "source",
)


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s, field %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def save_by_code(
    model: type[models.Model],
    by_code: dict[str, Any],
    code: str,
    values: dict[str, Any],
    result: LoadResult,
) -> Any:
    """Create the row with this code, or save only the fields that differ; counts in `result`.

    Shared by the data-file loaders, so reloading a file writes (and audits) only real changes.
    """
    row = by_code.get(code)
    if row is None:
        row = model.objects.create(code=code, **values)
        by_code[code] = row
        result.created += 1
        return row
    changed = [key for key, value in values.items() if getattr(row, key) != value]
    if changed:
        for key in changed:
            setattr(row, key, values[key])
        row.save(update_fields=changed)
        result.updated += 1
    else:
        result.unchanged += 1
    return row


def read_agency_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of the agency data file with their line numbers; lines starting with # are notes."""
    with path.open(encoding="utf-8", newline="") as handle:
        numbered = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    return [(numbered[i + 1][0], row) for i, row in enumerate(reader)]


def validate_agency_rows(rows: list[tuple[int, dict[str, str]]]) -> list[RowError]:
    errors: list[RowError] = []
    codes = {row.get("code", "").strip() for _, row in rows}
    existing = set(Agency.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for line, row in rows:
        missing = [c for c in AGENCY_COLUMNS if c not in row]
        if missing:
            errors.append(RowError(line, ",".join(missing), _("column is missing")))
            continue
        code = row["code"].strip()
        try:
            Agency._meta.get_field("code").run_validators(code)
        except ValidationError as exc:
            errors.append(RowError(line, "code", " ".join(exc.messages)))
        if code in seen:
            errors.append(RowError(line, "code", _("code %(code)s appears twice") % {"code": code}))
        seen.add(code)
        if not row["name_zh"].strip():
            errors.append(RowError(line, "name_zh", _("the Chinese name is required")))
        if row["kind"].strip() not in AgencyKind.values:
            errors.append(
                RowError(line, "kind", _("unknown kind %(kind)s") % {"kind": row["kind"]})
            )
        parent = row["parent_code"].strip()
        if parent and parent not in codes and parent not in existing:
            errors.append(
                RowError(line, "parent_code", _("unknown agency code %(code)s") % {"code": parent})
            )
        if row["code_official"].strip() not in {"0", "1"}:
            errors.append(RowError(line, "code_official", _("must be 0 or 1")))
        if row["email"].strip():
            try:
                Agency._meta.get_field("email").run_validators(row["email"].strip())
            except ValidationError as exc:
                errors.append(RowError(line, "email", " ".join(exc.messages)))
    return errors


def load_agencies(path: Path = AGENCY_DATA_FILE) -> LoadResult:
    """Create or update agencies from the data file; idempotent, all rows or none.

    Agencies already in the database but not in the file are left alone (never deleted).
    """
    rows = read_agency_rows(path)
    errors = validate_agency_rows(rows)
    if errors:
        raise ValidationError([str(e) for e in errors])
    result = LoadResult()
    with transaction.atomic():
        by_code = {a.code: a for a in Agency.objects.select_for_update()}
        pending_parents: list[tuple[Agency, str]] = []
        for order, (_, row) in enumerate(rows, start=1):
            values = {
                "code_official": row["code_official"].strip() == "1",
                "name_zh": row["name_zh"].strip(),
                "short_name": row["short_name"].strip(),
                "name_en": row["name_en"].strip(),
                "kind": row["kind"].strip(),
                "district": row["district"].strip(),
                "phone": row["phone"].strip(),
                "email": row["email"].strip(),
                "website": row["website"].strip(),
                "source": row["source"].strip(),
                "sort_order": order * 10,
            }
            agency = save_by_code(Agency, by_code, row["code"].strip(), values, result)
            pending_parents.append((agency, row["parent_code"].strip()))
        for agency, parent_code in pending_parents:
            parent_id = by_code[parent_code].pk if parent_code else None
            if agency.parent_id != parent_id:
                agency.parent_id = parent_id
                agency.save(update_fields=["parent"])
    return result


def agency_counts_by_kind() -> dict[str, int]:
    counts = dict.fromkeys(AgencyKind.values, 0)
    for row in Agency.objects.values("kind").annotate(n=models.Count("pk")):
        counts[row["kind"]] = row["n"]
    return counts
