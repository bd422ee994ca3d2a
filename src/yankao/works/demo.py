"""Demo step: a year of works inspection — projects with monthly progress, ~150 inspections with
coded defects at every stage of remediation, penalty follow-ups, citizen works reports, progress
verification and training. Scores and grades come from `works.rules`, deadlines from the
working-day calendar, like real records; rows are bulk-loaded for speed.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yankao.agencies.models import Agency, AgencyKind, User
from yankao.agencies.roles import RoleCode
from yankao.core.demo import DemoContext
from yankao.workdays import services as workdays

from . import rules
from .models import (
    Defect,
    DefectCode,
    DefectStatus,
    Inspection,
    InspectionEvent,
    InspectionMember,
    InspectionStatus,
    MonitoringItem,
    MonitoringReport,
    MonitoringStatus,
    Party,
    PenaltyFollowUp,
    PenaltyMeasure,
    ProgressEntry,
    ProgressVerification,
    ProjectStatus,
    Severity,
    TrainingSession,
    WorksProject,
)
from .reference import load_defect_codes, load_monitoring_items

PROJECTS_PER_SCALE = 320
INSPECTIONS_PER_SCALE = 150
WORKS_AGENCIES = (  # the agencies that build most of the city's works, weighted by share
    ("397110000G", 6),  # 工務局
    ("397250000G", 4),  # 水利局
    ("397370000H", 2),  # 捷運工程局
    ("397360000G", 2),  # 都市發展局
    ("397290000H", 1),  # 交通局
    ("397380000H", 1),  # 觀光局
    ("397040000E", 2),  # 教育局
    ("397390000A", 1),  # 海洋局
)
KINDS = [
    ("道路拓寬工程", 30, 400),
    ("人行道改善工程", 3, 40),
    ("排水改善工程", 10, 250),
    ("滯洪池新建工程", 80, 600),
    ("橋梁耐震補強工程", 15, 300),
    ("國小校舍改建工程", 20, 220),
    ("社會住宅新建工程", 200, 1500),
    ("公園綠地改善工程", 2, 30),
    ("污水下水道管線工程", 40, 500),
    ("自行車道建置工程", 2, 25),
    ("漁港設施改善工程", 5, 80),
]
CONTRACTORS = ["宏建營造", "大昌土木包工業", "新興營造", "港都工程", "立德營造", "南方土木"]
SUPERVISORS = ["高雄市政府工務局新建工程處", "城市工程顧問", "台灣世曦工程顧問", "中興工程顧問"]
EXPERTS = ["外聘委員（土木）", "外聘委員（結構）", "外聘委員（水利）", "外聘委員（職安）"]
MEMBERS = ["查核小組委員甲", "查核小組委員乙", "查核小組委員丙"]


def _s_curve(x: float) -> Decimal:
    value = 100 / (1 + math.exp(-10 * (x - 0.5)))
    low, high = 100 / (1 + math.exp(5)), 100 / (1 + math.exp(-5))
    return Decimal(str(round(max(0.0, min(100.0, (value - low) / (high - low) * 100)), 2)))


def populate(context: DemoContext) -> None:
    load_defect_codes()
    load_monitoring_items()
    if WorksProject.objects.exists():
        return
    weighted = [
        agency
        for code, weight in WORKS_AGENCIES
        for agency in Agency.objects.filter(code=code, active=True)
        for _ in range(weight)
    ]
    districts = list(
        Agency.objects.filter(kind=AgencyKind.DISTRICT_OFFICE, active=True).order_by("sort_order")
    )
    team = (
        User.objects.filter(roles__code=RoleCode.INSPECTOR, is_active=True).order_by("pk").first()
    )
    if not weighted or team is None:
        return
    today = timezone.localdate()
    year = today.year
    this_month = today.replace(day=1)
    scale = max(1, context.scale)
    with transaction.atomic():
        projects = _projects(context, weighted, districts, year, PROJECTS_PER_SCALE * scale)
        _progress(context, projects, this_month)
        inspections = _inspections(context, projects, team, today, INSPECTIONS_PER_SCALE * scale)
        _monitoring(context, projects, team, today)
        _verifications(projects, team, this_month)
        TrainingSession.objects.bulk_create(
            TrainingSession(
                title=title, held_on=dt.date(year, month, 15), partner=partner, attendance=people
            )
            for title, month, partner, people in (
                ("公共工程品質管理訓練", 3, "工務局", 62),
                ("工地職業安全衛生講習", 5, "勞工局", 48),
                ("防汛整備及滯洪設施維護", 6, "水利局", 41),
                ("施工查核缺失案例研討", 9, "工程會", 68),
            )
            if dt.date(year, month, 15) <= today
        )
    context.summary.append(
        f"工程查核：標案 {len(projects)} 件、查核 {inspections} 場（含缺失及改善）、全民督工通報 36 件"
    )


def _projects(
    context: DemoContext, weighted: list[Agency], districts: list[Agency], year: int, total: int
) -> list[WorksProject]:
    rng = context.rng
    from yankao.plans.models import Plan

    plans = list(Plan.objects.filter(is_works=True, first_year__lte=year, last_year__gte=year))
    rows = []
    for n in context.progress(range(total), total=total, desc="標案"):
        agency = rng.choice(weighted)
        kind, low, high = rng.choice(KINDS)
        district = rng.choice(districts).district if districts else ""
        budget = Decimal(int(rng.uniform(low, high) * 1_000_000) // 1000 * 1000)
        if rng.random() < 0.15:  # small maintenance contracts, outside the quota
            budget = Decimal(rng.randrange(300, 1500) * 1000)
        ratio = Decimal(str(round(rng.uniform(0.72, 0.98), 3)))
        start = dt.date(
            year - (1 if rng.random() < 0.35 else 0), rng.randint(1, 9), rng.randint(1, 28)
        )
        length = rng.randint(180, 720)
        status = rng.choices(
            [
                ProjectStatus.UNDER_CONSTRUCTION,
                ProjectStatus.COMPLETED,
                ProjectStatus.STOPPED,
                ProjectStatus.ACCEPTED,
                ProjectStatus.AWARDED,
            ],
            weights=[70, 10, 3, 10, 7],
        )[0]
        rows.append(
            WorksProject(
                tender_number=f"{year - 1911}{agency.code[3:6]}{n + 1:04d}",
                name=f"{district}{kind}",
                agency=agency,
                budget_amount=budget,
                award_amount=(budget * ratio).quantize(Decimal(1)),
                contractor=f"{rng.choice(CONTRACTORS)}股份有限公司",
                supervisor=rng.choice(SUPERVISORS),
                supervisor_engineer="監造工程師",
                site_manager="工地主任",
                location=f"高雄市{district}",
                district=district,
                planned_start=start,
                planned_end=start + dt.timedelta(days=length),
                actual_start=None
                if status == ProjectStatus.AWARDED
                else start + dt.timedelta(days=rng.randint(0, 20)),
                change_orders=rng.choices([0, 1, 2, 3, 4], weights=[50, 25, 12, 8, 5])[0],
                change_order_cost=Decimal(0),
                change_order_days=0,
                status=status,
                plan=rng.choice(plans) if plans and rng.random() < 0.3 else None,
                subsidised=rng.random() < 0.12,
                mayor_listed=rng.random() < 0.05,
                media_reported=rng.random() < 0.04,
            )
        )
    for project in rows:
        if project.change_orders:
            project.change_order_cost = (
                project.budget_amount * Decimal(str(rng.uniform(0.01, 0.15)))
            ).quantize(Decimal(1))
            project.change_order_days = rng.randint(10, 120)
    return WorksProject.objects.bulk_create(rows)


def _progress(context: DemoContext, projects: list[WorksProject], this_month: dt.date) -> None:
    rng = context.rng
    rows = []
    for project in projects:
        if project.actual_start is None or project.planned_end is None:
            continue
        span = max((project.planned_end - project.actual_start).days, 1)
        troubled = rng.random() < 0.15
        actual = Decimal(0)
        month = project.actual_start.replace(day=1)
        silent = rng.random() < 0.04  # has stopped entering progress
        while month < this_month:
            x = ((month - project.actual_start).days + 30) / span
            planned = _s_curve(min(max(x, 0), 1))
            pace = Decimal(str(rng.uniform(0.6, 0.85) if troubled else rng.uniform(0.95, 1.04)))
            actual = max(actual, min(Decimal(100), (planned * pace).quantize(Decimal("0.01"))))
            lag = planned - actual
            rows.append(
                ProgressEntry(
                    project=project,
                    month=month,
                    planned_progress=planned,
                    actual_progress=actual,
                    lag_reason="用地取得延宕及地下管線遷移未完成" if lag >= 5 else "",
                    late=rng.random() < 0.03,
                )
            )
            month = (month + dt.timedelta(days=32)).replace(day=1)
            if silent and month >= (this_month - dt.timedelta(days=62)).replace(day=1):
                break
    ProgressEntry.objects.bulk_create(rows, batch_size=2000)


def _inspections(
    context: DemoContext, projects: list[WorksProject], team: User, today: dt.date, total: int
) -> int:
    rng = context.rng
    candidates = [
        p
        for p in projects
        if p.actual_start is not None and rules.quota_tier(p.budget_amount) != rules.BELOW
    ]
    leaves = list(DefectCode.objects.filter(children__isnull=True, active=True))
    days = max((today - today.replace(month=1, day=1)).days, 30)
    made = 0
    for _n in context.progress(range(total), total=total, desc="查核"):
        project = rng.choice(candidates)
        inspected_on = today.replace(month=1, day=1) + dt.timedelta(days=rng.randrange(days))
        if inspected_on >= today:
            inspected_on = today - dt.timedelta(days=1)
        externals = rng.choice([1, 2])
        # At least a third external experts, as the rules want.
        members = [(name, True) for name in rng.sample(EXPERTS, externals)] + [
            (name, False) for name in MEMBERS[: 2 if externals == 1 else rng.choice([2, 3, 4])]
        ]
        base = rng.gauss(81, 6)
        scores = [max(55, min(97, round(base + rng.uniform(-3, 3)))) for _ in members]
        triggers = rules.Triggers(
            concrete_core_failed=rng.random() < 0.02,
            serious_safety_defect=rng.random() < 0.02,
        )
        score, grade = rules.judged(scores, triggers)
        record_due = workdays.add_working_days(inspected_on, 7)
        sent_at = timezone.make_aware(
            dt.datetime.combine(inspected_on + dt.timedelta(days=rng.randint(2, 9)), dt.time(10))
        )
        inspection = Inspection.objects.create(
            project=project,
            inspected_on=inspected_on,
            scheduled_on=inspected_on,
            status=InspectionStatus.SENT if sent_at.date() <= today else InspectionStatus.RECORDED,
            supervisor_engineer_present=True,
            contractor_engineer_present=True,
            progress_planned=None,
            progress_actual=None,
            concrete_core_failed=triggers.concrete_core_failed,
            serious_safety_defect=triggers.serious_safety_defect,
            score=score,
            grade=grade,
            record_due=record_due,
            sent_at=sent_at if sent_at.date() <= today else None,
            created_by=team,
        )
        events = [
            InspectionEvent(inspection=inspection, action="record", to_status="recorded", by=team)
        ]
        if inspection.status == InspectionStatus.SENT:
            events.append(
                InspectionEvent(
                    inspection=inspection,
                    action="send",
                    from_status="recorded",
                    to_status="sent",
                    by=team,
                )
            )
        InspectionEvent.objects.bulk_create(events)
        InspectionMember.objects.bulk_create(
            InspectionMember(inspection=inspection, name=name, external=external, score=s)
            for (name, external), s in zip(members, scores, strict=True)
        )
        defects = []
        for code in rng.sample(leaves, k=min(len(leaves), rng.choice([1, 2, 3, 4, 5, 6, 8]))):
            due = inspected_on + dt.timedelta(days=30)
            done = due < today and rng.random() < 0.85
            reported = not done and rng.random() < 0.4
            defects.append(
                Defect(
                    inspection=inspection,
                    code=code,
                    party=code.party or Party.CONTRACTOR,
                    severity=rng.choices(list(Severity.values), weights=[70, 25, 5])[0],
                    description=code.text[:120],
                    deduction=rng.randint(
                        code.deduction_min, max(code.deduction_min, code.deduction_max)
                    ),
                    status=DefectStatus.CLOSED
                    if done
                    else (DefectStatus.REPORTED if reported else DefectStatus.OPEN),
                    remediation_due=due,
                    remediation="已依查核意見改善完成，檢附改善前後照片。"
                    if done or reported
                    else "",
                    closed_at=timezone.make_aware(
                        dt.datetime.combine(
                            due - dt.timedelta(days=rng.randint(0, 20)), dt.time(15)
                        )
                    )
                    if done
                    else None,
                )
            )
        if inspection.status == InspectionStatus.RECORDED:
            # Not sent yet: the agency cannot have reported or fixed anything.
            for defect in defects:
                defect.status, defect.remediation, defect.closed_at = DefectStatus.OPEN, "", None
        Defect.objects.bulk_create(defects)
        if inspection.status == InspectionStatus.SENT and all(
            d.status == DefectStatus.CLOSED for d in defects
        ):
            inspection.status = InspectionStatus.CLOSED
            inspection.save(update_fields=["status"])
            events.append(
                InspectionEvent(
                    inspection=inspection,
                    action="close",
                    from_status="sent",
                    to_status="closed",
                    by=team,
                )
            )
            InspectionEvent.objects.bulk_create(events[-1:])
        # The history at the times things happened (the field stamps the time of writing).
        for event in events:
            when = {"record": inspected_on, "send": sent_at.date()}.get(
                event.action,
                max((d.closed_at.date() for d in defects if d.closed_at), default=today),
            )
            InspectionEvent.objects.filter(pk=event.pk).update(
                at=timezone.make_aware(dt.datetime.combine(min(when, today), dt.time(16)))
            )
        if grade == "c":
            PenaltyFollowUp.objects.create(
                inspection=inspection,
                reason="查核成績丙等",
                measures=[PenaltyMeasure.STAFF_DISCIPLINE, PenaltyMeasure.SUPPLIER_SUSPENSION],
            )
        for defect in defects:
            if defect.status == DefectStatus.OPEN and defect.remediation_due < today:
                PenaltyFollowUp.objects.create(
                    inspection=inspection,
                    defect=defect,
                    reason="缺失逾期未改善",
                    measures=[PenaltyMeasure.SITE_STAFF_REPLACEMENT],
                )
        made += 1
    # A few unannounced visits ahead: only the team sees them.
    for project in rng.sample(candidates, k=min(5, len(candidates))):
        Inspection.objects.create(
            project=project,
            scheduled_on=today + dt.timedelta(days=rng.randint(3, 40)),
            status=InspectionStatus.PLANNED,
            priority_grounds=rules.priority_grounds(
                rules.Facts(
                    budget=project.budget_amount,
                    award=project.award_amount,
                    change_orders=project.change_orders,
                    mayor_listed=project.mayor_listed,
                    media=project.media_reported,
                )
            ),
            created_by=team,
        )
    return made


def _monitoring(
    context: DemoContext, projects: list[WorksProject], team: User, today: dt.date
) -> None:
    rng = context.rng
    items = list(MonitoringItem.objects.filter(active=True))
    for n in range(36):
        project = rng.choice(projects)
        item = rng.choice(items)
        received = today - dt.timedelta(days=rng.randint(1, 300))
        report = MonitoringReport.objects.create(
            number=f"demo-{n}",
            item=item,
            project=project,
            agency=project.agency,
            description=f"{project.name}：{item.name}，請派員查看。",
            location=project.location,
            district=project.district,
            received_on=received,
            survey_due=workdays.add_working_days(received, item.survey_working_days),
        )
        report.number = f"{received.year - 1911}W{report.pk:06d}"
        age = (today - received).days
        if age > 20:
            report.status = MonitoringStatus.CLOSED
            report.survey_findings = "現場會勘屬實。"
            report.remediation = "已督促廠商改善完成。"
            report.remediation_due = workdays.add_working_days(
                received, item.remediation_working_days
            )
            report.closed_on = workdays.add_working_days(received, rng.randint(4, 14))
            report.confirmed_by = team
            report.satisfied = rng.random() < 0.85
        elif age > 5:
            report.status = MonitoringStatus.REMEDIATING
            report.survey_findings = "現場會勘屬實，已要求限期改善。"
            report.remediation_due = workdays.add_working_days(
                received, item.remediation_working_days
            )
        report.save()


def _verifications(projects: list[WorksProject], team: User, this_month: dt.date) -> None:
    last = (this_month - dt.timedelta(days=1)).replace(day=1)
    entries = (
        ProgressEntry.objects.filter(month=last, project__in=projects)
        .select_related("project")
        .order_by("actual_progress")
    )
    ProgressVerification.objects.bulk_create(
        ProgressVerification(
            project=entry.project,
            month=last,
            checked_on=last + dt.timedelta(days=20),
            reported_progress=entry.actual_progress,
            checked_progress=max(Decimal(0), entry.actual_progress - Decimal("0.5")),
            note="現場查證，與填報大致相符。",
            checked_by=team,
        )
        for entry in list(entries)[:20]
    )
