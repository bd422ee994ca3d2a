"""The monthly report pages and downloads, scoped like every other case page.

Commission case roles and read-only viewers see every agency (the whole city); an agency user
sees only the agencies `visibility` gives it (its own, and a supervisor its second-level units):
the totals, breakdowns and downloads are then computed over those agencies only, and another
agency's page is a 404.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import visibility
from yankao.audit.services import record_export
from yankao.web.months import ReportMonthForm, chosen_year_month, month_query, neighbours

from . import charts, exports, sentences
from .stats import AgencyRow, MonthlyReport, Period, monthly_report

EXPORT_NAME = "case_monthly_report"


def chosen_month(request: HttpRequest) -> tuple[Period, ReportMonthForm]:
    year, month, form = chosen_year_month(request)
    return Period(year, month), form


def report_scope(user: Any) -> Collection[int] | None:
    """None for the whole city, else the agency ids the user may see."""
    seen = visibility(user, BusinessLine.CASES)
    return None if seen.everything else seen.agency_ids


def _with_figures(rows: list[AgencyRow], ytd: bool) -> list[tuple[AgencyRow, Any]]:
    return [(row, row.ytd if ytd else row.month) for row in rows]


class ReportContextMixin(LoginRequiredMixin):
    request: HttpRequest

    def report_context(self, report: MonthlyReport) -> dict[str, Any]:
        period = report.period
        query = month_query(period.year, period.month)
        return {
            "report": report,
            "period": period,
            "month_start": period.first_day,
            "query": query,
            "totals": exports.totals_rows(report),
            "call_centre": [
                (label, exports.display(m, kind), exports.display(y, kind))
                for label, m, y, kind in exports.call_centre_rows(report)
            ],
            "month_sentence": sentences.month_sentence(report),
            "ytd_sentence": sentences.year_to_date_sentence(report),
            "monthly_svg": charts.to_svg(charts.monthly_chart(report), "chart-months"),
            "channel_svg": charts.to_svg(charts.channel_chart(report), "chart-channels"),
            **neighbours(period.first_day),
        }


class MonthlyReportView(ReportContextMixin, TemplateView):
    """The month's report: totals, the agency table and charts, and the downloads."""

    template_name = "cases/reports/monthly.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period, form = chosen_month(self.request)
        report = monthly_report(
            period.year, period.month, agency_ids=report_scope(self.request.user)
        )
        bars = charts.on_time_bars(report.agencies)
        context.update(self.report_context(report))
        context.update(
            form=form,
            month_rows=_with_figures(report.ranking, ytd=False),
            ytd_rows=_with_figures(report.agencies, ytd=True),
            on_time_bars=bars,
            on_time_svg=charts.to_svg(charts.on_time_chart(report, bars), "chart-on-time"),
            download_xlsx=reverse("case_reports:download", args=["xlsx"]) + "?" + context["query"],
            download_docx=reverse("case_reports:download", args=["docx"]) + "?" + context["query"],
        )
        return context


class AgencyReportView(ReportContextMixin, TemplateView):
    """One agency's month: its figures, breakdowns and year; another agency's is a 404."""

    template_name = "cases/reports/agency.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        agency = get_object_or_404(Agency, code=self.kwargs["code"])
        if not visibility(self.request.user, BusinessLine.CASES).allows(agency.pk):
            raise Http404
        period, form = chosen_month(self.request)
        report = monthly_report(period.year, period.month, agency_ids={agency.pk})
        row = report.row_for(agency.pk)
        context.update(self.report_context(report))
        context.update(form=form, agency=agency, row=row)
        return context


class ReportDownloadView(LoginRequiredMixin, View):
    """The month's report as XLSX or DOCX, over the same scope as the page; audited."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in exports.FORMATS:
            raise Http404
        period, _form = chosen_month(request)
        scope = report_scope(request.user)
        report = monthly_report(period.year, period.month, agency_ids=scope)
        content, content_type = exports.build(report, fmt)
        filename = f"case-report-{period.year - 1911:03d}-{period.month:02d}.{fmt}"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        record_export(
            EXPORT_NAME,
            rows=len(report.agencies),
            filters={
                "year": period.year,
                "month": period.month,
                "format": fmt,
                "scope": "city"
                if scope is None
                else sorted(a.agency.code for a in report.agencies),
            },
            actor=request.user,
        )
        return response
