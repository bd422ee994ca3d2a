"""Days the commission declares: office closures (停止上班, e.g. typhoon days), extra working days.

The national calendar (holidays, make-up workdays 補班) comes from the `holidays` package and is
not stored; only the city's own declarations are rows here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# The 38 districts of Kaohsiung, in the order of their district offices' official codes
# (397510000A 鹽埕區 … 397880000A 那瑪夏區). Agency.district holds the same names.
KAOHSIUNG_DISTRICTS: tuple[str, ...] = (
    "鹽埕區",
    "鼓山區",
    "左營區",
    "楠梓區",
    "三民區",
    "新興區",
    "前金區",
    "苓雅區",
    "前鎮區",
    "旗津區",
    "小港區",
    "鳳山區",
    "岡山區",
    "旗山區",
    "美濃區",
    "林園區",
    "大寮區",
    "大樹區",
    "仁武區",
    "大社區",
    "鳥松區",
    "橋頭區",
    "燕巢區",
    "田寮區",
    "阿蓮區",
    "路竹區",
    "湖內區",
    "茄萣區",
    "永安區",
    "彌陀區",
    "梓官區",
    "六龜區",
    "甲仙區",
    "杉林區",
    "內門區",
    "茂林區",
    "桃源區",
    "那瑪夏區",
)
# Proper names: shown as written in both languages, so the labels are not translated.
DISTRICT_CHOICES: list[tuple[str, str]] = [(name, name) for name in KAOHSIUNG_DISTRICTS]
CITY_WIDE = ""


class DeclaredDayKind(models.TextChoices):
    CLOSURE = "closure", _("Office closure")  # 停止上班
    WORKDAY = "workday", _("Extra working day")


class DeclaredDay(models.Model):
    """One day the commission declares closed or open, for the whole city or one district.

    Scope is a district *name* (e.g. 鳳山區; empty = whole city), not a foreign key to a district
    office: closures are announced per administrative district (停止上班 for 那瑪夏區, 桃源區 …),
    they apply to every agency working in that district, not only to its district office, and
    the row stays valid whatever happens to the agency table. Callers pass `Agency.district` of
    the handling agency. An empty string rather than NULL keeps (date, district) unique for
    city-wide rows too, since SQL treats NULLs as distinct.

    Precedence when computing a district's calendar: its own row, else the city-wide row, else
    the national calendar. So a district can stay open (extra working day) on a city closure day.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=DeclaredDayKind.choices)
    date = models.DateField(_("date"))
    district = models.CharField(
        _("district"),
        max_length=10,
        blank=True,
        default=CITY_WIDE,
        choices=DISTRICT_CHOICES,
        help_text=_("Leave empty when the declaration covers the whole city."),
    )
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("For example: 凱米颱風停止上班.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared day")
        verbose_name_plural = _("declared days")
        ordering = ["-date", "district"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "district"], name="workdays_declaredday_one_per_date_district"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=DeclaredDayKind.values),
                name="workdays_declaredday_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} ({self.scope_display})"

    @property
    def scope_display(self) -> str:
        return self.district or str(_("Whole city"))

    def clean(self) -> None:
        """Refuse rows outside the calendar, duplicates, and rows that would change nothing."""
        from . import services

        super().clean()
        if self.date is None:
            return
        first, last = services.calendar_bounds()
        if not first <= self.date <= last:
            raise ValidationError(
                {
                    "date": _(
                        "Date: declared days must fall between %(first)s and %(last)s, the years "
                        "the working-day calendar covers."
                    )
                    % {"first": first.isoformat(), "last": last.isoformat()}
                }
            )
        others = DeclaredDay.objects.filter(date=self.date, district=self.district or CITY_WIDE)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                {
                    "date": _(
                        "Date: %(scope)s already has a declared day on %(date)s; edit that one "
                        "instead."
                    )
                    % {"scope": self.scope_display, "date": self.date.isoformat()}
                }
            )
        if self.kind not in DeclaredDayKind.values:
            return  # the field's own choice validation has reported it
        # A district row is compared with the city's day (it may reopen a city closure).
        working = services.is_working_day_before_declaration(self.date, self.district or None)
        if self.kind == DeclaredDayKind.CLOSURE and not working:
            raise ValidationError(
                {
                    "kind": _(
                        "Kind: %(date)s is already a day off for %(scope)s, so a closure would "
                        "change nothing."
                    )
                    % {"date": self.date.isoformat(), "scope": self.scope_display}
                }
            )
        if self.kind == DeclaredDayKind.WORKDAY and working:
            raise ValidationError(
                {
                    "kind": _(
                        "Kind: %(date)s is already a working day for %(scope)s, so an extra "
                        "working day would change nothing."
                    )
                    % {"date": self.date.isoformat(), "scope": self.scope_display}
                }
            )

    def validate_constraints(self, exclude: Any = None) -> None:
        # clean() reports a duplicate (date, district) on the date field with a clear message;
        # the unique constraint's generic non-field message would only repeat it.
        exclude = set(exclude or ()) | {"district"}
        super().validate_constraints(exclude=exclude)
