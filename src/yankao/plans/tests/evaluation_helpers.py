"""Helpers shared by the year-end evaluation tests: a 2026 round over two agencies' plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yankao.plans import evaluations
from yankao.plans.conftest import make_plan
from yankao.plans.models import Evaluation, EvaluationRound, EvaluationStage

JANUARY_NEXT = dt.date(2027, 1, 15)  # the evaluation of 2026 happens in January 2027


def item_scores(value: Any, **overrides: Any) -> dict[str, Any]:
    """The same score for every default rubric item, unless told otherwise per item."""
    return {code: str(overrides.get(code, value)) for code, _n, _w in evaluations.DEFAULT_RUBRIC}


def open_round(people: dict[str, Any], agencies: dict[str, Any]) -> EvaluationRound:
    """PWB's plan (fixture `plan`) and one EPB plan, evaluated for 2026."""
    make_plan(agencies["epb"], code="115-EPB-001", name="空品改善計畫")
    return evaluations.open_round(2026, people["planner"], today=JANUARY_NEXT)


def evaluation_of(year_round: EvaluationRound, code: str) -> Evaluation:
    return Evaluation.objects.get(round=year_round, plan__code=code)


def score_through(
    evaluation: Evaluation, agency_user: Any, controller: Any, final: Any, *, upto: str = ""
) -> Evaluation:
    """Self-assessment, preliminary and committee scores (stopping after `upto` if given)."""
    for stage, user, value in (
        (EvaluationStage.SELF_ASSESSMENT, agency_user, 95),
        (EvaluationStage.PRELIMINARY, controller, final),
        (EvaluationStage.COMMITTEE, controller, final),
    ):
        evaluation = evaluations.score(evaluation, user, stage, item_scores(value))
        if stage == upto:
            break
    return evaluation
