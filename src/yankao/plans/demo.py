"""Demo step: a year of plan control, ~150 plans over ~40 agencies with their monthly reports.

Plans follow an S-shaped work plan; most keep up, some fall behind with a coded cause and a
remedy. Figures are computed with the same rules as real reports (`rules`), then bulk-loaded.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yankao.agencies.models import Agency, AgencyKind, User
from yankao.agencies.roles import RoleCode
from yankao.agencies.services import rdec_code
from yankao.core.demo import DemoContext

from . import rules
from .models import (
    FundSource,
    LagCause,
    Milestone,
    MilestoneKind,
    Plan,
    PlanBudget,
    PlanKind,
    ProgressReport,
    ReportStatus,
    WorkPlan,
    WorkPlanMonth,
    WorkPlanStatus,
)

PLANS_PER_SCALE = 150
WORKS_WORDS = [
    "道路拓寬工程",
    "排水改善工程",
    "人行道改善工程",
    "公園新建工程",
    "橋梁耐震補強工程",
    "自行車道建置工程",
    "污水下水道接管工程",
    "運動中心新建工程",
    "社會住宅新建工程",
    "路燈節能更新工程",
]
POLICY_WORDS = [
    "智慧城市推動計畫",
    "長照服務據點擴充計畫",
    "青年就業促進計畫",
    "校園數位學習計畫",
    "觀光行銷推廣計畫",
    "空氣品質改善計畫",
    "災害防救深耕計畫",
    "公共托育擴展計畫",
    "文化資產活化計畫",
    "食品安全稽查計畫",
]
REMEDIES = {
    LagCause.LAND: "持續與地主協議價購，必要時辦理徵收。",
    LagCause.PROCUREMENT_FAILURE: "檢討預算及規格後重新招標。",
    LagCause.DESIGN_CHANGE: "儘速完成變更設計審查並趕辦施工。",
    LagCause.WEATHER: "天候回穩後增加工班趕工。",
    LagCause.CONTRACTOR: "督促廠商增派人力機具，逾期依約罰款。",
    LagCause.COORDINATION: "召開跨局處協調會議排除管線障礙。",
}


def _s_curve(month_index: int, months: int) -> Decimal:
    """Planned cumulative progress: slow start, fast middle, slow finish."""
    x = (month_index + 1) / months
    value = 100 / (1 + math.exp(-10 * (x - 0.5)))
    low, high = 100 / (1 + math.exp(5)), 100 / (1 + math.exp(-5))
    return Decimal(str(round((value - low) / (high - low) * 100, 2)))


MILESTONE_DATES = {  # month, day of the planned date in the plan's year
    MilestoneKind.DESIGN: (2, 15),
    MilestoneKind.AWARD: (3, 31),
    MilestoneKind.START: (5, 1),
    MilestoneKind.COMPLETION: (11, 30),
    MilestoneKind.ACCEPTANCE: (12, 20),
}


def _milestones(work_plan: WorkPlan, year: int, today: dt.date, troubled: bool) -> None:
    """Works plans: design, award, start … planned; reached on time unless the plan is troubled."""
    rows = []
    for kind, (month, day) in MILESTONE_DATES.items():
        planned = dt.date(year, month, day)
        late = troubled and kind != MilestoneKind.DESIGN
        actual = None if late or planned > today else planned + dt.timedelta(days=month % 5)
        rows.append(
            Milestone(
                work_plan=work_plan,
                kind=kind,
                planned_date=planned,
                actual_date=actual if actual and actual <= today else None,
            )
        )
    Milestone.objects.bulk_create(rows)


def populate_meeting(context: DemoContext) -> None:
    """A supervision meeting on last month's behind plans, its decisions at every stage."""
    from . import meetings
    from .models import SupervisionMeeting

    if SupervisionMeeting.objects.exists():
        return
    planner = (
        User.objects.filter(roles__code=RoleCode.PLAN_CONTROLLER, is_active=True)
        .order_by("pk")
        .first()
    )
    if planner is None:
        return
    today = timezone.localdate()
    reviewed = rules.add_months(today.replace(day=1), -2)
    behind = list(meetings.behind_plans(reviewed)[:12])
    if not behind:
        return
    held_on = rules.add_months(reviewed, 1) + dt.timedelta(days=14)
    meeting = meetings.hold_meeting(
        planner,
        title=f"{reviewed.year - 1911}年{reviewed.month}月列管計畫督導會報",
        held_on=held_on,
        report_month=reviewed,
        chair="秘書長",
        minutes="檢討進度落後計畫，請各主辦機關依決議辦理並於期限內回報。",
        plans=behind,
    )
    rng = context.rng
    for n, plan in enumerate(behind[:8]):
        item = meetings.add_decision(
            meeting,
            planner,
            decision=f"請{plan.agency.name_zh}就「{plan.name}」提出趕辦計畫，並每兩週回報進度。",
            due_date=held_on + dt.timedelta(days=rng.choice([14, 30, 45])),
            plan=plan,
        )
        officer = plan.project_manager
        if officer is None or n % 4 == 0:
            continue  # still open
        item = meetings.report_handling(item, officer, "已召開協調會議並增派人力，進度已改善。")
        if n % 4 == 2:
            meetings.release(item, planner, "同意解除追蹤。")
    context.summary.append(f"督導會報：1 場，檢討 {len(behind)} 項計畫，決議 8 項")


