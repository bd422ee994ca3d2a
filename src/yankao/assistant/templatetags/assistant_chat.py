"""Answers as citizens read them: escaped text, line breaks kept, only http(s) links clickable."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A URL ends before white space, quotes, angle brackets and CJK punctuation or letters.
URL = re.compile(r"https?://[^\s<>\"'）」』】，。；、\u3400-\u9fff]+", re.IGNORECASE)
TRAILING = ".,;:!?)]"
BLANK_LINES = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+\n")


def _link(url: str) -> tuple[str, str]:
    stripped = url.rstrip(TRAILING)
    return stripped, url[len(stripped) :]


@register.filter
def answer_text(value: object) -> SafeString:
    """Escape everything, then make http(s) URLs links and line breaks <br>."""
    text = BLANK_LINES.sub("\n\n", str(value or "").strip())
    parts: list[str] = []
    position = 0
    for match in URL.finditer(text):
        parts.append(escape(text[position : match.start()]))
        url, rest = _link(match.group(0))
        parts.append(
            format_html('<a href="{}" rel="noopener nofollow" target="_blank">{}</a>', url, url)
        )
        parts.append(escape(rest))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))
