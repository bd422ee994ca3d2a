"""Forms of citizen works monitoring, progress verification and training."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.workdays.forms import RocDateField

from .models import MonitoringItem, WorksProject


class MonitoringReportForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("monitoring item"), queryset=MonitoringItem.objects.none()
    )
    agency = forms.ModelChoiceField(label=_("responsible agency"), queryset=Agency.objects.none())
    project = forms.ModelChoiceField(
        label=_("works project"), queryset=WorksProject.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("what the citizen saw"), widget=forms.Textarea(attrs={"rows": 3})
    )
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    district = forms.CharField(label=_("district"), max_length=20, required=False)
    received_on = RocDateField(label=_("received on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = MonitoringItem.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("sort_order")  # type: ignore[attr-defined]
        self.fields["project"].queryset = WorksProject.objects.select_related("agency")  # type: ignore[attr-defined]


class MonitoringStepForm(forms.Form):
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class VerificationForm(forms.Form):
    checked_on = RocDateField(label=_("checked on"))
    reported_progress = forms.DecimalField(
        label=_("reported progress %"), max_digits=5, decimal_places=2
    )
    checked_progress = forms.DecimalField(
        label=_("checked progress %"), max_digits=5, decimal_places=2
    )
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    held_on = RocDateField(label=_("held on"))
    partner = forms.CharField(label=_("partner agency"), max_length=200, required=False)
    attendance = forms.IntegerField(label=_("attendance"), min_value=0, max_value=100000)
    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1, min_value=0)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
