"""Citizens' text as the assistant reads it: one normal form, tokens, and personal data masked.

`normalize` makes Simplified and Traditional, full- and half-width, upper and lower case read
the same (OpenCC character conversion to Traditional Chinese as used in Taiwan; not the phrase
table, which rewrites Taiwan words already in Traditional: 社區 → 社群, 登錄 → 登入; words that
differ, 摩托车/機車, meet through the synonym lists);
`tokens` is the segmentation every index and query uses (jieba over the Simplified form, whose
dictionary it was built for, so 路燈 and 路灯 give the same token); `mask_personal_data` hides
phone numbers, ID numbers and e-mail addresses before anything is stored or shown.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from functools import cache

TAG = re.compile(r"<[^>]{0,200}>")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPACE = re.compile(r"\s+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ID_NUMBER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][1289]\d{8}(?!\d)")
MOBILE = re.compile(r"(?<!\d)(?:\+?886[-\s]?|0)9\d{2}[-\s]?\d{3}[-\s]?\d{3}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{1,2}\)|0\d{1,2})[-\s]?\d{3,4}[-\s]?\d{4}(?!\d)")
MASK = "＊"
SEPARATORS = re.compile(r"[\W_]+")


@cache
def _converter(config: str) -> object:
    import opencc

    return opencc.OpenCC(config)


@cache
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def normalize(text: str) -> str:
    """One form for matching: no HTML, NFKC (full-width → half-width), Traditional (Taiwan),
    Latin letters lower-cased, runs of white space made one space."""
    text = html.unescape(TAG.sub(" ", text or ""))
    text = unicodedata.normalize("NFKC", CONTROL.sub(" ", text))
    text = _converter("s2tw").convert(text)  # type: ignore[attr-defined]
    return SPACE.sub(" ", text).strip().lower()


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def tokens(text: str) -> list[str]:
    """The words of a text, deterministic, for indexing and for queries alike."""
    return _words_of(normalize(text))


def _words_of(clean: str) -> list[str]:
    simplified = _converter("t2s").convert(clean)  # type: ignore[attr-defined]
    words = _jieba().cut_for_search(simplified)  # type: ignore[attr-defined]
    return [w for w in (w.strip() for w in words) if w and _is_word(w)]


def char_pairs(text: str) -> list[str]:
    """Overlapping character pairs inside each run of letters: robust to how words are split."""
    pairs: list[str] = []
    for run in SEPARATORS.split(text.lower()):
        pairs.extend("#" + run[i : i + 2] for i in range(len(run) - 1))
    return pairs


def words_and_pairs(text: str) -> list[str]:
    """The words and the character pairs of a case text, normalised once: what the category
    suggester and FAQ mining compare."""
    clean = normalize(text)
    return _words_of(clean) + char_pairs(clean)


def mask_personal_data(text: str) -> str:
    """Hide e-mail addresses, ID numbers and phone numbers (mobile and landline) with ＊."""

    def hide(match: re.Match[str]) -> str:
        return MASK * len(match.group(0))

    for pattern in (EMAIL, ID_NUMBER, MOBILE, LANDLINE):
        text = pattern.sub(hide, text)
    return text
