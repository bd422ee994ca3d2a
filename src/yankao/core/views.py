from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from yankao.agencies.roles import RoleCode
from yankao.agencies.services import agency_counts_by_kind, is_commission_admin, scope_queryset
from yankao.audit.models import AuditEntry
from yankao.workdays import services as workdays

from . import services


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is not correct. Note that both are case-sensitive."
        ),
        "inactive": _("This account is inactive."),
        "locked_out": _(
            "Too many failed logins. This account is locked for a while; try again later."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "yankao_locked_out", False):
                raise forms.ValidationError(
                    self.error_messages["locked_out"], code="locked_out"
                ) from None
            raise


@dataclass
class WorkPanel:
    """One box on a role's home page; empty until the business area that fills it exists."""

    title: Promise
    empty_title: Promise
    empty_text: Promise


ROLE_PANELS: dict[str, WorkPanel] = {
    RoleCode.HOTLINE_OPERATOR: WorkPanel(
        _("Calls and cases you recorded today"),
        _("No cases recorded yet"),
        _(
            "Consultations, petitions and dispatch reports you record at the 1999 console appear here."
        ),
    ),
    RoleCode.RDEC_CASE_OFFICER: WorkPanel(
        _("Cases waiting for the commission"),
        _("Nothing is waiting for you"),
        _(
            "Returned cases, extension requests and overdue petitions that need the commission appear here."
        ),
    ),
    RoleCode.PLAN_CONTROLLER: WorkPanel(
        _("Controlled plans to review"),
        _("No plans to review"),
        _("Monthly progress reports to check and plans that fall behind appear here."),
    ),
    RoleCode.INSPECTOR: WorkPanel(
        _("Inspections and remediation"),
        _("No inspections scheduled"),
        _("Your scheduled site inspections and defects awaiting remediation appear here."),
    ),
    RoleCode.AGENCY_CASE_OFFICER: WorkPanel(
        _("Your agency's inbox"),
        _("Your inbox is empty"),
        _(
            "Cases assigned to your agency, sorted by time left, and monthly reports due appear here."
        ),
    ),
    RoleCode.AGENCY_SUPERVISOR: WorkPanel(
        _("Waiting for your approval"),
        _("Nothing to approve"),
        _(
            "Replies to review and your agency's overdue items, including its second-level agencies, appear here."
        ),
    ),
    RoleCode.VIEWER: WorkPanel(
        _("Summary reports"),
        _("No reports published yet"),
        _(
            "Monthly performance reports and dashboards for the mayor's office and the council appear here."
        ),
    ),
}


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        codes = sorted(user.role_codes, key=lambda c: list(RoleCode.values).index(c))
        context["roles"] = [RoleCode(c).label for c in codes]
        context["work_lists"] = work = services.home_work(user)
        covered = {w.replaces for w in work}
        context["panels"] = [ROLE_PANELS[c] for c in codes if c in ROLE_PANELS and c not in covered]
        context["today"] = today
        try:
            context["today_is_working_day"] = workdays.is_working_day(today)
            context["next_working_day"] = workdays.next_working_day(today)
            window_end = min(today + dt.timedelta(days=60), workdays.calendar_bounds()[1])
            context["upcoming_days_off"] = [
                d for d in workdays.holidays_between(today, window_end) if d.is_day_off
            ][:6]
        except workdays.CalendarRangeError as exc:
            # The shipped calendar must be extended each year; say so instead of failing.
            context["calendar_error"] = str(exc)
        if is_commission_admin(user):
            context["admin"] = {
                "agency_counts": agency_counts_by_kind(),
                "recent_audit": scope_queryset(AuditEntry.objects.all(), user)[:8],
                "health": services.health(),
            }
        if not codes and not user.is_superuser:
            context["no_roles"] = True
        return context


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when every check passes, else 503."""
    report = services.health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
