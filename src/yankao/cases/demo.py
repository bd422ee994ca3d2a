"""Demo step: the 1999 category tree and a few hundred cases in every state.

The cases go through the same services a person would use (intake, accept, reply, close,
survey), so the inbox, the map, the monthly report and the audit log all have something true
to show. Names and phone numbers are invented; places are Kaohsiung districts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from yankao.agencies.models import User
from yankao.agencies.roles import RoleCode
from yankao.core.demo import DemoContext

from . import services
from .categories import load_categories
from .models import Case, CaseType, Category, Channel, DissatisfactionReason, ReplyChannel

CASES_PER_SCALE = 150

# Approximate centres of the busiest districts (for the map of dispatch cases).
DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "苓雅區": (22.622, 120.312),
    "鳳山區": (22.627, 120.357),
    "三民區": (22.646, 120.322),
    "左營區": (22.687, 120.295),
    "前鎮區": (22.595, 120.318),
    "鼓山區": (22.648, 120.275),
    "楠梓區": (22.728, 120.326),
    "小港區": (22.565, 120.354),
    "新興區": (22.631, 120.303),
    "前金區": (22.627, 120.294),
    "大寮區": (22.605, 120.395),
    "仁武區": (22.700, 120.350),
    "岡山區": (22.797, 120.296),
}
STREETS = ["中山路", "民族路", "自由路", "建國路", "九如路", "光遠路", "五甲路", "博愛路"]
PHRASES = [
    "{street}{n}號附近{what}，請儘速處理。",
    "我家門口{street}一帶{what}已經好幾天了，希望市府派人來看。",
    "{street}與{cross}路口{what}，晚上很危險。",
    "請問{street}的{what}要多久才能改善？",
]
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪"
GIVEN = ["志明", "雅婷", "家豪", "淑芬", "建宏", "美玲", "俊傑", "怡君"]


def populate(context: DemoContext) -> None:
    if not Category.objects.exists():
        result = load_categories()
        context.summary.append(f"案件類別：載入 {result.created} 個")
    if Case.objects.exists():
        return
    operator = User.objects.filter(username="operator").first()
    commission = User.objects.filter(username="rdec.case").first()
    if operator is None or commission is None:
        return
    leaves = list(
        Category.objects.filter(active=True, parent__isnull=False, confidential=False)
        .exclude(case_type=CaseType.CONSULTATION)
        .select_related("agency")
    )
    if not leaves:
        return
    rng = context.rng
    total = CASES_PER_SCALE * max(1, context.scale)
    made = 0
    for n in context.progress(range(total), total=total, desc="案件"):
        category = rng.choice(leaves)
        district = rng.choice(list(DISTRICT_CENTRES))
        lat, lon = DISTRICT_CENTRES[district]
        located = category.case_type == CaseType.DISPATCH
        text = rng.choice(PHRASES).format(
            street=rng.choice(STREETS),
            cross=rng.choice(STREETS)[:2],
            n=rng.randint(1, 300),
            what=category.name_zh,
        )
        consultation = n % 5 == 0
        intake = services.Intake(
            case_type=CaseType.CONSULTATION if consultation else category.case_type,
            channel=rng.choice([Channel.HOTLINE] * 5 + [Channel.MAYORS_MAILBOX, Channel.APP]),
            description=text,
            category=None if consultation else category,
            answer="已於電話中說明辦理方式及承辦機關。" if consultation else "",
            district=district,
            address=f"高雄市{district}{rng.choice(STREETS)}{rng.randint(1, 300)}號",
            latitude=Decimal(f"{lat + rng.uniform(-0.012, 0.012):.6f}") if located else None,
            longitude=Decimal(f"{lon + rng.uniform(-0.012, 0.012):.6f}") if located else None,
            received_at=timezone.now() - dt.timedelta(hours=rng.randint(1, 24 * 40)),
            petitioner=services.PetitionerData(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                email=f"citizen{n}@example.com",
                reply_channel=rng.choice([ReplyChannel.EMAIL, ReplyChannel.SMS]),
            ),
            idempotency_key=f"demo-{n}",
        )
        case, _code = services.create_case(intake, operator)
        made += 1
        if consultation or case.lead_agency_id is None:
            continue
        _advance(case, commission, rng.random())
    context.summary.append(f"案件：建立 {made} 件（各種狀態）")


def _advance(case: Case, commission: User, fate: float) -> None:
    """Move a demo case along its life: some stay new, most are accepted, many replied."""
    officer = (
        User.objects.filter(agency=case.lead_agency, is_active=True)
        .filter(Q(roles__code=RoleCode.AGENCY_CASE_OFFICER))
        .first()
    )
    if officer is None or fate < 0.2:
        return
    services.accept(case, officer)
    if fate < 0.35:
        return
    if fate < 0.45:
        services.request_extension(case, officer, 3, "需會同相關單位現場會勘。")
        return
    if case.category and case.category.requires_review:
        return
    services.reply(case, officer, "已派員現場查看並完成改善，感謝您的反映。", "")
    if fate < 0.6:
        return
    case = services.close(case, commission)
    if fate < 0.8:
        services.answer_survey(
            case,
            satisfied=fate < 0.75,
            reason="" if fate < 0.75 else DissatisfactionReason.TOO_SLOW,
        )
