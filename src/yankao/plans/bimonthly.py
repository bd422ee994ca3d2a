"""The bimonthly progress report (列管案件進度雙月報): the standing at the end of a two-month
period (Jan–Feb, Mar–Apr, …) compared with the period before, the plans that fell behind or
caught up in between, and the meeting decisions still followed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.workdays.roc import roc_year

from . import analysis as analysis_module
from . import meetings, rules
from .analysis import Analysis, BehindPlan
from .models import FollowUp, Plan, ProgressStatus

STATUSES = (ProgressStatus.AHEAD, ProgressStatus.ON_SCHEDULE, ProgressStatus.BEHIND)


def period_of(month: dt.date) -> tuple[dt.date, dt.date]:
    """The two months of the period holding `month`: (first month, last month)."""
    first = dt.date(month.year, month.month - (month.month - 1) % 2, 1)
    return first, rules.add_months(first, 1)


@dataclass
class AgencyChange:
    agency: Any
    behind_now: int
    behind_before: int
    total: int

    @property
    def change(self) -> int:
        return self.behind_now - self.behind_before


@dataclass
class Bimonthly:
    first: dt.date
    last: dt.date
    current: Analysis
    previous: Analysis
    newly_behind: list[BehindPlan]
    recovered: list[Plan]
    follow_ups: list[FollowUp]
    overdue_follow_ups: int

    @property
    def label(self) -> str:
        return _("ROC year %(y)s, months %(a)s–%(b)s") % {
            "y": roc_year(self.first.year),
            "a": self.first.month,
            "b": self.last.month,
        }

    def title(self) -> str:
        return _("Bimonthly progress report of controlled plans (%(period)s)") % {
            "period": self.label
        }

    def sentences(self) -> list[str]:
        lines = list(self.current.sentences())
        now, before = self.current.overall.counts, self.previous.overall.counts
        changes = []
        for status in STATUSES:
            diff = now[status] - before[status]
            label = analysis_module.status_label(status)
            if diff > 0:
                changes.append(_("%(label)s up %(n)s") % {"label": label, "n": diff})
            elif diff < 0:
                changes.append(_("%(label)s down %(n)s") % {"label": label, "n": -diff})
        lines.append(
            _("Compared with %(month)s: %(changes)s.")
            % {
                "month": self.previous.month_label,
                "changes": _(", ").join(changes) if changes else _("no change"),
            }
        )
        lines.append(
            _("In the period %(new)s plans fell behind and %(back)s caught up.")
            % {"new": len(self.newly_behind), "back": len(self.recovered)}
        )
        lines.append(
            _("Supervision meeting decisions still followed: %(n)s, of which %(late)s overdue.")
            % {"n": len(self.follow_ups), "late": self.overdue_follow_ups}
        )
        return lines

    def agency_changes(self) -> list[AgencyChange]:
        before = {
            a.agency.pk: a.figures.counts[ProgressStatus.BEHIND] for a in self.previous.agencies
        }
        return [
            AgencyChange(
                a.agency,
                a.figures.counts[ProgressStatus.BEHIND],
                before.get(a.agency.pk, 0),
                a.figures.total,
            )
            for a in self.current.agencies
        ]


def bimonthly(month: dt.date, plans: QuerySet[Plan], user: Any) -> Bimonthly:
    """`plans` is already scoped to what the user may see; `user` scopes the follow-ups."""
    first, last = period_of(rules.first_of_month(month))
    current = analysis_module.analyse(last, plans)
    previous = analysis_module.analyse(rules.add_months(first, -1), plans)
    behind_before = {b.plan.pk for b in previous.behind}
    behind_now = {b.plan.pk for b in current.behind}
    newly = [b for b in current.behind if b.plan.pk not in behind_before]
    recovered = [b.plan for b in previous.behind if b.plan.pk not in behind_now]
    outstanding = list(meetings.outstanding(user))
    today = timezone.localdate()
    return Bimonthly(
        first,
        last,
        current,
        previous,
        newly,
        recovered,
        outstanding,
        sum(1 for f in outstanding if meetings.is_overdue(f, today)),
    )