def populate(context: DemoContext) -> None:
    if Plan.objects.exists():
        return
    agencies = list(
        Agency.objects.filter(
            active=True, kind__in=[AgencyKind.FIRST_LEVEL, AgencyKind.DISTRICT_OFFICE]
        )
        .exclude(code=rdec_code())
        .order_by("sort_order")[:40]
    )
    if not agencies:
        return
    rng = context.rng
    today = timezone.localdate()
    year = today.year
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    reported_until = rules.add_months(today.replace(day=1), -1)
    managers = {u.agency_id: u for u in User.objects.filter(agency__in=agencies).order_by("pk")}
    total = PLANS_PER_SCALE * max(1, context.scale)
    with transaction.atomic():
        made = 0
        for n in context.progress(range(total), total=total, desc="列管計畫"):
            agency = agencies[n % len(agencies)]
            is_works = rng.random() < 0.55
            words = WORKS_WORDS if is_works else POLICY_WORDS
            place = agency.district or agency.name_zh.replace("高雄市政府", "")
            budget = Decimal(rng.randrange(5, 400) * 1_000_000)
            plan = Plan.objects.create(
                code=f"{year - 1911}-{n + 1:04d}",
                name=f"{place}{rng.choice(words)}",
                kind=rng.choice(
                    [PlanKind.POLICY] * 5
                    + [PlanKind.CITY_MEETING, PlanKind.MAYOR_INSTRUCTION, PlanKind.WORKS_MEETING]
                    + (
                        [PlanKind.INFRASTRUCTURE_SUBSIDY, PlanKind.FORWARD_LOOKING]
                        if is_works
                        else []
                    )
                ),
                first_year=year,
                last_year=year,
                agency=agency,
                project_manager=managers.get(agency.pk),
                is_works=is_works,
                start_date=months[0],
                end_date=dt.date(year, 12, 31),
            )
            central = (
                (budget * Decimal("0.4")).quantize(Decimal(1)) if rng.random() < 0.3 else Decimal(0)
            )
            PlanBudget.objects.create(
                plan=plan, year=year, source=FundSource.CITY, amount=budget - central
            )
            if central:
                PlanBudget.objects.create(
                    plan=plan, year=year, source=FundSource.CENTRAL, amount=central
                )
            work_plan = WorkPlan.objects.create(
                plan=plan,
                version=1,
                status=WorkPlanStatus.APPROVED,
                submitted_at=timezone.now(),
                decided_at=timezone.now(),
            )
            planned = [_s_curve(i, 12) for i in range(12)]
            WorkPlanMonth.objects.bulk_create(
                WorkPlanMonth(
                    work_plan=work_plan,
                    month=month,
                    planned_progress=planned[i],
                    planned_spending=(budget * planned[i] / 100).quantize(Decimal(1)),
                )
                for i, month in enumerate(months)
            )
            troubled = rng.random() < 0.2
            if is_works:
                _milestones(work_plan, year, today, troubled)
            cause = rng.choice(list(REMEDIES)) if troubled else ""
            actual = Decimal(0)
            reports = []
            for i, month in enumerate(months):
                if month > reported_until:
                    break
                pace = Decimal(str(rng.uniform(0.55, 0.8) if troubled else rng.uniform(0.93, 1.06)))
                actual = max(
                    actual, min(Decimal(100), (planned[i] * pace).quantize(Decimal("0.01")))
                )
                planned_spending = (budget * planned[i] / 100).quantize(Decimal(1))
                spent = (planned_spending * Decimal(str(rng.uniform(0.85, 1.02)))).quantize(
                    Decimal(1)
                )
                status = rules.progress_status(planned[i], actual)
                rate = rules.execution_rate(spent, planned_spending)
                needs = rules.needs_lag_cause(status, rate)
                reason = cause or LagCause.CONTRACTOR
                reports.append(
                    ProgressReport(
                        plan=plan,
                        month=month,
                        status=ReportStatus.SUBMITTED,
                        actual_progress=actual,
                        actual_spending=spent,
                        narrative="依作業計畫執行中。",
                        lag_cause=reason if needs else "",
                        remedy=REMEDIES.get(reason, "加強督導趕辦。") if needs else "",
                        remedy_due=rules.add_months(month, 2) if needs else None,
                        planned_progress=planned[i],
                        planned_spending=planned_spending,
                        lag=rules.lag_of(planned[i], actual),
                        progress_status=status,
                        execution_rate=rate,
                        submitted_at=timezone.now(),
                        submitted_by=plan.project_manager,
                        late=rng.random() < 0.05,
                    )
                )
            if reports and rng.random() < 0.06:
                reports.pop()  # a few plans have not reported last month yet
            ProgressReport.objects.bulk_create(reports)
            made += 1
    context.summary.append(f"列管計畫：建立 {made} 項及各月填報")
