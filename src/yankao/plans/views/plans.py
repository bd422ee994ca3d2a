"""Pages of plan control: plans, a plan with its S-curve, the monthly report form, the import,
the monthly analysis and the submission rates. Every page goes through `services` scoping.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from yankao.agencies.models import Agency
from yankao.audit.services import record_export
from yankao.web.charts import to_svg
from yankao.web.forms import add_errors
from yankao.web.lists import ExportableListMixin
from yankao.web.months import chosen_year_month, month_query, neighbours
from yankao.works.services import visible_projects

from .. import analysis as analysis_module
from .. import charts, exports, importing, rules, services
from ..analysis import NOT_REPORTED
from ..forms import (
    DecisionForm,
    ImportForm,
    MilestoneForm,
    PlanFilterForm,
    ReleaseForm,
    ReportForm,
)
from ..models import MilestoneKind, Plan, ProgressReport, ProgressStatus, ReportStatus, WorkPlan

PLAN_EXPORT = "controlled_plans"
ANALYSIS_EXPORT = "plan_monthly_analysis"


def _current_month() -> tuple[int, int]:
    month = services.current_report_month()
    return month.year, month.month


class PlanListView(LoginRequiredMixin, ExportableListMixin, ListView):
    template_name = "plans/plan_list.html"
    paginate_by = 50
    export_name = PLAN_EXPORT

    def get_queryset(self) -> QuerySet[Plan]:
        visible = services.visible_plans(self.request.user)
        self.filters = PlanFilterForm(
            self.request.GET or None,
            agencies=Agency.objects.filter(pk__in=visible.values("agency_id")).order_by(
                "sort_order", "code"
            ),
        )
        month = self.filters.is_valid() and self.filters.cleaned_data["month"]
        latest = ProgressReport.objects.filter(plan=OuterRef("pk")).order_by("-month")
        if month:  # the dashboard's drill-down: plans owing that month's report, its status
            latest = latest.filter(month=month, status=ReportStatus.SUBMITTED)
            visible = services.expected_plans(month, visible)
        queryset = visible.annotate(
            latest_status=Subquery(latest.values("progress_status")[:1]),
            latest_month=Subquery(latest.values("month")[:1]),
            latest_progress=Subquery(latest.values("actual_progress")[:1]),
        )
        if self.filters.is_valid():
            data = self.filters.cleaned_data
            if data["agency"]:
                queryset = queryset.filter(agency=data["agency"])
            if data["q"]:
                queryset = queryset.filter(
                    Q(code__icontains=data["q"]) | Q(name__icontains=data["q"])
                )
            if data["kind"]:
                queryset = queryset.filter(kind=data["kind"])
            if data["status"]:
                queryset = queryset.filter(status=data["status"])
            if data["progress"] == NOT_REPORTED:
                queryset = queryset.filter(Q(latest_status__isnull=True) | Q(latest_status=""))
            elif data["progress"]:
                queryset = queryset.filter(latest_status=data["progress"])
        return queryset.order_by("agency__sort_order", "code")

    def export_columns(self) -> list[Any]:
        return [
            (_("plan code"), lambda p: p.code),
            (_("plan name"), lambda p: p.name),
            (_("kind"), lambda p: p.get_kind_display()),
            (_("owning agency"), lambda p: str(p.agency)),
            (_("status"), lambda p: p.get_status_display()),
            (_("start"), lambda p: p.start_date),
            (_("end"), lambda p: p.end_date),
            (
                _("latest progress status"),
                lambda p: ProgressStatus(p.latest_status).label if p.latest_status else "",
            ),
            (_("actual cumulative progress %"), lambda p: p.latest_progress),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year, month = _current_month()
        context.update(
            filters=self.filters,
            controller=services.is_controller(self.request.user),
            report_month=dt.date(year, month, 1),
            query_string=self.request.GET.urlencode(),
        )
        return context


def _visible_plan(request: HttpRequest, code: str) -> Plan:
    return get_object_or_404(services.visible_plans(request.user), code=code)


def _milestones(baseline: WorkPlan | None) -> list[Any]:
    if baseline is None:
        return []
    today = timezone.localdate()
    milestones = list(baseline.milestones.all())
    order = list(MilestoneKind.values)
    for m in milestones:
        m.late = m.actual_date is None and m.planned_date < today
    return sorted(milestones, key=lambda m: order.index(m.kind))


class PlanDetailView(LoginRequiredMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan = _visible_plan(self.request, kwargs["code"])
        user = self.request.user
        baseline = services.approved_work_plan(plan)
        months = rules.months_between(plan.start_date, plan.end_date)
        reports = {r.month: r for r in plan.reports.all()}
        planned = {m.month: m for m in baseline.months.all()} if baseline else {}
        rows = []
        last_planned = None
        for month in months:
            target = planned.get(month) or last_planned
            last_planned = target
            rows.append((month, target, reports.get(month)))
        actuals = [r.actual_progress for _m, _t, r in rows if r is not None]
        today = timezone.localdate().replace(day=1)
        next_month = rules.add_months(max(reports) if reports else today, 1)
        planned_next = services.planned_for(plan, next_month)
        year_end = dt.date((max(reports) if reports else today).year, 12, 1)
        planned_end = services.planned_for(plan, min(year_end, rules.first_of_month(plan.end_date)))
        forecast = (
            rules.forecast(
                actuals,
                planned_next=planned_next[0] if planned_next else None,
                planned_year_end=planned_end[0] if planned_end else None,
                months_to_year_end=12 - (max(reports).month if reports else today.month),
            )
            if actuals
            else None
        )
        year, month = _current_month()
        context.update(
            plan=plan,
            baseline=baseline,
            work_plans=plan.work_plans.order_by("-version"),
            milestones=_milestones(baseline),
            works_projects=visible_projects(user).filter(plan=plan).order_by("tender_number"),
            budgets=plan.budgets.order_by("year", "source"),
            total_budget=services.total_budget(plan),
            rows=rows,
            forecast=forecast,
            s_curve=to_svg(
                charts.s_curve(
                    months,
                    [t.planned_progress if t else None for _m, t, _r in rows],
                    [r.actual_progress if r else None for _m, _t, r in rows],
                ),
                "chart-s-curve",
            ),
            spending_svg=to_svg(
                charts.spending_curve(
                    months,
                    [t.planned_spending if t else None for _m, t, _r in rows],
                    [r for _m, _t, r in rows],
                ),
                "chart-spending",
            ),
            controller=services.is_controller(user),
            may_report=services.may_report(user, plan),
            report_month=dt.date(year, month, 1),
            release_form=ReleaseForm(),
            decision_form=DecisionForm(),
        )
        return context


class ReportFormView(LoginRequiredMixin, View):
    """The agency's monthly report for one plan: prefilled from the month before, checked inline."""

    template_name = "plans/report_form.html"

    def _setup(
        self, request: HttpRequest, code: str, year: int, month: int
    ) -> tuple[Plan, dt.date, ProgressReport | None]:
        plan = _visible_plan(request, code)
        try:
            first = dt.date(year, month, 1)
        except ValueError as exc:
            raise Http404 from exc
        return plan, first, plan.reports.filter(month=first).first()

    def _context(
        self,
        plan: Plan,
        month: dt.date,
        report: ProgressReport | None,
        form: ReportForm,
        request: HttpRequest,
        computed: Any = None,
        milestone_form: MilestoneForm | None = None,
    ) -> dict[str, Any]:
        planned = services.planned_for(plan, month)
        period = services.reporting_month(month)
        return {
            "plan": plan,
            "month": month,
            "report": report,
            "form": form,
            "milestone_form": milestone_form or self._milestone_form(plan),
            "planned": planned,
            "period": period,
            "computed": computed,
            "may_report": services.may_report(request.user, plan),
            "previous": services.previous_report(plan, month),
        }

    @staticmethod
    def _milestone_form(plan: Plan, data: Any = None) -> MilestoneForm | None:
        baseline = services.approved_work_plan(plan)
        if baseline is None or not plan.is_works:
            return None
        milestones = list(baseline.milestones.all())
        return MilestoneForm(data, milestones=milestones) if milestones else None

    def get(self, request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
        plan, first, report = self._setup(request, code, year, month)
        if report is not None:
            initial = {
                name: getattr(report, name) for name in ReportForm.base_fields if name != "revision"
            }
            initial["revision"] = report.revision
        else:
            initial = {**vars(services.prefill(plan, first)), "revision": 0}
            initial["correction_note"] = ""
        form = ReportForm(initial=initial)
        return render(
            request, self.template_name, self._context(plan, first, report, form, request)
        )

    def post(self, request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
        plan, first, report = self._setup(request, code, year, month)
        form = ReportForm(request.POST)
        milestone_form = self._milestone_form(plan, request.POST)
        submit = "submit" in request.POST
        check_only = request.headers.get("HX-Request") == "true" and "check" in request.POST
        milestones_valid = milestone_form is None or milestone_form.is_valid()
        if form.is_valid() and (milestones_valid or check_only):
            data = form.cleaned_data
            values = services.ReportData(
                actual_progress=data["actual_progress"],
                actual_spending=data["actual_spending"],
                award_amount=data["award_amount"],
                narrative=data["narrative"],
                problems=data["problems"],
                help_requested=data["help_requested"],
                lag_cause=data["lag_cause"],
                remedy=data["remedy"],
                remedy_due=data["remedy_due"],
                correction_note=data["correction_note"],
            )
            if check_only:  # htmx: show the computed status and what is still missing
                computed = services.evaluate(plan, first, values, submit=True)
                return render(request, "plans/_report_check.html", {"computed": computed})
            errors_for: Any = form
            try:
                with transaction.atomic():
                    saved = services.save_report(
                        plan, first, values, request.user, submit=submit, revision=data["revision"]
                    )
                    if milestone_form is not None:
                        errors_for = milestone_form
                        services.record_milestones(plan, request.user, milestone_form.cleaned_data)
            except ValidationError as exc:
                add_errors(errors_for, exc)
            else:
                messages.success(
                    request,
                    _("Report submitted.")
                    if submit
                    else _("Draft saved; submit it before the deadline."),
                )
                if saved.late:
                    messages.warning(request, _("Submitted after the deadline: it is marked late."))
                return HttpResponseRedirect(reverse("plans:detail", args=[plan.code]))
        elif check_only:
            return render(request, "plans/_report_check.html", {"form_errors": form.errors})
        return render(
            request,
            self.template_name,
            self._context(plan, first, report, form, request, milestone_form=milestone_form),
            status=400,
        )


class WorkPlanDecisionView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, code: str, version: int) -> HttpResponse:
        plan = _visible_plan(request, code)
        work_plan = get_object_or_404(WorkPlan, plan=plan, version=version)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or return."))
        else:
            try:
                services.decide_work_plan(
                    work_plan,
                    request.user,
                    approve=form.cleaned_data["approve"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Done."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return HttpResponseRedirect(reverse("plans:detail", args=[plan.code]))


class ReleaseView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        plan = _visible_plan(request, code)
        form = ReleaseForm(request.POST)
        reason = form.data.get("reason", "")
        try:
            services.release(plan, request.user, reason)
            messages.success(request, _("The plan is released from control."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return HttpResponseRedirect(reverse("plans:detail", args=[plan.code]))


class ImportView(LoginRequiredMixin, View):
    """Upload the spreadsheet; see every error by row and column before anything is saved."""

    template_name = "plans/import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ImportForm(), "columns": _columns()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form, "columns": _columns()}
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        upload = form.cleaned_data["file"]
        try:
            result = importing.check(upload, upload.name, request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
            return render(request, self.template_name, context, status=400)
        context["result"] = result
        if result.errors and not form.cleaned_data["only_clean"]:
            return render(request, self.template_name, context, status=400)
        importing.save(result, request.user, only_clean=form.cleaned_data["only_clean"])
        context["saved"] = True
        return render(request, self.template_name, context)


def _columns() -> dict[str, list[str]]:
    return {
        "plans": list(importing.PLAN_COLUMNS.values()),
        "months": list(importing.MONTH_COLUMNS.values()),
        "plan_sheet": [importing.PLAN_SHEET],
        "month_sheet": [importing.MONTH_SHEET],
    }


class AnalysisView(LoginRequiredMixin, TemplateView):
    """The monthly analysis report: sentences, status counts, agencies, behind plans, charts."""

    template_name = "plans/analysis.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year, month, form = chosen_year_month(self.request, default=_current_month())
        result = analysis_module.analyse(
            dt.date(year, month, 1), services.visible_plans(self.request.user)
        )
        query = month_query(year, month)
        context.update(
            form=form,
            analysis=result,
            month_start=result.month,
            query=query,
            status_svg=to_svg(charts.status_by_agency(result), "chart-status"),
            trend_svg=to_svg(charts.trend(result), "chart-trend"),
            agency_rows=exports.agency_rows(result),
            headers=exports.headers(),
            legend=charts.legend(),
            download_docx=reverse("plans:analysis_download", args=["docx"]) + "?" + query,
            download_xlsx=reverse("plans:analysis_download", args=["xlsx"]) + "?" + query,
            **neighbours(result.month),
        )
        return context


class AnalysisDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in exports.FORMATS:
            raise Http404
        year, month, _form = chosen_year_month(request, default=_current_month())
        result = analysis_module.analyse(
            dt.date(year, month, 1), services.visible_plans(request.user)
        )
        content, content_type = exports.build(result, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="plan-analysis-{year - 1911:03d}-{month:02d}.{fmt}"'
        )
        record_export(
            ANALYSIS_EXPORT,
            rows=result.overall.total,
            filters={"year": year, "month": month, "format": fmt},
            actor=request.user,
        )
        return response


class SubmissionView(LoginRequiredMixin, TemplateView):
    """Submission rate (填報率) per agency for a month; late and missing reports."""

    template_name = "plans/submission.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year, month, form = chosen_year_month(self.request, default=_current_month())
        first = dt.date(year, month, 1)
        rows = services.submission_rates(self.request.user, first)
        expected = sum(r.expected for r in rows)
        submitted = sum(r.submitted for r in rows)
        missing = (
            services.expected_plans(first, services.visible_plans(self.request.user))
            .exclude(reports__month=first, reports__status="submitted")
            .select_related("agency", "project_manager")
            .order_by("agency__sort_order", "code")
        )
        context.update(
            form=form,
            rows=rows,
            month_start=first,
            deadline=rules.report_deadline(first),
            total_rate=rules.percent_of(submitted, expected),
            expected=expected,
            submitted=submitted,
            missing=missing,
            period=services.reporting_month(first),
            controller=services.is_controller(self.request.user),
            **neighbours(first),
        )
        return context
