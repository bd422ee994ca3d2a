"""Navigation: only the areas that exist and that the user may open (no dead links)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yankao.agencies.roles import RoleCode


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    roles: tuple[str, ...] = ()
    staff_only: bool = False


# Who works with citizen service: its case reports and the FAQ knowledge base.
CASE_SERVICE_ROLES = (
    RoleCode.RDEC_ADMIN,
    RoleCode.RDEC_CASE_OFFICER,
    RoleCode.HOTLINE_OPERATOR,
    RoleCode.AGENCY_CASE_OFFICER,
    RoleCode.AGENCY_SUPERVISOR,
    RoleCode.VIEWER,
)

NAV: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home"),
    NavItem(_("Cases"), "cases:inbox"),
    NavItem(
        _("Case reports"),
        "case_reports:monthly",
        roles=CASE_SERVICE_ROLES,
    ),
    NavItem(
        _("FAQ"),
        "assistant:faq",
        roles=CASE_SERVICE_ROLES,
    ),
    NavItem(
        _("FAQ candidates"),
        "assistant:candidates",
        roles=(
            RoleCode.RDEC_ADMIN,
            RoleCode.RDEC_CASE_OFFICER,
            RoleCode.AGENCY_CASE_OFFICER,
            RoleCode.AGENCY_SUPERVISOR,
            RoleCode.VIEWER,
        ),
    ),
    NavItem(
        _("Plans"),
        "plans:list",
        roles=(
            RoleCode.RDEC_ADMIN,
            RoleCode.PLAN_CONTROLLER,
            RoleCode.AGENCY_CASE_OFFICER,
            RoleCode.AGENCY_SUPERVISOR,
            RoleCode.VIEWER,
        ),
    ),
    NavItem(
        _("Plan analysis"),
        "plans:analysis",
        roles=(RoleCode.RDEC_ADMIN, RoleCode.PLAN_CONTROLLER, RoleCode.VIEWER),
    ),
    NavItem(
        _("Plan dashboard"),
        "plans:dashboard",
        roles=(RoleCode.RDEC_ADMIN, RoleCode.PLAN_CONTROLLER, RoleCode.VIEWER),
    ),
    NavItem(
        _("Supervision meetings"),
        "plans:meetings",
        roles=(
            RoleCode.RDEC_ADMIN,
            RoleCode.PLAN_CONTROLLER,
            RoleCode.AGENCY_CASE_OFFICER,
            RoleCode.AGENCY_SUPERVISOR,
            RoleCode.VIEWER,
        ),
    ),
    NavItem(
        _("Year-end evaluation"),
        "plans:evaluations",
        roles=(
            RoleCode.RDEC_ADMIN,
            RoleCode.PLAN_CONTROLLER,
            RoleCode.AGENCY_CASE_OFFICER,
            RoleCode.AGENCY_SUPERVISOR,
            RoleCode.VIEWER,
        ),
    ),
    NavItem(
        _("Works projects"),
        "works:projects",
        roles=(
            RoleCode.RDEC_ADMIN,
            RoleCode.INSPECTOR,
            RoleCode.AGENCY_CASE_OFFICER,
            RoleCode.AGENCY_SUPERVISOR,
            RoleCode.VIEWER,
        ),
    ),
    NavItem(
        _("Inspection planning"),
        "works:planning",
        roles=(RoleCode.RDEC_ADMIN, RoleCode.INSPECTOR),
    ),
    NavItem(
        _("Inspections"),
        "works:inspections",
        roles=(
            RoleCode.RDEC_ADMIN,
            RoleCode.INSPECTOR,
            RoleCode.AGENCY_CASE_OFFICER,
            RoleCode.AGENCY_SUPERVISOR,
            RoleCode.VIEWER,
        ),
    ),
    NavItem(
        _("Citizen works monitoring"),
        "works:monitoring_list",
        roles=(
            RoleCode.RDEC_ADMIN,
            RoleCode.INSPECTOR,
            RoleCode.AGENCY_CASE_OFFICER,
            RoleCode.AGENCY_SUPERVISOR,
            RoleCode.VIEWER,
        ),
    ),
    NavItem(
        _("Works statistics"),
        "works:statistics",
        roles=(RoleCode.RDEC_ADMIN, RoleCode.INSPECTOR, RoleCode.VIEWER),
    ),
    NavItem(_("Agencies"), "agencies:list"),
    NavItem(
        _("People"),
        "agencies:people",
        roles=(RoleCode.RDEC_ADMIN, RoleCode.AGENCY_SUPERVISOR),
    ),
    NavItem(_("Calendar"), "workdays:calendar"),
    NavItem(_("Audit log"), "audit:list", roles=(RoleCode.RDEC_ADMIN,)),
    NavItem(_("API"), "api-docs"),
    NavItem(_("Administration"), "admin:index", staff_only=True),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in NAV:
        if item.staff_only and not user.is_staff:
            continue
        if item.roles and not user.has_role(*item.roles):
            continue
        items.append({"label": item.label, "url": reverse(item.url_name), "active": False})
    # The longest matching prefix is the current area (/agencies/people/ is People, not Agencies).
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
