"""Conversations with the assistant: what was asked (personal data masked), what was answered,
and whether it helped. Unanswered questions feed the knowledge base editors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .faq import FaqEntry


class Conversation(models.Model):
    key = models.CharField(max_length=40, unique=True)  # random, kept in the citizen's session
    started_at = models.DateTimeField(auto_now_add=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case filed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistant_conversation",
    )

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.started_at:%Y-%m-%d}"


class Exchange(models.Model):
    """One question and the assistant's reply."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="exchanges"
    )
    question = models.TextField(_("question (masked)"))
    answer = models.ForeignKey(
        FaqEntry,
        verbose_name=_("answer given"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confidence = models.FloatField(_("confidence"), default=0)
    sure = models.BooleanField(_("answered with confidence"), default=False)
    feedback = models.SmallIntegerField(_("feedback"), null=True, blank=True)  # +1 or -1
    reviewed = models.BooleanField(_("reviewed by an editor"), default=False)
    asked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["conversation", "asked_at", "pk"]
        indexes = [models.Index(fields=["sure", "reviewed"])]

    def __str__(self) -> str:
        return self.question[:40]
