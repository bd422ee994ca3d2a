"""Pages of works projects: the list (with export), a project with its progress curve, the
agency's fast monthly progress form, the fill-in rates and the tender-system import.

Every page gets its records through `services.visible_projects`; another agency's project is a 404.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import can_write
from yankao.plans.rules import months_between
from yankao.web.charts import MUTED_BAR, PRIMARY, Series, line_chart, month_label, to_svg
from yankao.web.forms import add_errors
from yankao.web.lists import ExportableListMixin
from yankao.web.months import chosen_year_month, neighbours

from .. import importing, rules
from ..forms import TIER_CHOICES, ProgressForm, ProgressImportForm, ProjectFilterForm
from ..models import ProgressEntry, WorksProject
from ..services import (
    is_inspection_team,
    may_write_for_agency,
    visible_inspections,
    visible_projects,
)
from ..services import projects as services

PROJECT_EXPORT = "works_projects"
TIER_LABELS = dict(TIER_CHOICES)


def tier_label(project: WorksProject) -> str:
    return str(TIER_LABELS[rules.tier_of(project.budget_amount)])


def _tier_filter(tier: str) -> Q:
    """The amount tier as a filter on the budget amount (the tier is never stored)."""
    from django.conf import settings

    bounds = {
        rules.HUGE: (settings.YANKAO_WORKS_TIER_HUGE, None),
        rules.LARGE: (settings.YANKAO_WORKS_TIER_LARGE, settings.YANKAO_WORKS_TIER_HUGE),
        rules.MEDIUM: (settings.YANKAO_WORKS_TIER_MEDIUM, settings.YANKAO_WORKS_TIER_LARGE),
        rules.SMALL: (settings.YANKAO_WORKS_TIER_SMALL, settings.YANKAO_WORKS_TIER_MEDIUM),
        rules.BELOW: (None, settings.YANKAO_WORKS_TIER_SMALL),
    }
    low, high = bounds[tier]
    q = Q()
    if low is not None:
        q &= Q(budget_amount__gte=low)
    if high is not None:
        q &= Q(budget_amount__lt=high)
    return q


class ProjectListView(LoginRequiredMixin, ExportableListMixin, ListView):
    template_name = "works/project_list.html"
    paginate_by = 50
    export_name = PROJECT_EXPORT

    def get_queryset(self) -> QuerySet[WorksProject]:
        visible = visible_projects(self.request.user)
        self.filters = ProjectFilterForm(
            self.request.GET or None,
            agencies=Agency.objects.filter(pk__in=visible.values("agency_id")).order_by(
                "sort_order", "code"
            ),
        )
        latest = ProgressEntry.objects.filter(project=OuterRef("pk")).order_by("-month")
        queryset = visible.annotate(
            latest_month=Subquery(latest.values("month")[:1]),
            latest_planned=Subquery(latest.values("planned_progress")[:1]),
            latest_actual=Subquery(latest.values("actual_progress")[:1]),
        )
        if self.filters.is_valid():
            data = self.filters.cleaned_data
            if data["q"]:
                queryset = queryset.filter(
                    Q(tender_number__icontains=data["q"]) | Q(name__icontains=data["q"])
                )
            if data["agency"]:
                queryset = queryset.filter(agency=data["agency"])
            if data["status"]:
                queryset = queryset.filter(status=data["status"])
            if data["tier"]:
                queryset = queryset.filter(_tier_filter(data["tier"]))
            if data["district"]:
                queryset = queryset.filter(district__icontains=data["district"])
        return queryset.order_by("agency__sort_order", "tender_number")

    def export_columns(self) -> list[Any]:
        return [
            (_("tender number"), lambda p: p.tender_number),
            (_("project name"), lambda p: p.name),
            (_("owning agency"), lambda p: str(p.agency)),
            (_("status"), lambda p: p.get_status_display()),
            (_("budget amount (NT$)"), lambda p: int(p.budget_amount)),
            (
                _("award amount (NT$)"),
                lambda p: "" if p.award_amount is None else int(p.award_amount),
            ),
            (_("Amount tier"), tier_label),
            (_("contractor"), lambda p: p.contractor),
            (_("supervisor"), lambda p: p.supervisor),
            (_("district"), lambda p: p.district),
            (_("planned start"), lambda p: p.planned_start),
            (_("planned completion"), lambda p: p.planned_end),
            (_("actual start"), lambda p: p.actual_start),
            (_("actual completion"), lambda p: p.actual_end),
            (_("change orders"), lambda p: p.change_orders),
            (_("Latest progress month"), lambda p: p.latest_month),
            (_("planned progress %"), lambda p: p.latest_planned),
            (_("actual progress %"), lambda p: p.latest_actual),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for project in context["object_list"]:
            project.tier_label = tier_label(project)
        context.update(
            filters=self.filters,
            team=is_inspection_team(self.request.user),
            may_import=can_write(self.request.user, BusinessLine.WORKS),
            progress_month=services.current_progress_month(),
            query_string=self.request.GET.urlencode(),
        )
        return context


def visible_project(request: HttpRequest, pk: int) -> WorksProject:
    return get_object_or_404(visible_projects(request.user), pk=pk)


def progress_chart(project: WorksProject, entries: list[ProgressEntry]) -> Any:
    """The project's S-curve: planned and actual cumulative progress as the agency entered them."""
    if not entries:
        return None
    months = months_between(entries[0].month, entries[-1].month)
    by_month = {e.month: e for e in entries}
    return to_svg(
        line_chart(
            _("Planned and actual cumulative progress"),
            _("The planned and actual progress the agency entered, by month."),
            [month_label(m.month) for m in months],
            [
                Series(
                    _("Planned"),
                    MUTED_BAR,
                    [
                        float(by_month[m].planned_progress) if m in by_month else None
                        for m in months
                    ],
                ),
                Series(
                    _("Actual"),
                    PRIMARY,
                    [float(by_month[m].actual_progress) if m in by_month else None for m in months],
                ),
            ],
            maximum=100,
            tick_format=lambda v: f"{v:.0f}%",
        ),
        "chart-works-progress",
    )


