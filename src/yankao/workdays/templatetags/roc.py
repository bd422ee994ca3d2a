"""Template filters for dates: `{{ d|roc }}`, `{{ d|roc:"short" }}`, `{{ dt|roc:"datetime" }}`.

`{{ d|roc:"month" }}` gives a month heading: 民國113年2月, or "February 2024" in English.

Loaded as a builtin, so every template has them.
"""

import datetime as dt

from django import template

from yankao.workdays.roc import format_for_language

register = template.Library()


@register.filter(name="roc")
def roc(value: dt.date | dt.datetime | None, style: str = "long") -> str:
    if not isinstance(value, dt.date):
        return "" if value in (None, "") else str(value)
    return format_for_language(value, style)
