"""Category and agency suggestion: learned from history, keyword rules while history is short,
corrections weigh in the next training, old category names map to today's."""

from __future__ import annotations

import random
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from yankao.assistant.models import CategoryAlias, SuggestionFeedback, SuggestionModel
from yankao.assistant.services import suggestion
from yankao.cases import services as cases
from yankao.cases.conftest import categories  # noqa: F401  (the cases app's category fixture)
from yankao.cases.models import Case, CaseType, Category, Channel

# How citizens put it, in words the categories' keywords do not hold.
WORDS: dict[str, list[str]] = {
    "ROAD-POTHOLE": ["柏油裂開", "機車彈起來", "路面下陷", "柏油路破一大塊", "輪胎卡進去"],
    "ROAD-SIDEWALK": ["地磚翹起來", "走路絆倒", "磁磚鬆動", "步道高低不平", "老人家跌倒"],
    "ENV-NOISE": ["唱到半夜", "音響震天價響", "KTV歌聲", "喇叭轟轟作響", "樂團練團"],
    "LOCAL-MISC": ["里長", "活動中心", "里民大會", "社區巡守隊", "鄰長"],
}
FRAMES = ["我家附近{w}，請處理", "{w}已經很多天了", "請市府注意{w}的問題", "{w}，{v}，拜託"]


