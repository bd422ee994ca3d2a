"""`{% load faq_markup %}{{ entry.answer|faq_answer }}`: an FAQ answer with its links, the rest
escaped (see `yankao.assistant.markup`)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..markup import render_answer

register = template.Library()


@register.filter
def faq_answer(text: str | None) -> SafeString:
    return render_answer(text)
