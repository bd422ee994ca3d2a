"""ROC (民國) dates: 民國112年11月6日 and 112/11/06 ⇄ 2023-11-06.

The zh-Hant UI and reports show ROC years; the English UI and the APIs show ISO dates.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import dateformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

ROC_OFFSET = 1911

_LONG = re.compile(r"^\s*(?:民國|中華民國)?\s*(\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_SHORT = re.compile(r"^\s*(?:民國)?\s*(\d{1,3})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{3})(\d{2})(\d{2})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class RocDateError(ValueError):
    """A text that is not a date; the message is ready to show to the user."""


def roc_year(year: int) -> int:
    return year - ROC_OFFSET


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def format_roc(value: dt.date | dt.datetime, style: str = "long") -> str:
    """`long`: 民國112年11月6日; `short`: 112/11/06; `year`: 民國112年; `month`: 民國112年11月."""
    day = _as_date(value)
    year = roc_year(day.year)
    if year < 1:
        raise RocDateError(_("Dates before the ROC era (1912) cannot be shown as ROC dates."))
    if style == "short":
        return f"{year:03d}/{day.month:02d}/{day.day:02d}"
    if style == "year":
        return f"民國{year}年"
    if style == "month":
        return f"民國{year}年{day.month}月"
    return f"民國{year}年{day.month}月{day.day}日"


def format_roc_datetime(value: dt.datetime) -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_roc(local, 'short')} {local:%H:%M}"


def parse_roc(text: str) -> dt.date:
    """Read 民國112年11月6日, 112/11/06, 112.11.06, 1121106 or ISO 2023-11-06."""
    if text is None or not str(text).strip():
        raise RocDateError(_("Enter a date."))
    text = str(text).strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _LONG.match(text) or _SHORT.match(text) or _COMPACT.match(text)
        if not match:
            raise RocDateError(
                _("“%(text)s” is not a date. Use 民國112年11月6日, 112/11/06 or 2023-11-06.")
                % {"text": text[:40]}
            )
        roc, month, day = (int(g) for g in match.groups())
        if roc < 1:
            raise RocDateError(_("The ROC year must be 1 or later."))
        year = roc + ROC_OFFSET
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise RocDateError(
            _("“%(text)s” is not a real calendar date.") % {"text": text[:40]}
        ) from exc


def format_for_language(value: dt.date | dt.datetime | None, style: str = "long") -> str:
    """ROC in Chinese, ISO in English: what templates and exports show."""
    if value is None or value == "":
        return ""
    lang = (get_language() or "zh-hant").lower()
    if lang.startswith("zh"):
        if isinstance(value, dt.datetime) and style == "datetime":
            return format_roc_datetime(value)
        return format_roc(value, "short" if style == "datetime" else style)
    if isinstance(value, dt.datetime) and style == "datetime":
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    day = _as_date(value)
    if style == "month":
        return dateformat.format(day, "F Y")
    return str(day.year) if style == "year" else day.isoformat()
