"""Public JSON API of the assistant: ask a question, give a thumbs up or down. Anonymous
callers are welcome; each connection is limited to YANKAO_ASSISTANT_PER_MINUTE questions.

A conversation is a random key the server returns with the first answer; send it back with the
next questions and with feedback (only that conversation may vote on its answers)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yankao.core.middleware import client_ip

from ..services import answering


class ChatQuestionSerializer(serializers.Serializer):
    question = serializers.CharField(allow_blank=True, trim_whitespace=False)
    conversation = serializers.CharField(
        required=False, allow_blank=True, max_length=answering.KEY_CHARS
    )


class ChatAnswerSerializer(serializers.Serializer):
    entry_id = serializers.IntegerField()
    question = serializers.CharField()
    answer = serializers.CharField(help_text="Plain text; never render it as HTML.")
    agency = serializers.CharField()
    topic = serializers.CharField()
    confidence = serializers.FloatField()


class ChatReplySerializer(serializers.Serializer):
    conversation = serializers.CharField()
    exchange = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=["answer", "not_sure", "refused"])
    message = serializers.CharField()
    sure = serializers.BooleanField()
    confidence = serializers.FloatField()
    answers = ChatAnswerSerializer(many=True)
    topics = serializers.ListField(child=serializers.CharField())
    offer_case = serializers.BooleanField()


class ChatFeedbackSerializer(serializers.Serializer):
    conversation = serializers.CharField(max_length=answering.KEY_CHARS)
    exchange = serializers.IntegerField()
    value = serializers.ChoiceField(choices=[1, -1])


class ChatFeedbackResultSerializer(serializers.Serializer):
    exchange = serializers.IntegerField()
    feedback = serializers.IntegerField()


class ChatView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=ChatQuestionSerializer,
        responses={200: ChatReplySerializer, 429: ChatReplySerializer},
        summary="Ask the assistant a question",
    )
    def post(self, request: Request) -> Response:
        given = ChatQuestionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        key = given.validated_data.get("conversation") or answering.new_conversation_key()
        reply = answering.ask(key, given.validated_data["question"], address=client_ip(request))
        body = {
            "conversation": key,
            "exchange": reply.exchange.pk if reply.exchange else None,
            "kind": reply.kind,
            "message": reply.message,
            "sure": reply.sure,
            "confidence": reply.confidence,
            "answers": [a.__dict__ for a in reply.answers],
            "topics": reply.topics,
            "offer_case": reply.offer_case,
        }
        code = status.HTTP_429_TOO_MANY_REQUESTS if reply.limited else status.HTTP_200_OK
        return Response(ChatReplySerializer(body).data, status=code)


class ChatFeedbackView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=ChatFeedbackSerializer,
        responses={200: ChatFeedbackResultSerializer},
        summary="Thumbs up (1) or down (-1) on an answer of your conversation",
    )
    def post(self, request: Request) -> Response:
        given = ChatFeedbackSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        exchange = answering.exchange_of(data["conversation"], data["exchange"])
        if exchange is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        exchange = answering.feedback(exchange, int(data["value"]))
        return Response({"exchange": exchange.pk, "feedback": exchange.feedback})


urlpatterns = [
    path("assistant/chat/", ChatView.as_view(), name="assistant-chat"),
    path("assistant/chat/feedback/", ChatFeedbackView.as_view(), name="assistant-chat-feedback"),
]
