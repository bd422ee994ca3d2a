"""The limited markup of FAQ answers: plain text, line breaks and http(s) links, nothing else.

Answers are stored as typed: `[text](https://…)` links and bare https://… addresses become
links when rendered, everything else is escaped, so stored text never reaches a page as HTML.
The chat, the knowledge base pages and the API all render through `render_answer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Characters an address may hold (ASCII, no quotes, brackets, parentheses or angle brackets:
# none of them can end up inside the href).
_URL = r"https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+"
LINK = re.compile(rf"\[(?P<text>[^\[\]\n]{{1,200}})\]\((?P<url>{_URL})\)|(?P<bare>{_URL})")
# A markdown-style link to anything but http(s): refused when an answer is submitted.
OTHER_LINK = re.compile(r"\[[^\[\]\n]{1,200}\]\((?!https?://)[^)\s]*\)", re.IGNORECASE)
HTML_TAG = re.compile(r"</?[A-Za-z!][^>]*>")
TRAILING = ".,;:!?"  # punctuation after a bare address belongs to the sentence


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def _split_bare(url: str) -> tuple[str, str]:
    stripped = url.rstrip(TRAILING)
    return stripped, url[len(stripped) :]


def links(text: str) -> list[Link]:
    """Every link in an answer, in order (the text of a bare address is the address)."""
    found = []
    for match in LINK.finditer(text or ""):
        if match.group("bare"):
            url, _rest = _split_bare(match.group("bare"))
            found.append(Link(url, url))
        else:
            found.append(Link(match.group("text"), match.group("url")))
    return found


def _anchor(text: str, url: str) -> str:
    return (
        f'<a href="{escape(url)}" rel="noopener noreferrer nofollow" target="_blank">'
        f"{escape(text)}</a>"
    )


def render_answer(text: str | None) -> SafeString:
    """HTML for an answer: escaped text with line breaks, http(s) links as links."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        parts.append(escape(text[position : match.start()]))
        if match.group("bare"):
            url, rest = _split_bare(match.group("bare"))
            parts.append(_anchor(url, url) + escape(rest))
        else:
            parts.append(_anchor(match.group("text"), match.group("url")))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>\n"))  # every part is escaped


def plain_answer(text: str | None) -> str:
    """The answer as plain text, links written as "text (address)": for search and exports."""

    def plain(match: re.Match[str]) -> str:
        if match.group("bare"):
            return match.group("bare")
        return f"{match.group('text')} ({match.group('url')})"

    return LINK.sub(plain, text or "")