def texts(code: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = WORDS[code]
    return [rng.choice(FRAMES).format(w=rng.choice(words), v=rng.choice(words)) for _ in range(n)]


def record(text: str, category: Category, people: dict[str, Any], district: str = "") -> Case:
    case, _code = cases.create_case(
        cases.Intake(
            case_type=category.case_type,
            channel=Channel.HOTLINE,
            description=text,
            category=category,
            district=district,
        ),
        people["operator"],
    )
    return case


@pytest.fixture
def by_code(categories: dict[str, Category]) -> dict[str, Category]:  # noqa: F811
    return {c.code: c for c in categories.values() if c.parent_id}


@pytest.fixture
def history(by_code: dict[str, Category], people: dict[str, Any], settings: Any) -> None:
    settings.YANKAO_SUGGEST_MIN_HISTORY = 40
    for n, (code, category) in enumerate(sorted(by_code.items())):
        for text in texts(code, 15, seed=n):
            record(text, category, people, "鳳山區")


def test_keyword_rules_answer_while_history_is_short(
    by_code: dict[str, Category], people: dict[str, Any], settings: Any
) -> None:
    settings.YANKAO_SUGGEST_MIN_HISTORY = 40
    outcome = suggestion.suggest("家門口有個大坑洞")
    assert outcome.method == "keywords" and outcome.codes[0] == "ROAD-POTHOLE"
    assert outcome.suggestions[0].confidence == pytest.approx(1.0)
    for n in range(5):
        record(f"路面坑洞第{n}處", by_code["ROAD-POTHOLE"], people)
    result = suggestion.train()
    assert result.model is None and result.cases == 5 and "40" in result.reason
    assert not SuggestionModel.objects.exists()
    assert suggestion.suggest("家門口有個大坑洞").method == "keywords"


def test_the_model_beats_the_keyword_rules_on_the_citizens_words(history: None) -> None:
    result = suggestion.train()
    model = result.model
    assert model is not None and model.active and model.version == 1
    assert model.cases_used == 60 and model.held_out == 6 and model.top1 is not None
    probe = [(t, code) for n, code in enumerate(sorted(WORDS)) for t in texts(code, 10, 100 + n)]
    learned = sum(suggestion.suggest(t).codes[:1] == [code] for t, code in probe)
    keywords = sum(
        [c.code for c, _ in suggestion.keyword_suggestions(t, 1)] == [code] for t, code in probe
    )
    assert suggestion.suggest(probe[0][0]).method == "model"
    assert learned >= 0.8 * len(probe) and learned > 2 * keywords
    top = suggestion.suggest("柏油裂開，機車彈起來")
    assert top.codes[0] == "ROAD-POTHOLE" and 0 < top.suggestions[0].confidence <= 1
    assert len(top.suggestions) <= 3
    assert sum(s.confidence for s in top.suggestions) <= 1.0 + 1e-9


def test_the_agency_comes_from_the_categorys_routing_with_the_district(
    history: None, agencies: dict[str, Any]
) -> None:
    suggestion.train()
    local = suggestion.suggest("里長說活動中心要整修", "鳳山區").suggestions[0]
    assert local.category.code == "LOCAL-MISC" and local.agency == agencies["fengshan"]
    assert suggestion.suggest("里長說活動中心要整修").suggestions[0].agency == agencies["city"]
    noise = suggestion.suggest("隔壁唱到半夜音響震天價響").suggestions[0]
    assert noise.agency == agencies["epb"]


def test_empty_long_and_html_text_get_a_clear_reply_and_no_suggestion(
    by_code: dict[str, Category], people: dict[str, Any], settings: Any
) -> None:
    settings.YANKAO_SUGGEST_MAX_CHARS = 100
    for text in ["", "   ", "坑洞" * 60, "<script>alert(1)</script>坑洞", "<b>坑洞</b>"]:
        outcome = suggestion.suggest(text)
        assert outcome.suggestions == [] and outcome.problem
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(people["operator"])
    page = client.get(reverse("cases:suggest"), {"description": "<img src=x onerror=alert(1)>坑洞"})
    html = page.content.decode()
    assert "<img" not in html and "HTML" in html and "道路坑洞" not in html
    api = client.get("/api/v1/case-categories/suggest/", {"text": "<b>坑洞</b>"})
    assert api.status_code == 200 and api.json() == []


def test_the_console_shows_confidence_and_agency_while_typing(
    history: None, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(people["operator"])
    before = client.get(reverse("cases:suggest"), {"description": "家門口有個大坑洞"})
    assert "道路坑洞" in before.content.decode() and "%" not in before.content.decode()
    assert "關鍵字" in before.content.decode()
    suggestion.train()
    hints = client.get(
        reverse("cases:suggest"), {"description": "里長說活動中心要整修", "district": "鳳山區"}
    ).content.decode()
    assert "里鄰事務" in hints and "鳳山區公所" in hints and "模型第 1 版" in hints
    assert "%" in hints
    api = client.get(
        "/api/v1/case-categories/suggest/", {"text": "里長說活動中心要整修", "district": "鳳山區"}
    ).json()
    assert api[0]["code"] == "LOCAL-MISC" and 0 < api[0]["confidence"] <= 1
    assert api[0]["suggested_agency_code"] == agencies["fengshan"].code
    assert len(api) <= 3


def test_intake_records_feedback_and_corrections_weigh_in_retraining(
    by_code: dict[str, Category], people: dict[str, Any], settings: Any
) -> None:
    settings.YANKAO_SUGGEST_MIN_HISTORY = 10
    pothole, sidewalk = by_code["ROAD-POTHOLE"], by_code["ROAD-SIDEWALK"]
    for n in range(10):
        record(f"轉角那邊路口壞了（{n}）", pothole, people)
    suggestion.train()
    assert suggestion.suggest("轉角那邊路口壞了").codes[0] == "ROAD-POTHOLE"
    for n in range(6):  # operators chose otherwise for the same words
        case = record(f"轉角那邊路口壞了（{n}）", sidewalk, people)
        assert not SuggestionFeedback.objects.filter(case=case).exists()  # intake does not wait
        assert suggestion.fill_feedback() == 1
        feedback = SuggestionFeedback.objects.get(case=case)
        assert feedback.suggested[0] == "ROAD-POTHOLE" and feedback.chosen == "ROAD-SIDEWALK"
        assert feedback.model_version == 1
    settings.YANKAO_SUGGEST_CORRECTION_WEIGHT = 1
    plain = suggestion.train()
    assert plain.corrections == 6
    assert suggestion.suggest("轉角那邊路口壞了").codes[0] == "ROAD-POTHOLE"
    settings.YANKAO_SUGGEST_CORRECTION_WEIGHT = 3
    weighted = suggestion.train()
    assert weighted.model is not None and weighted.model.version == 3
    assert suggestion.suggest("轉角那邊路口壞了").codes[0] == "ROAD-SIDEWALK"
    assert list(SuggestionModel.objects.filter(active=True).values_list("version", flat=True)) == [
        3
    ]
    consultation, _ = cases.create_case(
        cases.Intake(
            case_type=CaseType.CONSULTATION,
            channel=Channel.HOTLINE,
            description="請問路口壞了找誰",
            answer="已說明",
        ),
        people["operator"],
    )
    suggestion.fill_feedback()
    assert not SuggestionFeedback.objects.filter(case=consultation).exists()


def test_old_category_names_map_to_todays_category(
    by_code: dict[str, Category], people: dict[str, Any], settings: Any
) -> None:
    settings.YANKAO_SUGGEST_MIN_HISTORY = 10
    old = by_code["ROAD-POTHOLE"]
    for text in texts("ROAD-POTHOLE", 10, seed=1):
        record(text, old, people)
    for text in texts("ENV-NOISE", 10, seed=2):
        record(text, by_code["ENV-NOISE"], people)
    suggestion.train()  # learned under the old code
    new = suggestion.supersede_category(old, code="ROAD-HOLE", name_zh="道路坑洞及掏空")
    old.refresh_from_db()
    assert not old.active and old.name_zh == "道路坑洞"  # never renamed in place
    assert new.agency == old.agency and new.parent == old.parent
    assert {a.name for a in CategoryAlias.objects.filter(category=new)} == {
        "ROAD-POTHOLE",
        "道路坑洞",
    }
    assert suggestion.resolve_category("道路坑洞") == new
    assert suggestion.resolve_category("ROAD-POTHOLE") == new
    assert suggestion.resolve_category("道路坑洞及掏空") == new
    assert suggestion.resolve_category("不存在的類別") is None
    # The model trained before the change answers with today's category.
    assert suggestion.suggest("柏油裂開，機車彈起來").codes[0] == "ROAD-HOLE"
    # A later rename chains: outside and old names still arrive at today's category.
    newest = suggestion.supersede_category(new, code="ROAD-HOLE-3", name_zh="路面坑洞")
    CategoryAlias.objects.create(name="市區道路坑洞處理", category=new)
    assert suggestion.resolve_category("市區道路坑洞處理") == newest
    assert suggestion.resolve_category("ROAD-POTHOLE") == newest
    # Retraining: the old cases teach today's category; the keyword fallback never offers old ones.
    result = suggestion.train()
    assert "ROAD-HOLE-3" in result.model.payload["labels"]
    assert "ROAD-POTHOLE" not in result.model.payload["labels"]
    assert suggestion.suggest("柏油裂開，機車彈起來").codes[0] == "ROAD-HOLE-3"


def test_training_command_and_model_keeps_no_personal_data(
    by_code: dict[str, Category], people: dict[str, Any], settings: Any
) -> None:
    settings.YANKAO_SUGGEST_MIN_HISTORY = 10
    out = StringIO()
    call_command("train_suggestions", stdout=out)
    assert "10" in out.getvalue()
    for n in range(12):
        record(f"我的電話0912-345-{n:03d}，柏油裂開，機車彈起來", by_code["ROAD-POTHOLE"], people)
    for n in range(12):
        record(f"信箱user{n}@example.com，唱到半夜", by_code["ENV-NOISE"], people)
    call_command("train_suggestions", stdout=out)
    assert "v1" in out.getvalue()
    payload = str(SuggestionModel.objects.get(active=True).payload)
    assert "0912" not in payload and "example" not in payload
    call_command("train_suggestions", "--keep-active", stdout=out)
    assert SuggestionModel.objects.get(active=True).version == 1
    suggestion.activate(2)
    assert SuggestionModel.objects.get(active=True).version == 2
