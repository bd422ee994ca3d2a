"""Pages of the year-end evaluation (年終考評): rounds, the rubric, scoring each plan stage by
stage, publication and the results with their Word and Excel downloads. Every page goes through
`evaluations` scoping: an agency sees its own plans only; another agency's plan is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yankao.audit.services import record_export
from yankao.web.charts import to_svg
from yankao.web.forms import add_errors

from .. import evaluation_exports as exports
from .. import evaluations, services
from ..evaluation_forms import GradeBandForm, OpenRoundForm, RubricFormSet, ScoreForm
from ..models import Evaluation, EvaluationRound, EvaluationStage, EvaluationStatus
from ..workflow import (
    EVALUATION_ACTION_LABELS,
    EVALUATION_MOVES,
    StaleRevision,
    allowed_evaluation_actions,
)

RESULTS_EXPORT = "plan_evaluation_results"
STAGES = list(EvaluationStage)


def _require_controller(request: HttpRequest) -> None:
    if not services.is_controller(request.user):
        raise PermissionDenied(_("Only the commission's plan controllers run the evaluation."))


def _visible_round(request: HttpRequest, year: int) -> EvaluationRound:
    return get_object_or_404(evaluations.visible_rounds(request.user), year=year)


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(exc, "messages", [str(exc)]))


class RoundListView(LoginRequiredMixin, View):
    """Every year evaluated so far; the commission opens the next one here."""

    template_name = "plans/evaluation_rounds.html"

    def _context(self, request: HttpRequest, form: OpenRoundForm | None) -> dict[str, Any]:
        controller = services.is_controller(request.user)
        mine = evaluations.visible_evaluations(request.user)
        rounds = evaluations.visible_rounds(request.user).annotate(
            n_plans=Count("evaluations", filter=Q(evaluations__in=mine)),
            n_scored=Count(
                "evaluations",
                filter=Q(
                    evaluations__in=mine.filter(
                        status__in=(EvaluationStatus.SCORED, EvaluationStatus.PUBLISHED)
                    )
                ),
            ),
        )
        if form is None and controller:
            form = OpenRoundForm(initial={"year": evaluations.default_year()})
        listed = list(rounds)
        for year_round in listed:
            year_round.label = evaluations.year_label(year_round.year)
        return {"rounds": listed, "form": form, "controller": controller}

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self._context(request, None))

    def post(self, request: HttpRequest) -> HttpResponse:
        _require_controller(request)
        form = OpenRoundForm(request.POST)
        if form.is_valid():
            try:
                opened = evaluations.open_round(form.cleaned_data["year"], request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The %(year)s evaluation is open: %(n)s plans await self-assessment.")
                    % {
                        "year": evaluations.year_label(opened.year),
                        "n": opened.evaluations.count(),
                    },
                )
                return HttpResponseRedirect(reverse("plans:evaluation_round", args=[opened.year]))
        return render(request, self.template_name, self._context(request, form), status=400)


class RoundDetailView(LoginRequiredMixin, View):
    """The year's plans with their stage and scores (the agency: its own plans)."""

    template_name = "plans/evaluation_round.html"

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        year_round = _visible_round(request, year)
        rows = evaluations.visible_evaluations(request.user).filter(round=year_round)
        counts = dict.fromkeys(EvaluationStatus.values, 0)
        for status, n in rows.values_list("status").annotate(n=Count("pk")).order_by():
            counts[status] = n
        chosen = request.GET.get("status", "")
        if chosen in EvaluationStatus.values:
            rows = rows.filter(status=chosen)
        controller = services.is_controller(request.user)
        waiting = sum(n for s, n in counts.items() if s != EvaluationStatus.SCORED)
        return render(
            request,
            self.template_name,
            {
                "round": year_round,
                "year_label": evaluations.year_label(year),
                "items": year_round.items.all(),
                "bands": [
                    (evaluations.grade_label(g), low) for g, low in evaluations.bands(year_round)
                ],
                "rows": rows,
                "tabs": [
                    (s, EvaluationStatus(s).label, counts[s]) for s in EvaluationStatus.values
                ],
                "chosen": chosen,
                "total": sum(counts.values()),
                "controller": controller,
                "may_edit_rubric": controller
                and not year_round.is_published
                and not evaluations.scoring_started(year_round),
                "may_publish": controller and not year_round.is_published and waiting == 0,
                "waiting": waiting,
            },
        )


