"""The bimonthly progress report page and its downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from yankao.audit.services import record_export
from yankao.web.charts import to_svg
from yankao.web.months import chosen_year_month, month_query

from .. import bimonthly, bimonthly_exports, charts, exports, rules, services

BIMONTHLY_EXPORT = "plan_bimonthly_report"


def _default() -> tuple[int, int]:
    """The last period that is over."""
    first, _last = bimonthly.period_of(services.current_report_month())
    before = rules.add_months(first, -1)
    return before.year, before.month


def _report(request: HttpRequest) -> tuple[bimonthly.Bimonthly, Any]:
    year, month, form = chosen_year_month(request, default=_default())
    report = bimonthly.bimonthly(
        dt.date(year, month, 1), services.visible_plans(request.user), request.user
    )
    return report, form


class BimonthlyView(LoginRequiredMixin, TemplateView):
    template_name = "plans/bimonthly.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report, form = _report(self.request)
        query = month_query(report.last.year, report.last.month)
        before = rules.add_months(report.first, -1)
        after = rules.add_months(report.last, 2)
        context.update(
            form=form,
            report=report,
            headers=bimonthly_exports.headers(),
            behind_headers=exports.headers()["behind"],
            agency_rows=bimonthly_exports.agency_rows(report),
            status_svg=to_svg(charts.status_by_agency(report.current), "chart-status"),
            trend_svg=to_svg(charts.trend(report.current), "chart-trend"),
            previous_query=month_query(before.year, before.month),
            next_query=month_query(after.year, after.month),
            download_docx=reverse("plans:bimonthly_download", args=["docx"]) + "?" + query,
            download_xlsx=reverse("plans:bimonthly_download", args=["xlsx"]) + "?" + query,
        )
        return context


class BimonthlyDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in ("docx", "xlsx"):
            raise Http404(_("Unknown format."))
        report, _form = _report(request)
        content, content_type = bimonthly_exports.build(report, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="plan-bimonthly-{report.first.year - 1911:03d}-'
            f'{report.first.month:02d}-{report.last.month:02d}.{fmt}"'
        )
        record_export(
            BIMONTHLY_EXPORT,
            rows=report.current.overall.total,
            filters={"first": report.first.isoformat(), "format": fmt},
            actor=request.user,
        )
        return response
