"""Answering: the right entry for paraphrases, Simplified input, typos and synonyms; "not sure"
out of scope; bad input; masked logs; feedback; rate limit; the hand-off to one case."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from yankao.assistant import retrieval
from yankao.assistant.models import Conversation, Exchange, FaqEntry, FaqStatus, Synonym, Topic
from yankao.assistant.services import answering
from yankao.cases.conftest import categories  # noqa: F401
from yankao.cases.models import Case, Channel

pytestmark = pytest.mark.django_db

FAQ = [
    ("環保", "epb", "家中若有大型家具、家電等巨大垃圾如何處理？", "請撥打清潔隊專線預約清運。"),
    ("環保", "epb", "藥品容器丟棄方式", "空藥罐請回收，針頭請送回醫療院所。"),
    ("工務", "pwb", "我家門前的路燈不亮，要向哪個單位報修？", "請撥 1999 或上網報修路燈。"),
    (
        "工務",
        "pwb",
        "請問招牌要如何申請？",
        "招牌請向工務局建築管理處申請，網址：https://build.kcg.gov.tw/ 。",
    ),
    (
        "交通",
        "pwb",
        "機車停放在未劃設紅黃線之道路邊上，為何會遭取締違規停車？",
        "依道路交通管理處罰條例取締。",
    ),
    ("研考", "rdec", "市長信箱送出後為何沒有收到確認信？", "請檢查垃圾郵件匣，或撥 1999 查詢。"),
]


@pytest.fixture
def faq(agencies: dict[str, Any]) -> dict[str, FaqEntry]:
    cache.clear()
    retrieval.invalidate()
    entries = {}
    for topic, agency, question, answer in FAQ:
        entries[question[:4]] = FaqEntry.objects.create(
            agency=agencies[agency],
            topic=Topic.objects.get_or_create(name=topic)[0],
            question=question,
            answer=answer,
            status=FaqStatus.PUBLISHED,
            version=1,
        )
    FaqEntry.objects.create(
        agency=agencies["epb"], question="草稿：資源回收時間", answer="草稿", status=FaqStatus.DRAFT
    )
    Synonym.objects.create(terms="路燈,街燈")
    Synonym.objects.create(terms="機車,摩托車")
    return entries


def top(question: str) -> str:
    reply = answering.ask("t", question)
    return reply.answers[0].question if reply.answers else ""


def test_paraphrases_simplified_and_typos_find_the_entry(faq: dict[str, FaqEntry]) -> None:
    assert top("大型家具要丟掉怎麼辦") == faq["家中若有"].question
    assert top("旧家具大型垃圾怎么处理") == faq["家中若有"].question  # Simplified
    assert top("招排要怎麼申請") == faq["請問招牌"].question  # 牌 typed as 排
    assert top("摩托车停路边为什么被开罚单") == faq["機車停放"].question  # Simplified + synonym


def test_a_synonym_list_makes_other_words_meet(faq: dict[str, FaqEntry]) -> None:
    reply = answering.ask("t", "街燈不亮要找誰報修")
    assert reply.sure and reply.answers[0].entry_id == faq["我家門前"].pk
    Synonym.objects.filter(terms="路燈,街燈").update(active=False)
    retrieval.invalidate()
    without = answering.ask("t", "街燈不亮要找誰報修")
    assert not without.answers or without.answers[0].confidence < reply.confidence


def test_out_of_scope_is_not_sure_and_offers_topics_and_a_case(faq: dict[str, FaqEntry]) -> None:
    reply = answering.ask("t", "明天高雄會下雨嗎")
    assert reply.kind == answering.Kind.NOT_SURE and not reply.sure and reply.offer_case
    assert reply.exchange is not None and reply.exchange.answer is None


def test_drafts_are_never_answered(faq: dict[str, FaqEntry]) -> None:
    reply = answering.ask("t", "草稿：資源回收時間")
    assert all(a.question != "草稿：資源回收時間" for a in reply.answers)


def test_a_sure_answer_is_logged_masked_and_counts_a_view(faq: dict[str, FaqEntry]) -> None:
    entry = faq["藥品容器"]
    reply = answering.ask("c1", "藥品容器要怎麼丟？0912-345-678 A123456789 a@b.tw")
    assert reply.sure and reply.answers[0].entry_id == entry.pk
    exchange = Exchange.objects.get()
    assert "0912" not in exchange.question and "A123456789" not in exchange.question
    assert "a@b.tw" not in exchange.question and "藥品容器" in exchange.question
    assert exchange.answer == entry and exchange.conversation.key == "c1"
    entry.refresh_from_db()
    assert entry.views == 1


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "請輸入您的問題"),
        ("   ", "請輸入您的問題"),
        ("😀😀🎉", "表情符號"),
        ("<script>alert(1)</script>", "網頁程式碼"),
        ("路燈" * 200, "最多只讀 300"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_is_not_logged(
    faq: dict[str, FaqEntry], text: str, words: str
) -> None:
    reply = answering.ask("t", text)
    assert reply.kind == answering.Kind.REFUSED and words in reply.message
    assert not Exchange.objects.exists()


def test_html_around_a_question_is_read_as_text(faq: dict[str, FaqEntry]) -> None:
    reply = answering.ask("t", "<b>招牌</b>要如何申請<img src=x onerror=alert(1)>")
    assert reply.answers[0].entry_id == faq["請問招牌"].pk


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_any_text_never_raises_and_never_returns_html(faq: dict[str, FaqEntry], text: str) -> None:
    reply = answering.ask("h", text)
    assert reply.kind in (answering.Kind.ANSWER, answering.Kind.NOT_SURE, answering.Kind.REFUSED)
    assert 0.0 <= reply.confidence <= 1.0
    for answer in reply.answers:
        assert "<" not in answer.question
    assert "<script" not in reply.question.lower() or reply.question == answering.masked(text)


def test_feedback_moves_the_counts_and_a_change_of_mind_moves_them_back(
    faq: dict[str, FaqEntry],
) -> None:
    reply = answering.ask("c", "招牌要怎麼申請")
    exchange = reply.exchange
    assert exchange is not None
    answering.feedback(exchange, 1)
    answering.feedback(exchange, 1)  # the same again changes nothing
    entry = faq["請問招牌"]
    entry.refresh_from_db()
    assert (entry.helpful, entry.unhelpful) == (1, 0)
    answering.feedback(exchange, -1)
    entry.refresh_from_db()
    assert (entry.helpful, entry.unhelpful) == (0, 1)
    with pytest.raises(ValueError):
        answering.feedback(exchange, 5)
    assert answering.exchange_of("someone else", exchange.pk) is None


def test_unanswered_questions_are_scoped_and_marked_reviewed(
    faq: dict[str, FaqEntry], people: dict[str, Any]
) -> None:
    answering.ask("c", "明天高雄會下雨嗎")
    disliked = answering.ask("c", "招牌要怎麼申請").exchange
    answering.feedback(disliked, -1)  # type: ignore[arg-type]
    answering.ask("c", "藥品容器要怎麼丟")  # sure, no feedback: not listed
    assert answering.unanswered(people["rdec_case"]).count() == 2
    assert list(answering.unanswered(people["pwb_officer"])) == [disliked]  # its own entry only
    assert not answering.unanswered(people["epb_officer"]).exists()
    assert answering.mark_reviewed(people["viewer"], [disliked.pk]) == 0  # type: ignore[union-attr]
    assert answering.mark_reviewed(people["pwb_officer"], [disliked.pk]) == 1  # type: ignore[union-attr]
    assert answering.unanswered(people["rdec_case"]).count() == 1


def test_the_unanswered_page(client: Any, faq: dict[str, FaqEntry], people: dict[str, Any]) -> None:
    answering.ask("c", "明天高雄會下雨嗎<b>x</b>")
    client.force_login(people["rdec_case"])
    page = client.get(reverse("assistant:unanswered"))
    assert page.status_code == 200 and "明天高雄會下雨嗎&lt;b&gt;" in page.content.decode()
    exchange = Exchange.objects.get()
    client.post(reverse("assistant:unanswered"), {"exchange": [exchange.pk]})
    exchange.refresh_from_db()
    assert exchange.reviewed
    client.logout()
    assert client.get(reverse("assistant:unanswered")).status_code == 302  # login first


def test_the_chat_page_without_javascript(client: Any, faq: dict[str, FaqEntry]) -> None:
    assert client.get(reverse("assistant:chat")).status_code == 200
    response = client.post(reverse("assistant:chat"), {"question": "招牌要怎麼申請"})
    assert response.status_code == 302
    page = client.get(reverse("assistant:chat")).content.decode()
    assert "招牌請向工務局建築管理處申請" in page
    assert '<a href="https://build.kcg.gov.tw/" rel="noopener nofollow"' in page
    client.post(reverse("assistant:chat"), {"question": "<script>alert(1)</script>招牌"})
    page = client.get(reverse("assistant:chat")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    exchange = Exchange.objects.order_by("pk").first()
    client.post(reverse("assistant:feedback", args=[exchange.pk]), {"value": "1"})
    exchange.refresh_from_db()
    assert exchange.feedback == 1


def test_only_http_links_are_clickable() -> None:
    from yankao.assistant.templatetags.assistant_chat import answer_text

    html = str(answer_text("見 https://a.tw/x?y=1&z=2 、javascript:alert(1) <b>粗</b>\n下一行"))
    assert '<a href="https://a.tw/x?y=1&amp;z=2"' in html
    assert "javascript:alert(1)" in html and 'href="javascript' not in html
    assert "&lt;b&gt;" in html and "<br>" in html


def test_the_chat_page_rate_limit(client: Any, faq: dict[str, FaqEntry], settings: Any) -> None:
    settings.YANKAO_ASSISTANT_PER_MINUTE = 2
    url = reverse("assistant:chat")
    assert client.post(url, {"question": "招牌"}).status_code == 302
    assert client.post(url, {"question": "招牌"}).status_code == 302
    limited = client.post(url, {"question": "招牌"})
    assert limited.status_code == 429 and "稍候一分鐘" in limited.content.decode()
    assert Exchange.objects.count() == 2


def test_the_api(client: Any, faq: dict[str, FaqEntry], settings: Any) -> None:
    url = reverse("assistant-chat")
    body = client.post(url, {"question": "招牌要怎麼申請"}, content_type="application/json").json()
    assert (
        body["kind"] == "answer"
        and body["sure"]
        and body["answers"][0]["entry_id"] == faq["請問招牌"].pk
    )
    again = client.post(
        url,
        {"question": "明天會下雨嗎", "conversation": body["conversation"]},
        content_type="application/json",
    ).json()
    assert (
        again["kind"] == "not_sure"
        and again["offer_case"]
        and again["conversation"] == body["conversation"]
    )
    assert Conversation.objects.count() == 1
    vote = client.post(
        reverse("assistant-chat-feedback"),
        {"conversation": body["conversation"], "exchange": body["exchange"], "value": -1},
        content_type="application/json",
    )
    assert vote.status_code == 200 and vote.json()["feedback"] == -1
    stranger = client.post(
        reverse("assistant-chat-feedback"),
        {"conversation": "other", "exchange": body["exchange"], "value": 1},
        content_type="application/json",
    )
    assert stranger.status_code == 404
    refused = client.post(url, {"question": ""}, content_type="application/json").json()
    assert refused["kind"] == "refused" and refused["exchange"] is None
    settings.YANKAO_ASSISTANT_PER_MINUTE = 0
    assert (
        client.post(url, {"question": "招牌"}, content_type="application/json").status_code == 429
    )


def test_the_handoff_files_one_case_with_the_masked_transcript(
    client: Any,
    faq: dict[str, FaqEntry],
    categories: dict[str, Any],  # noqa: F811
) -> None:
    client.post(reverse("assistant:chat"), {"question": "招牌要怎麼申請"})
    client.post(reverse("assistant:chat"), {"question": "我家巷口一直有人燒垃圾，電話0912345678"})
    form = client.get(reverse("assistant:handoff"))
    assert form.status_code == 200
    assert "我家巷口一直有人燒垃圾" in form.content.decode()  # prefilled
    data = {
        "name": "王小明",
        "email": "ming@example.com",
        "phone": "0912345678",
        "subject": "巷口燒垃圾",
        "description": "我家巷口一直有人燒垃圾，請處理",
        "category": categories["noise"].pk,
        "website": "",
    }
    bad = client.post(reverse("assistant:handoff"), data | {"email": "not-an-email"})
    assert bad.status_code == 400 and "我家巷口一直有人燒垃圾，請處理" in bad.content.decode()
    done = client.post(reverse("assistant:handoff"), data)
    assert done.status_code == 200
    case = Case.objects.get()
    assert case.number in done.content.decode()
    assert case.channel == Channel.ASSISTANT and case.petitioner.name == "王小明"
    assert "我家巷口一直有人燒垃圾，請處理" in case.description
    assert "招牌要怎麼申請" in case.description and "0912345678" not in case.description
    assert Conversation.objects.get().case == case
    again = client.post(reverse("assistant:handoff"), data)  # double submit
    assert again.status_code == 200 and case.number in again.content.decode()
    assert Case.objects.count() == 1


def test_no_handoff_without_a_conversation(client: Any, faq: dict[str, FaqEntry]) -> None:
    assert client.get(reverse("assistant:handoff")).status_code == 404
