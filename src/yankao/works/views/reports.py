"""Pages of the team's periodic work: the quarterly report and annual statistics (with Word and
Excel downloads), progress verification and training sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yankao.agencies.services import scope_queryset
from yankao.audit.services import record_export
from yankao.web.charts import to_svg
from yankao.web.forms import add_errors
from yankao.web.months import chosen_year_month, month_query, neighbours
from yankao.workdays.forms import year_choices

from .. import report_exports, statistics
from ..models import ProgressVerification, TrainingSession
from ..monitoring_forms import TrainingForm, VerificationForm
from ..services import (
    is_inspection_team,
    require_team,
    visible_inspections,
    visible_monitoring_reports,
    visible_projects,
)
from ..services import training as training_service
from ..services import verification as verification_service

REPORT_EXPORT = "works_statistics"


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", gettext_lazy("Whole year")), *[(q, q) for q in range(1, 5)]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]


def _last_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3  # the quarter before this one
    return (today.year - 1, 4) if quarter == 0 else (today.year, quarter)


def _statistics(request: HttpRequest) -> tuple[statistics.Statistics, PeriodForm, int, int | None]:
    year, quarter = _last_quarter()
    form = PeriodForm(
        {"year": request.GET.get("year", year), "quarter": request.GET.get("quarter", quarter)}
    )
    if form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    user = request.user
    scoped = {
        "inspections": visible_inspections(user),
        "monitoring_reports": visible_monitoring_reports(user),
        "verifications": scope_queryset(ProgressVerification.objects.all(), user),
    }
    stats = (
        statistics.quarterly(year, quarter, **scoped)
        if quarter
        else statistics.annual(year, **scoped)
    )
    return stats, form, year, quarter


class StatisticsView(LoginRequiredMixin, View):
    template_name = "works/statistics.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        stats, form, year, quarter = _statistics(request)
        query = f"year={year}" + (f"&quarter={quarter}" if quarter else "")
        context = {
            "stats": stats,
            "form": form,
            "quarter": quarter,
            "due": statistics.quarter_due(year, quarter) if quarter else None,
            "charts": [
                to_svg(c, f"chart-works-{n}") for n, c in enumerate(report_exports.charts(stats))
            ],
            "headers": report_exports.headers(),
            "result_rows": report_exports.result_rows(stats),
            "tier_rows": report_exports.tier_rows(stats),
            "grade_rows": report_exports.grade_rows(stats),
            "code_rows": report_exports.code_rows(stats),
            "download_docx": reverse("works:statistics_download", args=["docx"]) + "?" + query,
            "download_xlsx": reverse("works:statistics_download", args=["xlsx"]) + "?" + query,
        }
        return render(request, self.template_name, context)


class StatisticsDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in ("docx", "xlsx"):
            raise Http404(_("Unknown format."))
        stats, _form, year, quarter = _statistics(request)
        content, content_type = report_exports.build(stats, fmt)
        name = f"works-{year - 1911:03d}" + (f"-Q{quarter}" if quarter else "") + f".{fmt}"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        record_export(
            REPORT_EXPORT,
            rows=stats.inspections,
            filters={"year": year, "quarter": quarter, "format": fmt},
            actor=request.user,
        )
        return response


class VerificationView(LoginRequiredMixin, View):
    """The month's progress verification: candidates lagging first, each checked on site."""

    template_name = "works/verification.html"

    def _context(
        self, request: HttpRequest, form: VerificationForm | None = None, chosen: int | None = None
    ) -> dict[str, Any]:
        year, month, month_form = chosen_year_month(request)
        first = dt.date(year, month, 1)
        found = verification_service.candidates(first, visible_projects(request.user))
        return {
            "form": month_form,
            "check_form": form or VerificationForm(initial={"checked_on": timezone.localdate()}),
            "chosen": chosen,
            "month_start": first,
            "query": month_query(year, month),
            "candidates": found,
            "verified": sum(1 for c in found if c.verified),
            "target": verification_service.target(),
            "team": is_inspection_team(request.user),
            **neighbours(first),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self._context(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_team(request.user)
        year, month, _f = chosen_year_month(request)
        project = get_object_or_404(visible_projects(request.user), pk=request.POST.get("project"))
        form = VerificationForm(request.POST)
        if form.is_valid():
            try:
                verification_service.record_verification(
                    project, dt.date(year, month, 1), request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Verification recorded."))
                return HttpResponseRedirect(
                    reverse("works:verification") + "?" + month_query(year, month)
                )
        return render(
            request, self.template_name, self._context(request, form, project.pk), status=400
        )


class TrainingView(LoginRequiredMixin, View):
    template_name = "works/training.html"

    def _context(self, request: HttpRequest, form: TrainingForm | None = None) -> dict[str, Any]:
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() and 1912 <= int(raw) <= 2200 else timezone.localdate().year
        return {
            "year": year,
            "sessions": TrainingSession.objects.filter(held_on__year=year),
            "totals": training_service.year_totals(year),
            "form": form or TrainingForm(initial={"hours": 3}),
            "team": is_inspection_team(request.user),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self._context(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_team(request.user)
        form = TrainingForm(request.POST)
        if form.is_valid():
            try:
                training_service.record_training(request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Training session recorded."))
                return HttpResponseRedirect(reverse("works:training"))
        return render(request, self.template_name, self._context(request, form), status=400)
