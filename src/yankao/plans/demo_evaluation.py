"""Demo step: last year's year-end evaluation, published, so the results page has a real year.

The plans step makes this year's plans; last year's controlled plans (released at year end) are
made here, about 104 of them over the same agencies. Each is then scored through the real
workflow (agency self-assessment, commission preliminary, committee) and the year published,
so the steps, audit entries and grades are what production would hold.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yankao.agencies.models import AgencyKind, User
from yankao.agencies.roles import RoleCode
from yankao.agencies.services import rdec_code
from yankao.core.demo import DemoContext

from . import evaluations
from .demo import POLICY_WORDS, WORKS_WORDS
from .models import (
    EvaluationRound,
    EvaluationStage,
    FundSource,
    Plan,
    PlanBudget,
    PlanKind,
    PlanStatus,
)

PLANS_PER_SCALE = 104
CENT = Decimal("0.01")
# Committee totals drawn around these centres: mostly 乙等 and 甲等, a few 優等 and 丙等.
CENTRES = [(0.10, 92.0), (0.30, 84.0), (0.48, 75.0), (0.12, 66.0)]


def populate(context: DemoContext) -> None:
    populate_evaluation(context)


def _score(value: float) -> Decimal:
    return Decimal(str(min(100.0, max(0.0, value)))).quantize(CENT)


def _last_year_plans(context: DemoContext, year: int, managers: dict[int, User]) -> list[Plan]:
    rng = context.rng
    agencies = [m.agency for m in managers.values()]
    total = PLANS_PER_SCALE * max(1, context.scale)
    plans = []
    for n in range(total):
        agency = agencies[n % len(agencies)]
        is_works = rng.random() < 0.55
        place = agency.district or agency.name_zh.replace("高雄市政府", "")
        plan = Plan.objects.create(
            code=f"{year - 1911}-{n + 1:04d}",
            name=f"{place}{rng.choice(WORKS_WORDS if is_works else POLICY_WORDS)}",
            kind=PlanKind.POLICY if rng.random() < 0.7 else PlanKind.MAYOR_INSTRUCTION,
            first_year=year,
            last_year=year,
            agency=agency,
            project_manager=managers[agency.pk],
            is_works=is_works,
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 12, 31),
            status=PlanStatus.RELEASED,
            release_reason="年度計畫執行完畢，解除列管。",
        )
        PlanBudget.objects.create(
            plan=plan,
            year=year,
            source=FundSource.CITY,
            amount=Decimal(rng.randrange(5, 300) * 1_000_000),
        )
        plans.append(plan)
    return plans


def populate_evaluation(context: DemoContext, year: int | None = None) -> EvaluationRound | None:
    """Open, score and publish the year's evaluation (last year unless told); idempotent."""
    year = year or timezone.localdate().year - 1
    if EvaluationRound.objects.filter(year=year).exists():
        return None
    controller = (
        User.objects.filter(roles__code=RoleCode.PLAN_CONTROLLER, is_active=True)
        .order_by("pk")
        .first()
    )
    managers: dict[int, User] = {}
    for user in (
        User.objects.filter(
            roles__code=RoleCode.AGENCY_CASE_OFFICER,
            is_active=True,
            agency__active=True,
            agency__kind__in=[AgencyKind.FIRST_LEVEL, AgencyKind.DISTRICT_OFFICE],
        )
        .exclude(agency__code=rdec_code())
        .select_related("agency")
        .order_by("agency__sort_order", "pk")
    ):
        managers.setdefault(user.agency_id, user)
        if len(managers) >= 40:
            break
    if controller is None or not managers:
        return None
    rng = context.rng
    with transaction.atomic():
        if not evaluations.controlled_in(year).exists():
            _last_year_plans(context, year, managers)
        year_round = evaluations.open_round(year, controller)
        codes = [item.code for item in year_round.items.all()]
        rows = list(year_round.evaluations.select_related("plan", "plan__agency"))
        for evaluation in context.progress(rows, total=len(rows), desc="年終考評"):
            pick, centre = rng.random(), CENTRES[-1][1]
            for share, value in CENTRES:
                if pick < share:
                    centre = value
                    break
                pick -= share
            final = {c: _score(rng.gauss(centre, 3.0)) for c in codes}
            agency_user = managers.get(evaluation.plan.agency_id) or evaluation.plan.project_manager
            for stage, user, shift in (
                (EvaluationStage.SELF_ASSESSMENT, agency_user, 4.0),  # agencies rate high
                (EvaluationStage.PRELIMINARY, controller, 1.0),
                (EvaluationStage.COMMITTEE, controller, 0.0),
            ):
                scores = {
                    c: str(_score(float(v) + shift + rng.uniform(-1.5, 1.5) * bool(shift)))
                    for c, v in final.items()
                }
                evaluation = evaluations.score(
                    evaluation,
                    user,
                    stage,
                    scores,
                    comment="" if shift else "評核小組審議通過。",
                )
        year_round = evaluations.publish(year_round, controller)
    graded = evaluations.results(year_round, controller)
    context.summary.append(
        f"年終考評：{evaluations.year_label(year)}度 {graded.graded} 案已評定並公布"
    )
    return year_round
