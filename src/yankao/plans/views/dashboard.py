"""The commission's plan-control dashboard page: status by agency, the agencies × months heat
map and the plans behind, each figure a link down to the plan list and a plan's S-curve.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from yankao.web.charts import heat_legend, to_linked_svg, to_svg
from yankao.workdays.services import calendar_bounds

from .. import dashboard
from ..analysis import NOT_REPORTED, STATUS_ORDER, status_label
from ..forms import DashboardForm
from ..models import ProgressStatus


def _year_query(year: int, month: int | None = None) -> str:
    return urlencode({"year": year, **({"month": month} if month else {})})


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "plans/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        first, last = calendar_bounds()
        year = min(max(today.year, first.year), last.year)
        form = DashboardForm(
            {"year": self.request.GET.get("year", year), "month": self.request.GET.get("month")},
            auto_id="dashboard-%s",
        )
        form.is_valid()
        year = form.cleaned_data.get("year", year)
        month = form.cleaned_data.get("month")
        result = dashboard.build(
            self.request.user,
            year,
            dt.date(year, month, 1) if month else None,
            today=today,
            behind_limit=dashboard.BEHIND_SHOWN,
        )
        status_rows = [
            (
                status_label(s),
                result.overall.counts[s],
                result.overall.share(s),
                dashboard.drill_down(month=result.month, progress=s),
            )
            for s in STATUS_ORDER
        ]
        agency_rows = [
            (
                line,
                [
                    (line.status.counts[s], dashboard.drill_down(line.agency, result.month, s))
                    for s in STATUS_ORDER
                ],
                dashboard.drill_down(line.agency, result.month),
            )
            for line in result.agencies
            if line.status.total
        ]
        heat_rows = [
            (
                line,
                [(cell, dashboard.drill_down(line.agency, cell.month)) for cell in line.cells],
            )
            for line in result.agencies
        ]
        context.update(
            form=form,
            dashboard=result,
            status_rows=status_rows,
            agency_rows=agency_rows,
            heat_rows=heat_rows,
            status_svg=to_svg(dashboard.status_chart(result), "chart-dashboard-status"),
            heat_svg=to_linked_svg(
                dashboard.heat_chart(result, lambda m: "?" + _year_query(m.year, m.month)),
                "chart-dashboard-heat",
            ),
            heat_legend=heat_legend(none_label=_("no report")),
            behind_all=dashboard.drill_down(month=result.month, progress=ProgressStatus.BEHIND),
            not_reported=NOT_REPORTED,
            previous_query=_year_query(year - 1) if year > first.year else "",
            next_query=_year_query(year + 1) if year < last.year else "",
            previous_year=year - 1,
            next_year=year + 1,
        )
        return context
