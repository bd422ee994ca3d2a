"""Demo step (after the cases): a year of categorised history, groups of closed cases asking the
same thing, the FAQ candidates mined from them and a trained category suggester.

Everything goes through the services a person or the worker would use (intake, accept, reply,
close, survey; `mining.mine`; `suggestion.train`), so the candidate pages, the console's
suggestions and the API show what they would show in production.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from yankao.agencies.models import User
from yankao.agencies.roles import RoleCode
from yankao.cases import services as cases
from yankao.cases.models import (
    Case,
    CaseType,
    Category,
    Channel,
    DissatisfactionReason,
    ReplyChannel,
)
from yankao.core.demo import DemoContext

from .models import FaqCandidate, SuggestionModel
from .services import mining, suggestion

# Questions citizens ask again and again: category, the ways they put it, the agency's answers
# (the first one the citizens liked).
FREQUENT: list[tuple[str, list[str], list[str]]] = [
    (
        "ENV-BULKY",
        [
            "請問舊沙發這種大型垃圾要怎麼預約清運？",
            "家裡有兩張舊床墊，大型垃圾要怎麼預約清運",
            "搬家有舊衣櫃等大型垃圾，請問如何預約清運？",
            "大型垃圾（舊沙發）預約清運要打哪支電話？",
            "請問大型垃圾可以預約到府清運嗎？",
            "舊床墊算大型垃圾嗎？要怎麼預約清運",
            "請問大型家具垃圾預約清運需要收費嗎",
        ],
        [
            "大型垃圾請撥打所在區清潔隊電話或上環保局網站預約，清潔隊依約定時間到府免費清運；請先拆除玻璃等易碎物。",
            "已轉請清潔隊與您聯繫清運時間。",
        ],
    ),
    (
        "TAX-HOUSE",
        [
            "房屋稅自住稅率要怎麼申請？",
            "請問房屋稅單上的稅率不是自住，要如何申請自住稅率",
            "剛買房子，房屋稅自住稅率什麼時候要申請？",
            "房屋稅要申請自住稅率需要什麼文件",
            "請問房屋稅自住稅率申請期限是什麼時候",
            "房屋稅自住稅率申請可以線上辦理嗎",
        ],
        [
            "房屋稅自住住家用稅率應於每年3月22日前向稅捐稽徵處申請（可臨櫃、郵寄或網路申辦），符合本人、配偶或直系親屬實際居住且無出租營業即可適用。",
            "已請承辦人員以電話說明申請方式。",
        ],
    ),
    (
        "PARKING-FEE",
        [
            "停車費重複繳費要怎麼申請退費？",
            "我的停車費繳了兩次，請問如何退費",
            "路邊停車費重複繳納，退費要去哪裡辦",
            "停車費超商重複繳費，退費流程是什麼",
            "請問停車費重複繳費多久可以退費",
        ],
        [
            "停車費重複繳納者，請備妥繳費收據及帳戶資料向交通局停車管理中心申請退費，或於線上退費專區填寫，約10個工作天退至帳戶。",
            "已轉停車管理中心處理。",
        ],
    ),
]
HISTORY_PER_CATEGORY = 2
HISTORY_FRAMES = [
    "{street}一帶{word}，請派人處理。",
    "我住{district}，附近{word}好幾天了。",
    "{word}，希望市府儘快改善，謝謝。",
]
STREETS = ["中山路", "民族路", "自由路", "建國路", "九如路", "光遠路", "五甲路", "博愛路"]
DISTRICTS = ["苓雅區", "鳳山區", "三民區", "左營區", "前鎮區", "鼓山區", "楠梓區", "小港區"]


def populate(context: DemoContext) -> None:
    if FaqCandidate.objects.exists() or SuggestionModel.objects.exists():
        return
    operator = User.objects.filter(username="operator").first()
    commission = User.objects.filter(username="rdec.case").first()
    if operator is None or commission is None or not Category.objects.exists():
        return
    rng = context.rng
    now = timezone.now()
    made = 0
    leaves = list(
        Category.objects.filter(
            active=True, parent__isnull=False, confidential=False, requires_review=False
        )
        .exclude(keywords="")
        .select_related("agency")
    )
    # A year of history: each category in the citizens' own words (its keywords).
    total = len(leaves) * HISTORY_PER_CATEGORY * max(1, context.scale)
    for n in context.progress(range(total), total=total, desc="建議模型歷史案件"):
        category = leaves[n % len(leaves)]
        district = rng.choice(DISTRICTS)
        word = rng.choice([w for w in category.keywords.split("|") if w])
        text = rng.choice(HISTORY_FRAMES).format(
            street=rng.choice(STREETS), district=district, word=word
        )
        received = now - dt.timedelta(days=rng.randint(60, 360), hours=rng.randint(0, 23))
        case = _record(operator, category, text, district, received, f"demo-history-{n}")
        _answer(case, commission, "已派員查看並完成處理，感謝您的反映。", None)
        made += 1
    # Groups of the same question, closed with answers and some satisfaction answers.
    for code, questions, answers in FREQUENT:
        category = Category.objects.filter(code=code, active=True).first()
        if category is None:
            continue
        for n, question in enumerate(questions):
            received = now - dt.timedelta(days=rng.randint(5, 50), hours=rng.randint(0, 23))
            case = _record(
                operator,
                category,
                question,
                rng.choice(DISTRICTS),
                received,
                f"demo-faq-{code}-{n}",
            )
            good = n % 3 == 0
            _answer(case, commission, answers[0] if good else answers[1], good)
            made += 1
    result = mining.mine()
    trained = suggestion.train()
    context.summary.append(
        f"智能客服：{made} 件結案案件，候選常見問答 {len(result.created)} 則，"
        + (
            f"分類建議模型 v{trained.model.version}（{trained.cases} 件）"
            if trained.model
            else "分類建議以關鍵字規則運作"
        )
    )


def _record(
    operator: User, category: Category, text: str, district: str, received: dt.datetime, key: str
) -> Case:
    case, _code = cases.create_case(
        cases.Intake(
            case_type=category.case_type or CaseType.PETITION,
            channel=Channel.HOTLINE,
            description=text,
            category=category,
            district=district,
            received_at=received,
            petitioner=cases.PetitionerData(anonymous=True, reply_channel=ReplyChannel.PHONE),
            idempotency_key=key,
        ),
        operator,
    )
    return case


def _answer(case: Case, commission: User, reply: str, satisfied: bool | None) -> None:
    """Accept, reply and close through the agency's own officer, as the agency would."""
    officer = (
        User.objects.filter(agency=case.lead_agency, is_active=True)
        .filter(Q(roles__code=RoleCode.AGENCY_CASE_OFFICER))
        .first()
    )
    if officer is None or not case.is_open:
        return
    cases.accept(case, officer)
    cases.reply(case, officer, reply)
    case = cases.close(case, commission)
    if satisfied is not None:
        cases.answer_survey(
            case,
            satisfied=satisfied,
            reason="" if satisfied else DissatisfactionReason.UNCLEAR_REPLY,
        )
