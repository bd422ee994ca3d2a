"""Pages of citizen works monitoring (全民督工): the list, a report with its next steps, the
team's form for reports that came another way."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from yankao.web.forms import add_errors
from yankao.web.lists import chosen_tab

from ..models import MonitoringReport, MonitoringStatus
from ..monitoring_forms import MonitoringReportForm, MonitoringStepForm
from ..services import is_inspection_team
from ..services import monitoring as service

S = MonitoringStatus
TABS = {
    "open": gettext_lazy("Open"),
    "overdue": gettext_lazy("Overdue"),
    "closed": gettext_lazy("Closed"),
}
ACTION_LABELS = {
    "survey": gettext_lazy("Record the survey"),
    "start_remedy": gettext_lazy("Start the remedy"),
    "report_remedy": gettext_lazy("Report the remedy"),
    "return": gettext_lazy("Return: not remedied yet"),
    "close": gettext_lazy("Confirm and close"),
    "close_without_remedy": gettext_lazy("Close: nothing to remedy"),
}


class MonitoringListView(LoginRequiredMixin, ListView):
    template_name = "works/monitoring_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[MonitoringReport]:
        self.tab = chosen_tab(self.request, TABS, "open")
        reports = service.visible(self.request.user)
        if self.tab == "closed":
            return reports.filter(status=S.CLOSED).order_by("-closed_on", "-pk")
        reports = reports.exclude(status=S.CLOSED).order_by("survey_due", "pk")
        if self.tab == "overdue":
            today = timezone.localdate()
            return [r for r in reports if service.is_overdue(r, today)]  # type: ignore[return-value]
        return reports

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            tab=self.tab,
            tabs=list(TABS.items()),
            rows=[(r, service.is_overdue(r, today)) for r in context["object_list"]],
            team=is_inspection_team(self.request.user),
        )
        return context


class MonitoringCreateView(LoginRequiredMixin, View):
    template_name = "works/monitoring_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_inspection_team(request.user):
            raise PermissionDenied(_("Only the inspection team may do this."))
        form = MonitoringReportForm(initial={"received_on": timezone.localdate()})
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = MonitoringReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = service.record_report(request.user, **data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Citizen works report recorded."))
                return HttpResponseRedirect(reverse("works:monitoring", args=[report.pk]))
        return render(request, self.template_name, {"form": form}, status=400)


class MonitoringDetailView(LoginRequiredMixin, View):
    template_name = "works/monitoring_detail.html"

    def _context(
        self, request: HttpRequest, report: MonitoringReport, form: Any = None
    ) -> dict[str, Any]:
        actions = service.allowed_actions(report, request.user)
        return {
            "report": report,
            "events": report.events.select_related("by"),
            "overdue": service.is_overdue(report),
            "handling_days": service.handling_working_days(report),
            "satisfied": service.satisfaction_of(report),
            "actions": [(a, ACTION_LABELS[a]) for a in actions],
            "form": form or MonitoringStepForm(),
            "team": is_inspection_team(request.user),
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(service.visible(request.user), pk=pk)
        return render(request, self.template_name, self._context(request, report))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(service.visible(request.user), pk=pk)
        form = MonitoringStepForm(request.POST)
        form.is_valid()
        action = request.POST.get("action", "")
        try:
            if action == "satisfaction":
                service.record_satisfaction(
                    report, request.POST.get("satisfied") == "1", request.user
                )
            else:
                service.transition(
                    report, action, request.user, note=form.cleaned_data.get("note", "")
                )
        except ValidationError as exc:
            add_errors(form, exc)
            return render(
                request, self.template_name, self._context(request, report, form), status=400
            )
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(reverse("works:monitoring", args=[report.pk]))
