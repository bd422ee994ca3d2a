"""The year-end evaluation's workflow: each step in order, who may take it, skipped steps,
the rubric, stale revisions, and scores frozen after publication."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yankao.audit.models import AuditEntry
from yankao.plans import evaluations
from yankao.plans.conftest import make_plan
from yankao.plans.models import (
    Evaluation,
    EvaluationRound,
    EvaluationStage,
    EvaluationStatus,
    EvaluationStep,
    PlanStatus,
    RoundStatus,
)
from yankao.plans.tests.evaluation_helpers import (
    JANUARY_NEXT,
    evaluation_of,
    item_scores,
    open_round,
    score_through,
)
from yankao.plans.workflow import StaleRevision, TransitionError

pytestmark = pytest.mark.django_db

SELF = EvaluationStage.SELF_ASSESSMENT
PRELIMINARY = EvaluationStage.PRELIMINARY
COMMITTEE = EvaluationStage.COMMITTEE


@pytest.fixture
def year_round(plan: Any, people: dict[str, Any], agencies: dict[str, Any]) -> EvaluationRound:
    return open_round(people, agencies)


def messages(exc: pytest.ExceptionInfo[Any]) -> str:
    return " ".join(getattr(exc.value, "messages", [str(exc.value)]))


def test_opening_takes_the_plans_controlled_that_year_and_the_default_rubric(
    plan, people, agencies
):
    make_plan(agencies["epb"], code="115-EPB-001")
    make_plan(agencies["epb"], code="115-EPB-002", status=PlanStatus.RELEASED)
    make_plan(agencies["epb"], code="115-EPB-003", status=PlanStatus.CANCELLED)
    make_plan(
        agencies["epb"],
        code="116-EPB-001",
        first_year=2027,
        last_year=2027,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    year_round = evaluations.open_round(2026, people["planner"], today=JANUARY_NEXT)
    codes = set(year_round.evaluations.values_list("plan__code", flat=True))
    assert codes == {plan.code, "115-EPB-001", "115-EPB-002"}
    assert sum(evaluations.weights(year_round).values()) == 100
    assert year_round.grade_bands[0] == ["excellent", "90"]
    assert year_round.outcomes == {"excellent": "reward", "c": "penalty"}
    assert AuditEntry.objects.filter(action="create", target_type__contains="evaluationround")


@pytest.mark.parametrize(
    ("year", "message"),
    [(2028, "尚未開始"), (2020, "沒有列管")],
)
def test_opening_refuses_a_future_year_or_a_year_without_plans(plan, people, year, message):
    with pytest.raises(ValidationError) as exc:
        evaluations.open_round(year, people["planner"], today=JANUARY_NEXT)
    assert message in messages(exc)


def test_only_controllers_open_a_round_and_only_once(plan, people):
    with pytest.raises(PermissionDenied):
        evaluations.open_round(2026, people["pwb_officer"], today=JANUARY_NEXT)
    evaluations.open_round(2026, people["planner"], today=JANUARY_NEXT)
    with pytest.raises(ValidationError) as exc:
        evaluations.open_round(2026, people["admin"], today=JANUARY_NEXT)
    assert "民國115年" in messages(exc)


def test_each_step_in_order_by_the_right_people(year_round, plan, people):
    evaluation = evaluation_of(year_round, plan.code)
    assert evaluations.next_stage(evaluation) == SELF
    scored = evaluations.score(
        evaluation,
        people["pwb_officer"],
        SELF,
        item_scores(90, progress="100"),
        comment="如期完成",
        revision=1,
    )
    assert scored.status == EvaluationStatus.PRELIMINARY and scored.self_score == Decimal(93)
    scored = evaluations.score(scored, people["planner"], PRELIMINARY, item_scores(85))
    assert scored.status == EvaluationStatus.COMMITTEE and scored.preliminary_score == 85
    scored = evaluations.score(scored, people["planner"], COMMITTEE, item_scores("89.99"))
    assert scored.status == EvaluationStatus.SCORED
    assert scored.final_score == Decimal("89.99") and scored.grade == "a"
    steps = list(scored.steps.order_by("pk"))
    assert [s.action for s in steps] == ["self_assess", "preliminary", "committee"]
    assert steps[0].by == people["pwb_officer"] and steps[0].comment == "如期完成"
    assert steps[0].scores["progress"] == "100" and steps[0].at is not None
    assert steps[2].by == people["planner"] and steps[2].grade == "a"
    assert AuditEntry.objects.filter(action="status", target_id=str(scored.pk)).count() == 3


def test_a_stage_may_score_again_until_the_next_one_has_and_history_is_kept(
    year_round, plan, people
):
    evaluation = evaluation_of(year_round, plan.code)
    first = evaluations.score(evaluation, people["pwb_officer"], SELF, item_scores(80))
    again = evaluations.score(first, people["pwb_officer"], SELF, item_scores(82))
    assert again.self_score == 82 and again.steps.count() == 2
    assert list(again.steps.values_list("total", flat=True)) == [Decimal(80), Decimal(82)]
    later = evaluations.score(again, people["planner"], PRELIMINARY, item_scores(70))
    with pytest.raises(TransitionError) as exc:
        evaluations.score(later, people["pwb_officer"], SELF, item_scores(99))
    assert "後續階段" in messages(exc)
    latest = evaluations.latest_steps(Evaluation.objects.get(pk=later.pk))
    assert latest[SELF].total == 82 and latest[PRELIMINARY].total == 70


def test_skipping_a_step_is_refused_and_says_which_comes_first(year_round, plan, people):
    evaluation = evaluation_of(year_round, plan.code)
    with pytest.raises(TransitionError) as exc:
        evaluations.score(evaluation, people["planner"], PRELIMINARY, item_scores(80))
    assert "自評" in messages(exc)
    with pytest.raises(TransitionError) as exc:
        evaluations.score(evaluation, people["planner"], COMMITTEE, item_scores(80))
    assert "自評" in messages(exc)
    after_self = evaluations.score(evaluation, people["pwb_officer"], SELF, item_scores(80))
    with pytest.raises(TransitionError) as exc:
        evaluations.score(after_self, people["planner"], COMMITTEE, item_scores(80))
    assert "初評" in messages(exc)
    assert not EvaluationStep.objects.exclude(action="self_assess").exists()


@pytest.mark.parametrize(
    ("who", "stage"),
    [
        ("planner", SELF),  # the commission does not self-assess for the agency
        ("epb_officer", SELF),  # another agency
        ("viewer", SELF),  # read-only
        ("pwb_officer", PRELIMINARY),
        ("pwb_chief", COMMITTEE),
        ("rdec_case", PRELIMINARY),  # commission, but not plan control
    ],
)
def test_wrong_role_is_refused(year_round, plan, people, who, stage):
    evaluation = evaluation_of(year_round, plan.code)
    if stage != SELF:
        evaluation = evaluations.score(evaluation, people["pwb_officer"], SELF, item_scores(80))
    with pytest.raises(PermissionDenied):
        evaluations.score(evaluation, people[who], stage, item_scores(80))


def test_supervisor_of_the_agency_may_self_assess_a_second_level_plan(year_round, people, agencies):
    road_plan = make_plan(agencies["road"], code="115-ROAD-001")
    extra = Evaluation.objects.create(round=year_round, plan=road_plan)
    done = evaluations.score(extra, people["pwb_chief"], SELF, item_scores(80))
    assert done.status == EvaluationStatus.PRELIMINARY


@pytest.mark.parametrize(
    ("value", "message"),
    [("101", "0至100"), ("-1", "0至100"), ("80.123", "0至100"), ("abc", "0至100"), ("", "請評分")],
)
def test_bad_scores_are_refused_in_chinese(year_round, plan, people, value, message):
    evaluation = evaluation_of(year_round, plan.code)
    with pytest.raises(ValidationError) as exc:
        evaluations.score(evaluation, people["pwb_officer"], SELF, item_scores(80, quality=value))
    assert "quality" in exc.value.message_dict
    assert message in exc.value.message_dict["quality"][0]
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.SELF_ASSESSMENT


def test_unknown_items_and_stages_are_refused(year_round, plan, people):
    evaluation = evaluation_of(year_round, plan.code)
    with pytest.raises(ValidationError) as exc:
        evaluations.score(
            evaluation, people["pwb_officer"], SELF, {**item_scores(80), "bonus": "5"}
        )
    assert "bonus" in messages(exc)
    with pytest.raises(ValidationError):
        evaluations.score(evaluation, people["pwb_officer"], "mayor", item_scores(80))


def test_stale_revision_is_refused_not_overwritten(year_round, plan, people):
    evaluation = evaluation_of(year_round, plan.code)
    opened_with = evaluation.revision
    evaluations.score(
        evaluation, people["pwb_officer"], SELF, item_scores(80), revision=opened_with
    )
    with pytest.raises(StaleRevision) as exc:
        evaluations.score(
            evaluation, people["pwb_chief"], SELF, item_scores(60), revision=opened_with
        )
    assert "重新載入" in messages(exc)
    assert Evaluation.objects.get(pk=evaluation.pk).self_score == 80


def test_publication_needs_every_committee_score_then_freezes(year_round, plan, people):
    pwb = evaluation_of(year_round, plan.code)
    epb = evaluation_of(year_round, "115-EPB-001")
    score_through(pwb, people["pwb_officer"], people["planner"], 92)
    with pytest.raises(ValidationError) as exc:
        evaluations.publish(year_round, people["planner"])
    assert "115-EPB-001" in messages(exc) and "1" in messages(exc)
    score_through(epb, people["epb_officer"], people["planner"], 65)
    with pytest.raises(PermissionDenied):
        evaluations.publish(year_round, people["pwb_officer"])
    published = evaluations.publish(year_round, people["planner"])
    assert published.status == RoundStatus.PUBLISHED and published.published_by == people["planner"]
    assert set(year_round.evaluations.values_list("status", flat=True)) == {"published"}
    assert EvaluationStep.objects.filter(action="publish").count() == 2
    frozen = evaluation_of(year_round, plan.code)
    assert frozen.grade == "excellent" and frozen.final_score == 92
    for stage, user in ((COMMITTEE, "planner"), (SELF, "pwb_officer")):
        with pytest.raises(TransitionError) as exc:
            evaluations.score(frozen, people[user], stage, item_scores(50))
        assert "公布" in messages(exc) and "凍結" in messages(exc)
    with pytest.raises(ValidationError):
        evaluations.publish(year_round, people["planner"])
    assert evaluation_of(year_round, plan.code).final_score == 92


def test_rubric_changes_before_scoring_only_with_weights_summing_to_100(year_round, plan, people):
    rows = [
        evaluations.RubricRow("progress", "執行進度", 40),
        evaluations.RubricRow("budget", "經費執行", 30),
        evaluations.RubricRow("quality", "執行品質", 20),
    ]
    with pytest.raises(ValidationError) as exc:
        evaluations.set_rubric(year_round, people["planner"], rows, revision=1)
    assert "90" in messages(exc) and "100" in messages(exc)
    with pytest.raises(PermissionDenied):
        evaluations.set_rubric(year_round, people["pwb_officer"], rows, revision=1)
    rows.append(evaluations.RubricRow("review", "評核小組意見", 10))
    bands = [("excellent", Decimal(95)), ("a", Decimal(85)), ("b", Decimal(75)), ("c", Decimal(0))]
    changed = evaluations.set_rubric(
        year_round, people["planner"], rows, revision=1, grade_bands=bands
    )
    assert evaluations.weights(changed) == {
        "progress": 40,
        "budget": 30,
        "quality": 20,
        "review": 10,
    }
    assert changed.grade_bands[0] == ["excellent", "95"]
    with pytest.raises(ValidationError) as exc:  # opened before the change: stale
        evaluations.set_rubric(year_round, people["planner"], rows, revision=1)
    assert "重新載入" in messages(exc)
    evaluation = evaluation_of(year_round, plan.code)
    evaluations.score(
        evaluation,
        people["pwb_officer"],
        SELF,
        {"progress": "90", "budget": "90", "quality": "90", "review": "90"},
    )
    with pytest.raises(ValidationError) as exc:
        evaluations.set_rubric(year_round, people["planner"], rows, revision=changed.revision)
    assert "已開始評分" in messages(exc)


def test_grade_bands_of_the_round_not_of_todays_settings(year_round, plan, people, settings):
    settings.YANKAO_EVALUATION_GRADE_BANDS = ["excellent:95", "a:85", "b:75", "c:0"]
    done = score_through(
        evaluation_of(year_round, plan.code), people["pwb_officer"], people["planner"], 90
    )
    assert done.grade == "excellent"


def test_demo_publishes_last_years_evaluation_through_the_workflow(people, agencies):
    import random

    from yankao.core.demo import DemoContext
    from yankao.plans.demo_evaluation import populate_evaluation

    context = DemoContext(scale=1, rng=random.Random(7), progress=lambda items, **_k: items)
    made = populate_evaluation(context, year=2025)
    assert made is not None and made.status == RoundStatus.PUBLISHED
    assert made.evaluations.filter(status=EvaluationStatus.PUBLISHED).count() == 104
    assert EvaluationStep.objects.filter(action="committee").count() == 104
    sentences = evaluations.results(made, people["planner"]).sentences()
    assert sentences[0].startswith("民國114年度列管計畫年終考評共評定104案")
    assert "案，佔" in sentences[1] and sentences[1].endswith("。")
    assert populate_evaluation(context, year=2025) is None  # idempotent