class RubricView(LoginRequiredMixin, View):
    """The items, weights and grade bands, changed before the first score only."""

    template_name = "plans/evaluation_rubric.html"

    def _context(
        self, year_round: EvaluationRound, formset: Any, bands: GradeBandForm
    ) -> dict[str, Any]:
        return {
            "round": year_round,
            "year_label": evaluations.year_label(year_round.year),
            "formset": formset,
            "bands": bands,
            "started": evaluations.scoring_started(year_round),
        }

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        _require_controller(request)
        year_round = _visible_round(request, year)
        formset = RubricFormSet(
            initial=[
                {"code": i.code, "name": i.name, "weight": i.weight} for i in year_round.items.all()
            ],
            prefix="item",
        )
        bands = GradeBandForm(year_round=year_round)
        return render(request, self.template_name, self._context(year_round, formset, bands))

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        _require_controller(request)
        year_round = _visible_round(request, year)
        formset = RubricFormSet(request.POST, prefix="item")
        bands = GradeBandForm(request.POST, year_round=year_round)
        if formset.is_valid() and bands.is_valid():
            rows = [
                evaluations.RubricRow(
                    form.cleaned_data.get("code") or "",
                    form.cleaned_data.get("name") or "",
                    form.cleaned_data.get("weight") or 0,
                )
                for form in formset.forms
                if form.has_content()
            ]
            try:
                evaluations.set_rubric(
                    year_round,
                    request.user,
                    rows,
                    revision=bands.cleaned_data["revision"],
                    grade_bands=bands.bands(),
                )
            except ValidationError as exc:
                add_errors(bands, exc)
            else:
                messages.success(request, _("The rubric is saved."))
                return HttpResponseRedirect(reverse("plans:evaluation_round", args=[year]))
        return render(
            request, self.template_name, self._context(year_round, formset, bands), status=400
        )


class PublishView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year_round = _visible_round(request, year)
        try:
            evaluations.publish(year_round, request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _refusal(exc))
            return HttpResponseRedirect(reverse("plans:evaluation_round", args=[year]))
        messages.success(request, _("The grades are published; the scores are now frozen."))
        return HttpResponseRedirect(reverse("plans:evaluation_results", args=[year]))


def _visible_evaluation(request: HttpRequest, year: int, code: str) -> Evaluation:
    return get_object_or_404(
        evaluations.visible_evaluations(request.user), round__year=year, plan__code=code
    )


