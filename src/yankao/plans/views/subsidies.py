"""The central-subsidy projects page: award rate and budget achievement rate, and who holds
them down; with a Word and Excel download."""

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
from yankao.web.months import chosen_year_month, month_query, neighbours

from .. import services, subsidies, subsidy_exports

SUBSIDY_EXPORT = "plan_subsidy_projects"


def _default_month() -> tuple[int, int]:
    month = services.current_report_month()
    return month.year, month.month


class SubsidyView(LoginRequiredMixin, TemplateView):
    template_name = "plans/subsidies.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year, month, form = chosen_year_month(self.request, default=_default_month())
        view = subsidies.subsidy_view(
            dt.date(year, month, 1), services.visible_plans(self.request.user)
        )
        query = month_query(year, month)
        context.update(
            form=form,
            view=view,
            month_start=view.month,
            chart=to_svg(subsidy_exports.achievement_chart(view), "chart-subsidy"),
            agency_rows=subsidy_exports.agency_rows(view),
            headers=subsidy_exports.headers(),
            overdue_rows=subsidy_exports.overdue_rows(view),
            low_rows=subsidy_exports.low_rows(view),
            download_docx=reverse("plans:subsidies_download", args=["docx"]) + "?" + query,
            download_xlsx=reverse("plans:subsidies_download", args=["xlsx"]) + "?" + query,
            **neighbours(view.month),
        )
        return context


class SubsidyDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in ("docx", "xlsx"):
            raise Http404(_("Unknown format."))
        year, month, _form = chosen_year_month(request, default=_default_month())
        view = subsidies.subsidy_view(dt.date(year, month, 1), services.visible_plans(request.user))
        content, content_type = subsidy_exports.build(view, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="subsidy-projects-{year - 1911:03d}-{month:02d}.{fmt}"'
        )
        record_export(
            SUBSIDY_EXPORT,
            rows=view.overall.projects,
            filters={"year": year, "month": month, "format": fmt},
            actor=request.user,
        )
        return response
