"""REST API of the plan-control dashboard: the same figures as the page, as JSON.

Scoped like the page (an agency sees its own plans only); counted in the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yankao.web.months import ReportMonthForm

from .. import dashboard
from ..analysis import STATUS_ORDER, StatusCounts


def _counts(figures: StatusCounts) -> dict[str, Any]:
    return {
        "total": figures.total,
        "by_status": {
            key: {"count": n, "share": str(share)} for key, _l, n, share in figures.rows()
        },
    }


def _cell(cell: dashboard.MonthCell) -> dict[str, Any]:
    return {
        "month": cell.month.isoformat(),
        "expected": cell.expected,
        "reported": cell.reported,
        "ahead": cell.ahead,
        "on_schedule": cell.on_schedule,
        "behind": cell.behind,
        "late": cell.late,
        "due": cell.due,
        "missing": cell.gap,
        "behind_share": None if cell.behind_share is None else str(cell.behind_share),
    }


class DashboardView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Default: this year (Taiwan time)."),
            OpenApiParameter(
                "month",
                int,
                description="Month (1-12) of the status counts and behind plans. "
                "Default: the latest month of the year whose reports were due.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="The plan-control dashboard: status per agency, agencies × months, behind plans",
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        form = ReportMonthForm(
            {
                "year": request.query_params.get("year", today.year),
                "month": request.query_params.get("month", 1),  # 1: only to validate the year
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
                or {"year": [_("Give a year, e.g. year=2026.")]}
            )
        year = form.cleaned_data["year"]
        month = form.cleaned_data["month"] if "month" in request.query_params else None
        result = dashboard.build(
            request.user, year, dt.date(year, month, 1) if month else None, today=today
        )
        return Response(
            {
                "year": result.year,
                "month": result.month.isoformat(),
                "statuses": list(STATUS_ORDER),
                "overall": _counts(result.overall),
                "agencies": [
                    {
                        "agency_code": line.agency.code,
                        "agency": str(line.agency),
                        **_counts(line.status),
                        "months": [_cell(c) for c in line.cells],
                    }
                    for line in result.agencies
                ],
                "totals": [_cell(c) for c in result.totals],
                "behind": [
                    {
                        "plan_code": r.plan.code,
                        "plan_name": r.plan.name,
                        "agency_code": r.plan.agency.code,
                        "planned_progress": str(r.planned_progress),
                        "actual_progress": str(r.actual_progress),
                        "lag": str(r.lag),
                        "lag_cause": r.lag_cause,
                        "remedy": r.remedy,
                        "remedy_due": r.remedy_due,
                    }
                    for r in result.behind
                ],
            }
        )


urlpatterns = [path("plan-dashboard/", DashboardView.as_view(), name="plan-dashboard")]