class EvaluationView(LoginRequiredMixin, View):
    """One plan's evaluation: scores by stage, the history, and the form of the next step."""

    template_name = "plans/evaluation_detail.html"

    @staticmethod
    def _form_stage(evaluation: Evaluation, user: Any) -> str:
        """The stage this user scores now: the one awaited, else the one they may correct."""
        stages = [EVALUATION_MOVES[a].stage for a in allowed_evaluation_actions(evaluation, user)]
        awaited = evaluations.next_stage(evaluation)
        if awaited in stages:
            return awaited
        return stages[-1] if stages else ""

    def _context(
        self, request: HttpRequest, evaluation: Evaluation, form: ScoreForm | None = None
    ) -> dict[str, Any]:
        items = list(evaluation.round.items.all())
        latest = evaluations.latest_steps(evaluation)
        stage = self._form_stage(evaluation, request.user)
        if form is None and stage:
            start_from = latest.get(stage)
            if start_from is None:  # the stage before, as a starting point
                earlier = STAGES[: STAGES.index(EvaluationStage(stage))]
                start_from = next((latest[s] for s in reversed(earlier) if s in latest), None)
            initial: dict[str, Any] = {"stage": stage, "revision": evaluation.revision}
            if start_from is not None:
                initial.update(start_from.scores)
            form = ScoreForm(initial=initial, items=items)
        table = [
            (item, [latest[s].scores.get(item.code, "—") if s in latest else "—" for s in STAGES])
            for item in items
        ]
        return {
            "evaluation": evaluation,
            "round": evaluation.round,
            "year_label": evaluations.year_label(evaluation.round.year),
            "stages": [(s.label, latest.get(s)) for s in STAGES],
            "table": table,
            "steps": [
                (step, EVALUATION_ACTION_LABELS.get(step.action, step.action))
                for step in evaluation.steps.select_related("by").order_by("at", "pk")
            ],
            "form": form,
            "form_stage": EvaluationStage(stage).label if stage else "",
            "correcting": bool(stage) and stage in latest,
        }

    def get(self, request: HttpRequest, year: int, code: str) -> HttpResponse:
        evaluation = _visible_evaluation(request, year, code)
        return render(request, self.template_name, self._context(request, evaluation))

    def post(self, request: HttpRequest, year: int, code: str) -> HttpResponse:
        evaluation = _visible_evaluation(request, year, code)
        form = ScoreForm(request.POST, items=list(evaluation.round.items.all()))
        if not form.is_valid():
            return render(
                request, self.template_name, self._context(request, evaluation, form), status=400
            )
        stage = form.cleaned_data["stage"]
        if request.headers.get("HX-Request") == "true" and "check" in request.POST:
            result = evaluations.preview(evaluation, stage, form.raw_scores())
            return render(
                request,
                "plans/_evaluation_preview.html",
                {"preview": result, "grade": evaluations.grade_label(result.grade)},
            )
        try:
            evaluations.score(
                evaluation,
                request.user,
                stage,
                form.raw_scores(),
                comment=form.cleaned_data["comment"],
                revision=form.cleaned_data["revision"],
            )
        except StaleRevision as exc:
            add_errors(form, exc)
            return render(
                request, self.template_name, self._context(request, evaluation, form), status=409
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return render(
                request, self.template_name, self._context(request, evaluation, form), status=400
            )
        messages.success(
            request,
            _("%(stage)s recorded.") % {"stage": EvaluationStage(stage).label},
        )
        return HttpResponseRedirect(reverse("plans:evaluation", args=[year, evaluation.plan.code]))


def _results(request: HttpRequest, year: int) -> evaluations.Results:
    year_round = _visible_round(request, year)
    if not evaluations.results_visible(request.user, year_round):
        raise Http404
    return evaluations.results(year_round, request.user)


class ResultsView(LoginRequiredMixin, View):
    """The distribution sentence, its chart, agencies, and the reward/penalty list."""

    template_name = "plans/evaluation_results.html"

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        year_round = _visible_round(request, year)
        if not evaluations.results_visible(request.user, year_round):
            return render(
                request,
                self.template_name,
                {"round": year_round, "year_label": evaluations.year_label(year)},
            )
        result = evaluations.results(year_round, request.user)
        return render(
            request,
            self.template_name,
            {
                "round": year_round,
                "year_label": result.year_label,
                "results": result,
                "headers": exports.headers(result),
                "distribution_rows": exports.distribution_rows(result),
                "agency_rows": exports.agency_rows(result),
                "distribution_svg": to_svg(exports.distribution_chart(result), "chart-grades"),
                "agency_svg": to_svg(exports.agency_chart(result), "chart-agency-grades")
                if result.agencies
                else "",
                "download_docx": reverse("plans:evaluation_download", args=[year, "docx"]),
                "download_xlsx": reverse("plans:evaluation_download", args=[year, "xlsx"]),
            },
        )


class ResultsDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, year: int, fmt: str) -> HttpResponse:
        if fmt not in exports.FORMATS:
            raise Http404
        result = _results(request, year)
        content, content_type = exports.build(result, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="plan-evaluation-{year - 1911:03d}.{fmt}"'
        )
        record_export(
            RESULTS_EXPORT,
            rows=result.graded,
            filters={"year": year, "format": fmt},
            actor=request.user,
        )
        return response
