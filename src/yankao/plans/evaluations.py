"""The year-end evaluation (年終考評) of controlled plans: rounds, rubric, scoring, publication,
results. Plain functions; pages and the API call these.

The commission opens a round for a year with every plan controlled that year and a default
rubric (editable until the first score). Each plan is scored item by item by its agency, then
by the commission, then by the review committee; the committee's total gives the grade. The
commission publishes the round when every plan has its committee score; scores are then frozen.
Visibility follows plan scoping: an agency sees its own plans' evaluations only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import scope_queryset, visibility
from yankao.workdays.roc import format_for_language

from . import evaluation_rules as rules
from . import services
from .models import (
    Evaluation,
    EvaluationRound,
    EvaluationStage,
    EvaluationStatus,
    EvaluationStep,
    Grade,
    Outcome,
    Plan,
    PlanStatus,
    RoundStatus,
    RubricItem,
)
from .workflow import (
    EVALUATION_MOVES,
    STAGE_ACTIONS,
    StageScores,
    check_evaluation_move,
    evaluation_transition,
)

# The rubric a new round starts with; the commission may change it before the first score.
DEFAULT_RUBRIC: list[tuple[str, Any, int]] = [
    ("progress", gettext_lazy("Progress against the work plan"), 30),
    ("budget", gettext_lazy("Budget execution"), 20),
    ("quality", gettext_lazy("Work quality"), 20),
    ("management", gettext_lazy("Reporting and management"), 15),
    ("outcome", gettext_lazy("Results and benefits"), 15),
]
EVALUATED_PLAN_STATUSES = (PlanStatus.CONTROLLED, PlanStatus.RELEASED)


def year_label(year: int) -> str:
    """民國114年 in Chinese, 2025 in English."""
    return format_for_language(dt.date(year, 1, 1), "year")


def default_year(today: dt.date | None = None) -> int:
    """The year just ended: the evaluation is held early in the next year."""
    return (today or timezone.localdate()).year - 1


def grade_label(grade: str) -> str:
    return str(Grade(grade).label) if grade else "—"


# --- Visibility ----------------------------------------------------------------------------


def visible_rounds(user: Any) -> QuerySet[EvaluationRound]:
    """Rounds are the city's; anyone who sees plans sees them (their evaluations are scoped)."""
    seen = visibility(user, BusinessLine.PLANS)
    rounds = EvaluationRound.objects.all()
    return rounds if seen.everything or seen.agency_ids else rounds.none()


def visible_evaluations(user: Any) -> QuerySet[Evaluation]:
    return scope_queryset(
        Evaluation.objects.select_related("round", "plan", "plan__agency"), user
    ).order_by("plan__agency__sort_order", "plan__code")


def results_visible(user: Any, year_round: EvaluationRound) -> bool:
    """Agencies see results once published; the commission also sees them while scoring."""
    return year_round.is_published or services.is_controller(user)


# --- Rounds and rubric ---------------------------------------------------------------------


def controlled_in(year: int) -> QuerySet[Plan]:
    """Plans under control (or released after it) in the year: each is evaluated."""
    return Plan.objects.filter(
        status__in=EVALUATED_PLAN_STATUSES, first_year__lte=year, last_year__gte=year
    )


def weights(year_round: EvaluationRound) -> dict[str, int]:
    return {item.code: item.weight for item in year_round.items.all()}


def bands(year_round: EvaluationRound) -> list[tuple[str, Decimal]]:
    return [(grade, Decimal(str(low))) for grade, low in year_round.grade_bands]


def scoring_started(year_round: EvaluationRound) -> bool:
    return EvaluationStep.objects.filter(evaluation__round=year_round).exists()


