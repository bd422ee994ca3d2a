"""Forms of works inspection; the rules stay in services (the forms only read the fields).

One section per subject: projects and progress, inspection planning, then the others.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.workdays.forms import RocDateField

from . import rules
from .models import ProjectStatus

# --- Projects and monthly progress ------------------------------------------------------------

TIER_CHOICES = [
    (rules.HUGE, _("Huge (NT$200M and more)")),
    (rules.LARGE, _("NT$50M and more")),
    (rules.MEDIUM, _("NT$10M to 50M")),
    (rules.SMALL, _("NT$1.5M to 10M")),
    (rules.BELOW, _("Below NT$1.5M")),
]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Tender number or name"), required=False)
    agency = forms.ModelChoiceField(
        label=_("owning agency"),
        queryset=Agency.objects.order_by("sort_order", "code"),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *ProjectStatus.choices], required=False
    )
    tier = forms.ChoiceField(
        label=_("Amount tier"), choices=[("", "—"), *TIER_CHOICES], required=False
    )
    district = forms.CharField(label=_("district"), required=False, max_length=20)

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    """The agency's fast monthly entry: two figures, and a reason when behind."""

    month = forms.DateField(
        label=_("Progress month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={
            "invalid": _("Progress month: give year and month, e.g. 2026-03."),
            "required": _("Progress month: required."),
        },
    )
    planned_progress = forms.DecimalField(
        label=_("planned progress %"),
        max_digits=5,
        decimal_places=2,
        error_messages={"required": _("Planned progress: required.")},
    )
    actual_progress = forms.DecimalField(
        label=_("actual progress %"),
        max_digits=5,
        decimal_places=2,
        error_messages={"required": _("Actual progress: required.")},
    )
    lag_reason = forms.CharField(
        label=_("lag reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    correction_note = forms.CharField(
        label=_("correction of earlier progress"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed only when a figure is lower than the month before."),
    )


class ProgressImportForm(forms.Form):
    file = forms.FileField(label=_("Tender-system export (.xlsx or .csv)"))
    month = forms.DateField(
        label=_("Progress month of the export"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_(
            "The month the export's progress figures are for (a 月份 column overrides it)."
        ),
        error_messages={"invalid": _("Progress month: give year and month, e.g. 2026-03.")},
    )
    only_clean = forms.BooleanField(
        label=_("Import the clean rows and leave out the rows with errors"), required=False
    )


# --- Inspection planning -----------------------------------------------------------------------


class ScheduleForm(forms.Form):
    scheduled_on = RocDateField(label=_("Unannounced visit on"))