class ProjectDetailView(LoginRequiredMixin, TemplateView):
    template_name = "works/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project = visible_project(self.request, kwargs["pk"])
        entries = list(project.progress.select_related("entered_by").order_by("month"))
        behind = services.behind_points()
        for entry in entries:
            entry.behind = entry.lag >= behind
            entry.deadline = services.progress_deadline(entry.month)
        first, last = services.period_of(project)
        context.update(
            project=project,
            tier=tier_label(project),
            huge=rules.tier_of(project.budget_amount) == rules.HUGE,
            entries=list(reversed(entries)),
            chart=progress_chart(project, entries),
            inspections=visible_inspections(self.request.user).filter(project=project),
            may_enter=may_write_for_agency(self.request.user, project.agency_id),
            next_month=services.next_month_to_enter(project),
            first_month=first,
            last_month=last,
            team=is_inspection_team(self.request.user),
        )
        return context


class ProgressFormView(LoginRequiredMixin, View):
    """The agency's monthly progress: the month before prefilled, the rules checked as one types."""

    template_name = "works/progress_form.html"

    def _project(self, request: HttpRequest, pk: int) -> WorksProject:
        project = visible_project(request, pk)
        if not may_write_for_agency(request.user, project.agency_id):
            raise PermissionDenied(_("You may not enter progress for this project."))
        return project

    def _context(self, project: WorksProject, form: ProgressForm, **extra: Any) -> dict[str, Any]:
        if form.is_bound:  # after an error: the month that was typed, when it was a month
            month = getattr(form, "cleaned_data", {}).get("month")
        else:
            month = form.initial.get("month")
        return {
            "project": project,
            "form": form,
            "previous": services.previous_entry(project, month) if month else None,
            "behind_points": services.behind_points(),
            "deadline": services.progress_deadline(month) if month else None,
            **extra,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        project = self._project(request, pk)
        month = services.next_month_to_enter(project)
        if value := request.GET.get("month"):
            with contextlib.suppress(ValueError):  # a bad month in the link: the default
                month = dt.date.fromisoformat(f"{value}-01")
        form = ProgressForm(initial=services.prefill(project, month))
        return render(request, self.template_name, self._context(project, form))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        project = self._project(request, pk)
        form = ProgressForm(request.POST)
        check_only = request.headers.get("HX-Request") == "true" and "check" in request.POST
        if form.is_valid():
            data = form.cleaned_data
            values = services.ProgressData(
                data["planned_progress"],
                data["actual_progress"],
                data["lag_reason"],
                data["correction_note"],
            )
            if check_only:  # htmx: what the entry would be and what is still wrong
                checked = services.check_progress(project, data["month"], values)
                return render(request, "works/progress_check.html", {"checked": checked})
            try:
                entry = services.enter_progress(project, data["month"], values, request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Progress for %(m)s saved.") % {"m": services.month_label(entry.month)},
                )
                if entry.late:
                    messages.warning(
                        request, _("Entered after the cut-off day: the entry is marked late.")
                    )
                return HttpResponseRedirect(reverse("works:project", args=[project.pk]))
        elif check_only:
            return render(request, "works/progress_check.html", {"form_errors": form.errors})
        return render(request, self.template_name, self._context(project, form), status=400)


class ProgressRatesView(LoginRequiredMixin, TemplateView):
    """Fill-in rate (填報率) per agency for a month, the year's months, and what is missing."""

    template_name = "works/progress_rates.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        last = services.last_due_month()
        year, month, form = chosen_year_month(self.request, default=(last.year, last.month))
        first = dt.date(year, month, 1)
        user = self.request.user
        rows = services.fill_rates(user, first)
        expected = sum(r.expected for r in rows)
        entered = sum(r.entered for r in rows)
        year_months = services.yearly_rates(user, year)
        missing = (
            services.owing(first, visible_projects(user))
            .exclude(progress__month=first)
            .select_related("agency")
            .order_by("agency__sort_order", "tender_number")
        )
        context.update(
            form=form,
            rows=rows,
            month_start=first,
            deadline=services.progress_deadline(first),
            expected=expected,
            entered=entered,
            late=sum(r.late for r in rows),
            total_rate=rules.percent_of(entered, expected),
            year_months=year_months,
            year_sentence=services.fill_sentence(year_months),
            missing=missing,
            **neighbours(first),
        )
        return context


class ProjectImportView(LoginRequiredMixin, View):
    """Upload the tender-system export; see every error by row and column before anything is saved."""

    template_name = "works/project_import.html"

    def _allowed(self, request: HttpRequest) -> None:
        if not can_write(request.user, BusinessLine.WORKS):
            raise PermissionDenied(_("You may not import works projects."))

    def _context(self, form: ProgressImportForm, **extra: Any) -> dict[str, Any]:
        return {
            "form": form,
            "required": [importing.COLUMNS[k] for k in importing.REQUIRED],
            "columns": list(importing.COLUMNS.values()),
            "statuses": sorted(k for k in importing.STATUS_WORDS if not k.isascii()),
            **extra,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        self._allowed(request)
        form = ProgressImportForm(initial={"month": services.current_progress_month()})
        return render(request, self.template_name, self._context(form))

    def post(self, request: HttpRequest) -> HttpResponse:
        self._allowed(request)
        form = ProgressImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self._context(form), status=400)
        upload = form.cleaned_data["file"]
        try:
            result = importing.check(upload, upload.name, request.user, form.cleaned_data["month"])
        except ValidationError as exc:
            form.add_error("file", exc)
            return render(request, self.template_name, self._context(form), status=400)
        if result.errors and not form.cleaned_data["only_clean"]:
            return render(
                request, self.template_name, self._context(form, result=result), status=400
            )
        importing.save(result, request.user, only_clean=form.cleaned_data["only_clean"])
        return render(request, self.template_name, self._context(form, result=result, saved=True))