@transaction.atomic
def open_round(year: int, user: Any, today: dt.date | None = None) -> EvaluationRound:
    """A round with the default rubric and one evaluation per plan controlled in the year."""
    services._require(services.is_controller(user))
    today = today or timezone.localdate()
    if year > today.year:
        raise ValidationError({"year": _("The year has not begun; it cannot be evaluated yet.")})
    if EvaluationRound.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("%(year)s is already being evaluated.") % {"year": year_label(year)}}
        )
    plans = list(controlled_in(year).order_by("code"))
    if not plans:
        raise ValidationError(
            {"year": _("No plan was controlled in %(year)s.") % {"year": year_label(year)}}
        )
    try:
        with transaction.atomic():
            year_round = EvaluationRound.objects.create(
                year=year,
                opened_by=user,
                grade_bands=[
                    [g, str(low)]
                    for g, low in rules.parse_bands(settings.YANKAO_EVALUATION_GRADE_BANDS)
                ],
                outcomes=rules.parse_outcomes(settings.YANKAO_EVALUATION_OUTCOMES),
            )
    except IntegrityError as exc:  # two controllers at the same moment
        raise ValidationError(
            {"year": _("%(year)s is already being evaluated.") % {"year": year_label(year)}}
        ) from exc
    RubricItem.objects.bulk_create(
        RubricItem(round=year_round, code=code, name=str(name), weight=weight, order=n)
        for n, (code, name, weight) in enumerate(DEFAULT_RUBRIC, start=1)
    )
    Evaluation.objects.bulk_create(Evaluation(round=year_round, plan=plan) for plan in plans)
    return year_round


@dataclass(frozen=True)
class RubricRow:
    code: str
    name: str
    weight: int


