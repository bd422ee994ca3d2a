"""Answering citizens' questions from the knowledge base, and what is kept of it.

`ask` refuses what cannot be a question (empty, too long, no words) with a reply saying why,
finds the best entries, and answers when the retriever's confidence reaches
`YANKAO_ASSISTANT_CONFIDENCE`; below it, it says it is not sure, names the closest topics and
offers to file a case. Every answered or "not sure" question is logged as an `Exchange` with the
citizen's personal data masked; the entry given gets a view. `feedback` records a thumbs up or
down; `unanswered` lists what editors should look at (not sure, or thumbs down).

Nothing here renders HTML: the texts are plain and the templates escape them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import can_write, scope_queryset
from yankao.core.services import over_limit

from .. import retrieval
from ..models import Conversation, Exchange, FaqEntry
from ..text import CONTROL, TAG, mask_personal_data, normalize

TOP = 3
KEY_CHARS = 40
# Script and style blocks say nothing a citizen asks: dropped with their content, not just tags.
CODE_BLOCK = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


class Kind:
    ANSWER = "answer"
    NOT_SURE = "not_sure"
    REFUSED = "refused"


@dataclass(frozen=True)
class Answer:
    entry_id: int
    question: str
    answer: str
    agency: str
    topic: str
    confidence: float


@dataclass
class Reply:
    kind: str
    message: str
    answers: list[Answer] = field(default_factory=list)
    confidence: float = 0.0
    sure: bool = False
    topics: list[str] = field(default_factory=list)
    exchange: Exchange | None = None
    question: str = ""  # what the citizen typed, masked, for showing back (as text)
    limited: bool = False  # refused by the rate limit

    @property
    def offer_case(self) -> bool:
        return self.kind == Kind.NOT_SURE


def new_conversation_key() -> str:
    return secrets.token_urlsafe(24)[:KEY_CHARS]


def threshold() -> float:
    return float(settings.YANKAO_ASSISTANT_CONFIDENCE)


def refusal(text: str) -> str | None:
    """Why this text cannot be answered, in the citizen's language; None when it can."""
    if not (text or "").strip():
        return _("Please type your question.")
    limit = settings.YANKAO_ASSISTANT_MAX_CHARS
    if len(text) > limit:
        return _(
            "Your question is %(n)s characters long; the assistant reads at most %(max)s. "
            "Please shorten it, or file a case through the mayor's mailbox for a longer matter."
        ) % {"n": len(text), "max": limit}
    if not any(ch.isalnum() for ch in normalize(CODE_BLOCK.sub(" ", text))):
        if TAG.search(text):
            return _("Please type your question as plain words; web code is not read.")
        return _("Please type your question in words; emoji and symbols alone cannot be read.")
    return None


def rate_limited(address: str | None) -> bool:
    """More than YANKAO_ASSISTANT_PER_MINUTE questions from one connection in a minute."""
    if not address:
        return False
    return over_limit(f"assistant:ask:{address}", settings.YANKAO_ASSISTANT_PER_MINUTE, 60)


def rate_limit_message() -> str:
    return _("You have asked many questions in a short time. Please wait a minute and ask again.")


def masked(text: str) -> str:
    """What is kept and shown of a citizen's text: plain characters, personal data hidden."""
    limit = settings.YANKAO_ASSISTANT_MAX_CHARS
    return mask_personal_data(CONTROL.sub(" ", text or "")).strip()[:limit]


def conversation_for(key: str) -> Conversation:
    key = (key or "")[:KEY_CHARS] or new_conversation_key()
    conversation, _created = Conversation.objects.get_or_create(key=key)
    return conversation


def ask(conversation_key: str, text: str, *, address: str | None = None) -> Reply:
    """Answer one question of a conversation (created when new); see the module docstring."""
    if rate_limited(address):
        return Reply(Kind.REFUSED, rate_limit_message(), limited=True)
    why = refusal(text)
    if why is not None:
        return Reply(Kind.REFUSED, why)
    retriever = retrieval.current()
    # What is searched is what is kept: masked, without script blocks (their words are code).
    searched = CODE_BLOCK.sub(" ", masked(text))
    results = retriever.search(searched, k=5)
    confidence = retriever.confidence(searched, results)
    sure = bool(results) and confidence >= threshold()
    entries = FaqEntry.objects.select_related("agency", "topic").in_bulk(
        [pk for pk, _score in results]
    )
    answers: list[Answer] = []
    for rank, (pk, score) in enumerate(results):
        entry = entries.get(pk)
        if entry is None:
            continue
        share = confidence if rank == 0 else round(confidence * score / results[0][1], 3)
        answers.append(
            Answer(
                entry.pk,
                entry.question,
                entry.answer,
                entry.agency.short_name or entry.agency.name_zh,
                entry.topic.name if entry.topic else "",
                share,
            )
        )
    answers = answers[:TOP]
    topics = list(dict.fromkeys(a.topic for a in answers if a.topic))
    question = masked(text)
    with transaction.atomic():
        conversation = conversation_for(conversation_key)
        exchange = Exchange.objects.create(
            conversation=conversation,
            question=question,
            answer_id=answers[0].entry_id if sure else None,
            confidence=confidence,
            sure=sure,
        )
        if sure:
            FaqEntry.objects.filter(pk=answers[0].entry_id).update(views=F("views") + 1)
    if sure:
        message = _("Here is what the city's FAQ says:")
        return Reply(Kind.ANSWER, message, answers, confidence, True, topics, exchange, question)
    message = _(
        "I am not sure I understood. The closest topics are below; if none of these answers "
        "your question, you can file a case and the responsible agency will reply."
    )
    return Reply(Kind.NOT_SURE, message, answers, confidence, False, topics, exchange, question)


