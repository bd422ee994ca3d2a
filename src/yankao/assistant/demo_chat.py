"""Demo step (after the FAQ import): a few citizens' conversations with the assistant, some
answered and rated, some it was not sure of, so "Unanswered questions" has work in it. All go
through `answering.ask` and `answering.feedback`, the way the chat page uses them."""

from __future__ import annotations

from yankao.core.demo import DemoContext

from .services import answering

CONVERSATIONS: list[list[tuple[str, int | None]]] = [
    [("房屋稅什麼時候要繳？", 1), ("可以用信用卡繳房屋稅嗎", None)],
    [("婚假有幾天", 1), ("特休沒休完公司要給錢嗎", None)],
    [("護照遺失要怎麼辦", -1)],
    [("我家巷口的路燈不亮，電話0912345678", None)],
    [("請問高雄哪裡可以看煙火", None), ("跨年晚會幾點開始", None)],
    [("垃圾車幾點會來", None)],
]


def populate(context: DemoContext) -> None:
    asked = unsure = 0
    for turns in CONVERSATIONS:
        key = answering.new_conversation_key()
        for question, rating in turns:
            reply = answering.ask(key, question)
            asked += 1
            unsure += reply.kind == answering.Kind.NOT_SURE
            if rating is not None and reply.exchange is not None and reply.answers:
                answering.feedback(reply.exchange, rating)
    context.summary.append(
        f"智能客服：示範對話 {len(CONVERSATIONS)} 段、提問 {asked} 則（{unsure} 則未能確定）"
    )
