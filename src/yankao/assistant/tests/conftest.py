"""Closed cases that ask the same things: what FAQ mining and the browser tests work on."""

from __future__ import annotations

from typing import Any

import pytest

from yankao.cases import services as cases
from yankao.cases.conftest import categories  # noqa: F401  (the cases app's category fixture)
from yankao.cases.models import Case, CaseType, Category, Channel, DissatisfactionReason

BULKY = [
    "請問舊沙發這種大型垃圾要怎麼預約清運？",
    "家裡有舊床墊大型垃圾，請問怎麼預約清運",
    "想丟舊衣櫃等大型垃圾，請問預約清運的方式？",
    "大型垃圾（舊沙發）預約清運要打哪支電話？",
    "請問大型垃圾可以預約清運嗎？舊床墊兩張",
    "請問搬家的大型垃圾要怎麼預約清運呢",
]
SIDEWALK = [
    "光遠路人行道紅磚破損，請修補紅磚",
    "人行道紅磚破損鬆動，請派人修補紅磚",
    "五甲路人行道紅磚破損很多，請修補",
    "人行道的紅磚破損翹起，麻煩修補紅磚",
    "紅磚破損的人行道請儘快修補",
]
OTHER = ["請問公園涼亭可以借用辦活動嗎", "垃圾車今天沒有來收", "路口紅綠燈秒數太短"]


@pytest.fixture
def bulky(agencies: dict[str, Any], categories: dict[str, Category]) -> Category:  # noqa: F811
    return Category.objects.create(
        code="ENV-BULKY",
        parent=categories["env"],
        name_zh="大型廢棄物清運",
        case_type=CaseType.PETITION,
        agency=agencies["epb"],
        deadline_working_days=6,
        keywords="大型垃圾|舊沙發",
    )


def closed_case(
    text: str,
    category: Category,
    people: dict[str, Any],
    officer: str,
    *,
    reply: str = "已派員處理完成，感謝您的反映。",
    satisfied: bool | None = None,
    name: str = "王小明",
    phone: str = "0912345123",
    email: str = "ming@example.com",
) -> Case:
    case, _code = cases.create_case(
        cases.Intake(
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            description=text,
            category=category,
            district="鳳山區",
            petitioner=cases.PetitionerData(name=name, phone=phone, email=email),
        ),
        people["operator"],
    )
    cases.accept(case, people[officer])
    cases.reply(case, people[officer], reply)
    case = cases.close(case, people["rdec_case"])
    if satisfied is not None:
        cases.answer_survey(
            case, satisfied=satisfied, reason="" if satisfied else DissatisfactionReason.NOT_SOLVED
        )
    return case


@pytest.fixture
def history(
    bulky: Category,
    categories: dict[str, Category],  # noqa: F811
    people: dict[str, Any],
    settings: Any,
) -> None:
    settings.YANKAO_FAQ_CLUSTER_MIN_SIZE = 5
    for n, text in enumerate(BULKY):
        closed_case(
            text,
            bulky,
            people,
            "epb_officer",
            reply="大型垃圾請撥清潔隊專線預約，免費清運。"
            if n == 2
            else "已轉清潔隊處理，請耐心等候通知。",
            satisfied=n == 2 if n in (1, 2, 3) else None,
        )
    for text in SIDEWALK:
        closed_case(text, categories["sidewalk"], people, "road_officer")
    for text in OTHER:
        closed_case(text, bulky, people, "epb_officer")