def set_rubric(
    year_round: EvaluationRound,
    user: Any,
    rows: list[RubricRow],
    *,
    revision: int,
    grade_bands: list[tuple[str, Decimal]] | None = None,
) -> EvaluationRound:
    """Replace the round's items (and bands) before anyone has scored; all or nothing."""
    services._require(services.is_controller(user))
    errors: list[str] = []
    codes = [r.code.strip() for r in rows]
    for n, row in enumerate(rows, start=1):
        if not row.code.strip() or not row.code.strip().replace("_", "").isalnum():
            errors.append(_("Item %(n)s: give a short code of letters, digits or _.") % {"n": n})
        if not row.name.strip():
            errors.append(_("Item %(n)s: give the item's name.") % {"n": n})
        if not 1 <= row.weight <= 100:
            errors.append(_("Item %(n)s: the weight must be between 1 and 100.") % {"n": n})
    if len(set(codes)) != len(codes):
        errors.append(_("Each item needs its own code."))
    if not rows:
        errors.append(_("The rubric needs at least one item."))
    elif not rules.weights_complete([r.weight for r in rows]):
        errors.append(
            _("The weights add up to %(sum)s; they must add up to 100.")
            % {"sum": sum(r.weight for r in rows)}
        )
    if grade_bands is not None:
        lows = [low for _g, low in grade_bands]
        if (
            any(not Decimal(0) < low <= 100 for low in lows[:-1])
            or lows != sorted(lows, reverse=True)
            or len(set(lows)) != len(lows)
        ):
            errors.append(
                _(
                    "Grade bands: each grade's lowest score must be between 0 and 100 "
                    "and below the better grade's."
                )
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = EvaluationRound.objects.select_for_update().get(pk=year_round.pk)
        if locked.status != RoundStatus.OPEN:
            raise ValidationError(_("The evaluation is published; its rubric is frozen."))
        if locked.revision != revision:
            raise ValidationError(
                _("Someone else changed the rubric after you opened it. Reload the page.")
            )
        if scoring_started(locked):
            raise ValidationError(
                _("Scoring has started; the rubric can no longer change this year.")
            )
        locked.items.all().delete()
        RubricItem.objects.bulk_create(
            RubricItem(
                round=locked, code=r.code.strip(), name=r.name.strip(), weight=r.weight, order=n
            )
            for n, r in enumerate(rows, start=1)
        )
        if grade_bands is not None:
            locked.grade_bands = [[g, str(low)] for g, low in grade_bands]
        locked.revision += 1
        locked.save()
    return locked


# --- Scoring -------------------------------------------------------------------------------


@dataclass
class Preview:
    total: Decimal | None
    grade: str
    errors: dict[str, list[str]] = field(default_factory=dict)


def _as_score(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return Decimal("NaN")


def check_scores(
    year_round: EvaluationRound, stage: str, raw: dict[str, Any]
) -> tuple[dict[str, Decimal], Preview]:
    """Every item scored 0-100 with at most two decimals; the weighted total and its grade."""
    items = list(year_round.items.all())
    errors: dict[str, list[str]] = {}
    scores: dict[str, Decimal] = {}
    for code in set(raw) - {i.code for i in items}:
        errors.setdefault("scores", []).append(
            _("“%(code)s” is not an item of this year's rubric.") % {"code": code}
        )
    for item in items:
        value = _as_score(raw.get(item.code))
        if value is None:
            errors.setdefault(item.code, []).append(
                _("%(item)s: give a score.") % {"item": item.name}
            )
        elif not value.is_finite() or not rules.score_in_range(value):
            errors.setdefault(item.code, []).append(
                _("%(item)s: give a score between 0 and 100 (at most two decimals).")
                % {"item": item.name}
            )
        else:
            scores[item.code] = value
    if errors:
        return scores, Preview(None, "", errors)
    total = rules.weighted_total(scores, weights(year_round))
    grade = rules.grade_for(total, bands(year_round)) if stage == EvaluationStage.COMMITTEE else ""
    return scores, Preview(total, grade)


def preview(evaluation: Evaluation, stage: str, raw: dict[str, Any]) -> Preview:
    """The total and grade as the scorer types (the page shows it inline)."""
    _scores, result = check_scores(evaluation.round, stage, raw)
    if result.total is not None and stage != EvaluationStage.COMMITTEE:
        result.grade = rules.grade_for(result.total, bands(evaluation.round))
    return result


def score(
    evaluation: Evaluation,
    user: Any,
    stage: str,
    raw: dict[str, Any],
    *,
    comment: str = "",
    revision: int | None = None,
) -> Evaluation:
    """Record a stage's item scores; refused (in zh-Hant) for the wrong role, a skipped step,
    after publication, on a stale revision or on a score outside 0-100."""
    action = STAGE_ACTIONS.get(stage)
    if action is None:
        raise ValidationError({"stage": _("Unknown stage: %(stage)s") % {"stage": stage}})
    evaluation = Evaluation.objects.select_related("round", "plan").get(pk=evaluation.pk)
    check_evaluation_move(evaluation, action, user)
    scores, result = check_scores(evaluation.round, stage, raw)
    if result.errors:
        raise ValidationError(result.errors)
    assert result.total is not None
    return evaluation_transition(
        evaluation,
        action,
        user,
        revision=revision,
        scored=StageScores(scores, result.total, result.grade, comment),
    )


def next_stage(evaluation: Evaluation) -> str:
    """The stage whose score the evaluation waits for ("" when scored or published)."""
    for move in EVALUATION_MOVES.values():
        if move.stage and move.target != evaluation.status and evaluation.status in move.sources:
            return move.stage
    return ""


def latest_steps(evaluation: Evaluation) -> dict[str, EvaluationStep]:
    """Each stage's latest scores (earlier ones stay in the history)."""
    found: dict[str, EvaluationStep] = {}
    for step in evaluation.steps.select_related("by").order_by("at", "pk"):
        if step.stage:
            found[step.stage] = step
    return found


# --- Publication ---------------------------------------------------------------------------


@transaction.atomic
def publish(year_round: EvaluationRound, user: Any) -> EvaluationRound:
    """Every plan needs its committee score; then all grades are published and frozen."""
    services._require(services.is_controller(user))
    locked = EvaluationRound.objects.select_for_update().get(pk=year_round.pk)
    if locked.status == RoundStatus.PUBLISHED:
        raise ValidationError(
            _("The %(year)s evaluation is already published.") % {"year": year_label(locked.year)}
        )
    evaluations = list(
        Evaluation.objects.select_for_update(of=("self",))
        .filter(round=locked)
        .select_related("plan")
        .order_by("plan__code")
    )
    waiting = [e for e in evaluations if e.status != EvaluationStatus.SCORED]
    if waiting:
        codes = "、".join(e.plan.code for e in waiting[:10]) + ("…" if len(waiting) > 10 else "")
        raise ValidationError(
            _(
                "%(n)s plans have no committee score yet (%(codes)s); "
                "publish when every plan is scored."
            )
            % {"n": len(waiting), "codes": codes}
        )
    for evaluation in evaluations:
        evaluation_transition(evaluation, "publish", user)
    locked.status = RoundStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = user
    locked.save()
    return locked


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeLine:
    grade: str
    label: str
    count: int
    share: Decimal


@dataclass
class AgencyResult:
    agency: Any
    counts: Counter[str]
    scores: list[Decimal]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> Decimal | None:
        return _average(self.scores)


@dataclass(frozen=True)
class Sanction:
    evaluation: Evaluation
    outcome: str

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass
class Results:
    round: EvaluationRound
    evaluations: list[Evaluation]  # those with a committee score, scoped
    distribution: list[GradeLine]
    agencies: list[AgencyResult]
    sanctions: list[Sanction]

    @property
    def graded(self) -> int:
        return len(self.evaluations)

    @property
    def average(self) -> Decimal | None:
        return _average([e.final_score for e in self.evaluations if e.final_score is not None])

    @property
    def year_label(self) -> str:
        return year_label(self.round.year)

    def sentences(self) -> list[str]:
        """The lines the commission writes to the mayor, out of the data, in ROC years."""
        if not self.evaluations:
            return [
                _(
                    "%(year)s year-end evaluation of controlled plans: no plan has a final score yet."
                )
                % {"year": self.year_label}
            ]
        lines = [
            _(
                "%(year)s year-end evaluation of controlled plans: %(n)s plans graded, "
                "average final score %(avg)s."
            )
            % {"year": self.year_label, "n": self.graded, "avg": self.average}
        ]
        parts = [
            _("%(grade)s: %(count)s plans, %(share)s%%")
            % {"grade": line.label, "count": line.count, "share": line.share}
            for line in self.distribution
            if line.count
        ]
        lines.append(_("%(parts)s.") % {"parts": pgettext("list separator", "; ").join(parts)})
        if self.round.outcomes:
            outcomes = Counter(s.outcome for s in self.sanctions)
            lines.append(
                _("Sent for reward: %(reward)s plans; for penalty: %(penalty)s plans.")
                % {"reward": outcomes[Outcome.REWARD], "penalty": outcomes[Outcome.PENALTY]}
            )
        return lines


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(rules.CENT, ROUND_HALF_UP)


def results(year_round: EvaluationRound, user: Any) -> Results:
    """Grades of the plans the user may see (committee-scored ones while not yet published)."""
    graded = list(
        visible_evaluations(user).filter(
            round=year_round, status__in=(EvaluationStatus.SCORED, EvaluationStatus.PUBLISHED)
        )
    )
    order = [grade for grade, _low in year_round.grade_bands]
    counts = Counter(e.grade for e in graded)
    distribution = [
        GradeLine(g, grade_label(g), counts[g], share)
        for g, share in zip(order, rules.shares([counts[g] for g in order]), strict=True)
    ]
    per_agency: dict[int, AgencyResult] = {}
    for evaluation in graded:
        line = per_agency.setdefault(
            evaluation.plan.agency_id, AgencyResult(evaluation.plan.agency, Counter(), [])
        )
        line.counts[evaluation.grade] += 1
        if evaluation.final_score is not None:
            line.scores.append(evaluation.final_score)
    outcome_order = [Outcome.REWARD, Outcome.PENALTY]
    sanctions = sorted(
        (
            Sanction(e, year_round.outcomes[e.grade])
            for e in graded
            if e.grade in year_round.outcomes
        ),
        key=lambda s: (
            outcome_order.index(s.outcome),
            -(s.evaluation.final_score or 0),
            s.evaluation.plan.code,
        ),
    )
    agencies = sorted(per_agency.values(), key=lambda a: (a.agency.sort_order, a.agency.pk))
    return Results(year_round, graded, distribution, agencies, sanctions)
