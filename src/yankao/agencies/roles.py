"""Roles, business lines and which lines a commission role sees city-wide.

This table is the whole permission model: agency roles see their own agency (supervisors also
its second-level agencies); the commission roles below see every agency's records of their lines.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    RDEC_ADMIN = "rdec_admin", _("Commission administrator")
    RDEC_CASE_OFFICER = "rdec_case_officer", _("Commission case officer")
    HOTLINE_OPERATOR = "hotline_operator", _("1999 operator")
    PLAN_CONTROLLER = "plan_controller", _("Plan controller")
    INSPECTOR = "inspector", _("Inspector")
    AGENCY_CASE_OFFICER = "agency_case_officer", _("Agency case officer")
    AGENCY_SUPERVISOR = "agency_supervisor", _("Agency supervisor")
    VIEWER = "viewer", _("Read-only viewer")


class BusinessLine(models.TextChoices):
    """What a record belongs to, for scoping. Later areas add their own lines here."""

    PEOPLE = "people", _("People and accounts")
    AUDIT = "audit", _("Audit log")
    CASES = "cases", _("Citizen service")
    ASSISTANT = "assistant", _("Assistant")
    PLANS = "plans", _("Plan control")
    WORKS = "works", _("Works inspection")
    PLANNING = "planning", _("Planning")
    RESEARCH = "research", _("Research and development")
    INFORMATION = "information", _("Information services")


ALL_LINES = frozenset(BusinessLine.values)
READ_ONLY_LINES_FOR_VIEWER = ALL_LINES - {BusinessLine.PEOPLE, BusinessLine.AUDIT}

# Lines each commission role sees across all agencies.
CITYWIDE_LINES: dict[str, frozenset[str]] = {
    RoleCode.RDEC_ADMIN: ALL_LINES,
    RoleCode.RDEC_CASE_OFFICER: frozenset({BusinessLine.CASES, BusinessLine.ASSISTANT}),
    RoleCode.HOTLINE_OPERATOR: frozenset({BusinessLine.CASES, BusinessLine.ASSISTANT}),
    RoleCode.PLAN_CONTROLLER: frozenset({BusinessLine.PLANS, BusinessLine.PLANNING}),
    RoleCode.INSPECTOR: frozenset({BusinessLine.WORKS}),
    RoleCode.VIEWER: frozenset(READ_ONLY_LINES_FOR_VIEWER),
}

# Roles that may only read, whatever they see.
READ_ONLY_ROLES = frozenset({RoleCode.VIEWER})

# Roles whose holder also sees the second-level agencies under their own agency.
SUBTREE_ROLES = frozenset({RoleCode.AGENCY_SUPERVISOR, RoleCode.RDEC_ADMIN})
