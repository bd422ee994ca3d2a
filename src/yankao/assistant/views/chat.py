"""The citizens' chat with the assistant (no login, phone first) and its hand-off to a case,
plus the editors' list of unanswered questions.

The chat is a plain form: with htmx each question and each thumbs up/down swaps in a fragment,
without JavaScript the page posts, redirects and shows the conversation again (kept in the
session). Everything a citizen typed is shown as escaped text, masked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yankao.agencies.roles import BusinessLine
from yankao.agencies.services import can_write
from yankao.cases.forms import MailboxForm
from yankao.core.middleware import client_ip

from ..models import Conversation
from ..services import answering

SESSION_KEY = "assistant_conversation"
SESSION_REPLIES = "assistant_replies"
KEEP_REPLIES = 12


class QuestionForm(forms.Form):
    # No max_length here: an over-long question gets the assistant's own reply, not a form error.
    question = forms.CharField(
        label=gettext_lazy("Your question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )


def conversation_key(request: HttpRequest, *, create: bool = True) -> str:
    key = request.session.get(SESSION_KEY, "")
    if not key and create:
        key = answering.new_conversation_key()
        request.session[SESSION_KEY] = key
    return key


def as_dict(reply: answering.Reply) -> dict[str, Any]:
    """A reply as plain data: kept in the session and handed to the templates."""
    return {
        "kind": reply.kind,
        "message": reply.message,
        "question": reply.question,
        "sure": reply.sure,
        "confidence": reply.confidence,
        "topics": reply.topics,
        "offer_case": reply.offer_case,
        "exchange_id": reply.exchange.pk if reply.exchange else None,
        "answers": [
            {
                "id": a.entry_id,
                "question": a.question,
                "answer": a.answer,
                "agency": a.agency,
                "topic": a.topic,
                "confidence": a.confidence,
            }
            for a in reply.answers
        ],
        "feedback": None,
    }


class ChatView(View):
    template_name = "assistant/chat.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"form": QuestionForm(), "replies": request.session.get(SESSION_REPLIES, [])},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = QuestionForm(request.POST)
        text = form.data.get("question", "") if form.is_bound else ""
        reply = answering.ask(conversation_key(request), str(text), address=client_ip(request))
        data = as_dict(reply)
        if reply.kind == answering.Kind.REFUSED:
            data["question"] = ""  # refused text is not kept, not even shown back
        replies = [*request.session.get(SESSION_REPLIES, []), data][-KEEP_REPLIES:]
        request.session[SESSION_REPLIES] = replies
        status = 429 if reply.limited else 200
        if request.htmx:
            return render(request, "assistant/_chat_reply.html", {"reply": data}, status=status)
        if status == 429:
            return render(
                request,
                self.template_name,
                {"form": QuestionForm(), "replies": replies},
                status=status,
            )
        return HttpResponseRedirect(reverse("assistant:chat") + "#latest")


class FeedbackView(View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        exchange = answering.exchange_of(conversation_key(request, create=False), pk)
        if exchange is None:
            raise Http404
        try:
            value = int(request.POST.get("value", "0"))
            answering.feedback(exchange, value)
        except ValueError as exc:
            raise Http404 from exc
        replies = request.session.get(SESSION_REPLIES, [])
        for data in replies:
            if data.get("exchange_id") == exchange.pk:
                data["feedback"] = value
        request.session[SESSION_REPLIES] = replies
        if request.htmx:
            return render(
                request,
                "assistant/_chat_feedback.html",
                {"exchange_id": exchange.pk, "feedback": value},
            )
        return HttpResponseRedirect(reverse("assistant:chat") + "#latest")


class HandoffView(View):
    """File a mayor's-mailbox petition from the conversation: prefilled, the citizen completes
    name and contact and confirms."""

    template_name = "assistant/handoff.html"

    def _conversation(self, request: HttpRequest) -> Conversation:
        key = conversation_key(request, create=False)
        conversation = Conversation.objects.filter(key=key).first() if key else None
        if conversation is None or not conversation.exchanges.exists():
            raise Http404
        return conversation

    def get(self, request: HttpRequest) -> HttpResponse:
        conversation = self._conversation(request)
        if conversation.case_id is not None:
            return render(request, "assistant/handoff_done.html", {"case": conversation.case})
        form = MailboxForm(initial=answering.prefill(conversation))
        return render(
            request,
            self.template_name,
            {"form": form, "transcript": answering.transcript(conversation)},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        from yankao.cases.views import _rate_limited

        conversation = self._conversation(request)
        if conversation.case_id is not None:  # a second submit: the case filed already
            return render(request, "assistant/handoff_done.html", {"case": conversation.case})
        form = MailboxForm(request.POST)
        context = {"form": form, "transcript": answering.transcript(conversation)}
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        data = form.cleaned_data
        if data["website"]:  # a bot filled the hidden field
            return render(request, self.template_name, context, status=400)
        if _rate_limited(request):
            form.add_error(
                None, _("Too many messages from your connection; please try again in an hour.")
            )
            return render(request, self.template_name, context, status=429)
        petition = answering.Petition(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            subject=data["subject"],
            description=data["description"],
            category=data["category"],
            district=data["district"],
            address=data["address"],
            confidential=data["confidential"],
        )
        try:
            case, code = answering.file_case(conversation, petition)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return render(request, self.template_name, context, status=400)
        return render(request, "assistant/handoff_done.html", {"case": case, "code": code})


class UnansweredView(LoginRequiredMixin, View):
    """Questions the assistant was not sure about or whose answer got a thumbs down (scoped)."""

    template_name = "assistant/unanswered.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(answering.unanswered(request.user), 50).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {"page_obj": page, "may_write": can_write(request.user, BusinessLine.ASSISTANT)},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        ids = [int(v) for v in request.POST.getlist("exchange") if v.isdigit()]
        done = answering.mark_reviewed(request.user, ids)
        messages.success(request, _("%(n)s question(s) marked as reviewed.") % {"n": done})
        return HttpResponseRedirect(reverse("assistant:unanswered"))
