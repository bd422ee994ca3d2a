"""The inspection team's planning board: the year's quota per tier against the legal minimum and
the target, progress during the year, ranked candidates and unannounced scheduling.

Team only (commission administrator and inspectors): anyone else gets a 403, and nothing here
leaks a planned visit to an agency.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from yankao.web.charts import PRIMARY, SECOND, Series, grouped_columns, to_svg
from yankao.workdays.roc import format_roc
from yankao.workdays.services import calendar_bounds

from ..forms import TIER_CHOICES, ScheduleForm
from ..services import is_inspection_team, visible_projects
from ..services import planning as services

TIER_LABELS = dict(TIER_CHOICES)
CANDIDATES_SHOWN = 100


class TeamOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not is_inspection_team(request.user):
            raise PermissionDenied(_("Only the inspection team may do this."))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def chosen_year(request: HttpRequest) -> int:
    """The year in the query string, inside the calendar's years; this year by default."""
    first, last = calendar_bounds()
    year = timezone.localdate().year
    text = request.GET.get("year", "")
    if text.isdigit() and first.year <= int(text) <= last.year:
        year = int(text)
    return year


def quota_chart(plan: services.YearPlan) -> Any:
    labels = [str(TIER_LABELS[t.tier]) for t in plan.tiers]
    return to_svg(
        grouped_columns(
            _("Inspections by amount tier"),
            _("The legal minimum per tier and the inspections recorded this year."),
            labels,
            [
                Series(_("Legal minimum"), SECOND, [float(t.minimum) for t in plan.tiers]),
                Series(_("Inspected"), PRIMARY, [float(t.done) for t in plan.tiers]),
            ],
        ),
        "chart-works-quota",
    )


class PlanningView(TeamOnlyMixin, TemplateView):
    template_name = "works/planning.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = chosen_year(self.request)
        plan = services.year_plan(user, year)
        found = services.candidates(user, year)
        for candidate in found[:CANDIDATES_SHOWN]:
            candidate.ground_labels = [services.ground_label(g) for g in candidate.grounds]  # type: ignore[attr-defined]
            candidate.tier_label = TIER_LABELS[candidate.tier]  # type: ignore[attr-defined]
        planned = list(services.planned_inspections(user).filter(scheduled_on__year=year))
        for inspection in planned:
            inspection.ground_labels = [  # type: ignore[attr-defined]
                services.ground_label(g) for g in inspection.priority_grounds
            ]
        first, last = calendar_bounds()
        context.update(
            year=year,
            roc_year=year - 1911,
            years=[y for y in (year - 1, year + 1) if first.year <= y <= last.year],
            plan=plan,
            eligible_total=sum(plan.quota.eligible.values()),
            tiers=[(TIER_LABELS[t.tier], t) for t in plan.tiers],
            chart=quota_chart(plan),
            candidates=found[:CANDIDATES_SHOWN],
            candidate_count=len(found),
            with_grounds=sum(1 for c in found if c.grounds),
            planned=planned,
            schedule_form=ScheduleForm(),
        )
        return context


class ScheduleView(TeamOnlyMixin, View):
    """Schedule an unannounced inspection of a candidate (status planned, grounds kept)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        project = get_object_or_404(visible_projects(request.user), pk=pk)
        form = ScheduleForm(request.POST)
        year = request.POST.get("year", "")
        back = reverse("works:planning") + (f"?year={year}" if year.isdigit() else "")
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return HttpResponseRedirect(back)
        try:
            inspection = services.schedule(project, request.user, form.cleaned_data["scheduled_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Unannounced inspection of %(p)s planned for %(d)s; agencies do not see it.")
                % {"p": project.tender_number, "d": format_roc(inspection.scheduled_on, "date")},
            )
        return HttpResponseRedirect(back)