def feedback(exchange: Exchange, value: int) -> Exchange:
    """A thumbs up (+1) or down (-1) on an answer; a changed mind moves the entry's counts."""
    if value not in (1, -1):
        raise ValueError("feedback is +1 or -1")
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        previous = locked.feedback
        if previous == value:
            return locked
        locked.feedback = value
        if value == -1:
            locked.reviewed = False  # a thumbs down puts it back in front of the editors
        locked.save(update_fields=["feedback", "reviewed"])
        if locked.answer_id is not None:
            changes: dict[str, Any] = {}
            if previous == 1:
                changes["helpful"] = F("helpful") - 1
            elif previous == -1:
                changes["unhelpful"] = F("unhelpful") - 1
            if value == 1:
                changes["helpful"] = F("helpful") + 1
            else:
                changes["unhelpful"] = F("unhelpful") + 1
            FaqEntry.objects.filter(pk=locked.answer_id).update(**changes)
    return locked


def exchange_of(conversation_key: str, exchange_id: int) -> Exchange | None:
    """The exchange, only for the conversation that asked it (a stranger cannot vote)."""
    if not conversation_key:
        return None
    return Exchange.objects.filter(
        pk=exchange_id, conversation__key=conversation_key[:KEY_CHARS]
    ).first()


# --- For the knowledge base editors -------------------------------------------------------


def visible_exchanges(user: Any) -> QuerySet[Exchange]:
    """Citywide assistant staff see every exchange; an agency sees those its entries answered."""
    return scope_queryset(
        Exchange.objects.select_related("answer", "answer__agency", "conversation"),
        user,
        line=BusinessLine.ASSISTANT,
        agency_fields=("answer__agency",),
    )


def unanswered(user: Any) -> QuerySet[Exchange]:
    """Questions the assistant was not sure about or whose answer got a thumbs down."""
    return (
        visible_exchanges(user)
        .filter(Q(sure=False) | Q(feedback=-1))
        .filter(reviewed=False)
        .order_by("-asked_at", "-pk")
    )


def mark_reviewed(user: Any, exchange_ids: list[int]) -> int:
    if not can_write(user, BusinessLine.ASSISTANT):
        return 0
    return visible_exchanges(user).filter(pk__in=exchange_ids).order_by().update(reviewed=True)


def transcript(conversation: Conversation) -> str:
    """The conversation as plain text, masked, for the case it turns into."""
    lines = []
    for exchange in conversation.exchanges.select_related("answer"):
        lines.append(f"{_('Citizen')}：{exchange.question}")
        if exchange.sure and exchange.answer is not None:
            lines.append(f"{_('Assistant')}：{exchange.answer.question}")
        else:
            lines.append(f"{_('Assistant')}：{_('(not sure; offered to file a case)')}")
    return "\n".join(lines)


# --- Hand-off: the conversation becomes a mayor's-mailbox petition --------------------------


@dataclass
class Petition:
    """What the citizen confirmed on the hand-off form."""

    name: str
    email: str
    subject: str
    description: str
    category: Any
    phone: str = ""
    district: str = ""
    address: str = ""
    confidential: bool = False
    idempotency_key: str = ""


def prefill(conversation: Conversation) -> dict[str, Any]:
    """The petition as far as the conversation tells: subject and text from what was asked
    (masked), the category the suggester ranks first."""
    from .suggestion import suggest

    asked = [e.question for e in conversation.exchanges.all() if e.question]
    unanswered_first = [
        e.question for e in conversation.exchanges.all() if not e.sure or e.feedback == -1
    ]
    main = (unanswered_first or asked or [""])[-1]
    initial: dict[str, Any] = {"subject": main[:40], "description": main}
    if main:
        suggestions = suggest(main, "").suggestions
        if suggestions:
            initial["category"] = suggestions[0].category.pk
    return initial


def file_case(conversation: Conversation, petition: Petition) -> tuple[Any, str]:
    """Record the petition (channel: assistant hand-off) with the conversation's masked
    transcript appended, and tie the conversation to it. Idempotent: a conversation files one
    case; a repeated submit (same key) returns it (with an empty tracking code)."""
    from yankao.cases import services as cases
    from yankao.cases.models import Case, CaseType, Channel

    if conversation.case_id is not None:
        return Case.objects.get(pk=conversation.case_id), ""
    heading = _("Conversation with the assistant (personal data masked)")
    record = f"{heading}\n{transcript(conversation)}"
    text = petition.description.strip()
    room = cases.MAX_TEXT - len(text) - 2
    description = f"{text}\n\n{record[:room]}" if room > len(heading) + 1 else text
    intake = cases.Intake(
        case_type=CaseType.PETITION,
        channel=Channel.ASSISTANT,
        subject=petition.subject,
        description=description,
        category=petition.category,
        district=petition.district,
        address=petition.address,
        confidential=petition.confidential,
        petitioner=cases.PetitionerData(
            name=petition.name, email=petition.email, phone=petition.phone
        ),
        idempotency_key=f"assistant:{conversation.key}",
    )
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.case_id is not None:
            return Case.objects.get(pk=locked.case_id), ""
        case, code = cases.create_case(intake, None)
        locked.case = case
        locked.save(update_fields=["case"])
    conversation.case = case
    return case, code
