"""Central-subsidy projects through the API: the same figures as the page, scoped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services, subsidies


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _figures(f: subsidies.SubsidyFigures) -> dict[str, Any]:
    return {
        "projects": f.projects,
        "award_due": f.award_due,
        "awarded": f.awarded,
        "award_rate": _text(f.award_rate),
        "planned_spending": str(f.planned_spending),
        "actual_spending": str(f.actual_spending),
        "achievement_rate": _text(f.achievement_rate),
    }


class SubsidyView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("month", int, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="Central-subsidy projects: award rate and budget achievement rate",
    )
    def get(self, request: Request) -> Response:
        try:
            first = dt.date(
                int(request.query_params["year"]), int(request.query_params["month"]), 1
            )
        except (KeyError, ValueError):
            raise serializers.ValidationError(
                {"month": _("Give year and month, e.g. year=2026&month=3.")}
            ) from None
        view = subsidies.subsidy_view(first, services.visible_plans(request.user))
        return Response(
            {
                "month": first.isoformat(),
                "sentences": view.sentences(),
                "overall": _figures(view.overall),
                "agencies": [
                    {"agency_code": a.agency.code, **_figures(a.figures)} for a in view.agencies
                ],
                "award_overdue": [
                    {"plan_code": p.plan.code, "planned_award_date": p.award_planned}
                    for p in view.award_overdue
                ],
                "low_achievement": [
                    {
                        "plan_code": p.plan.code,
                        "achievement_rate": _text(p.report.execution_rate if p.report else None),
                        "shortfall": str(p.shortfall),
                    }
                    for p in view.low_achievement
                ],
            }
        )


urlpatterns = [path("plan-subsidies/", SubsidyView.as_view(), name="plan-subsidies")]
