"""Forms of plan control; the rules stay in services (the forms only read the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.web.months import ReportMonthForm
from yankao.workdays.forms import RocDateField
from yankao.workdays.roc import format_roc

from .models import LagCause, PlanKind, PlanStatus, ProgressStatus


class ReportForm(forms.Form):
    actual_progress = forms.DecimalField(
        label=_("actual cumulative progress %"), max_digits=5, decimal_places=2
    )
    actual_spending = forms.DecimalField(
        label=_("actual cumulative spending (NT$)"), max_digits=16, decimal_places=0
    )
    award_amount = forms.DecimalField(
        label=_("award amount (NT$)"), max_digits=16, decimal_places=0, required=False
    )
    narrative = forms.CharField(
        label=_("progress narrative"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    problems = forms.CharField(
        label=_("problems met"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    help_requested = forms.CharField(
        label=_("help requested from the city"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    lag_cause = forms.ChoiceField(
        label=_("lag cause"), choices=[("", "—"), *LagCause.choices], required=False
    )
    remedy = forms.CharField(
        label=_("remedy"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    remedy_due = RocDateField(label=_("remedy target date"), required=False)
    correction_note = forms.CharField(
        label=_("correction of earlier progress"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    only_clean = forms.BooleanField(
        label=_("Import the clean plans and leave out the plans with errors"), required=False
    )


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("Code or name"), required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *PlanKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *PlanStatus.choices], required=False
    )
    progress = forms.ChoiceField(
        label=_("latest progress status"),
        choices=[("", "—"), *ProgressStatus.choices, ("not_reported", _("Not reported"))],
        required=False,
    )
    # The dashboard's drill-down: an agency's plans owing a report in a month, with that
    # month's status (instead of the latest).
    agency = forms.ModelChoiceField(
        label=_("owning agency"),
        queryset=Agency.objects.order_by("sort_order", "code"),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    month = forms.DateField(
        label=_("Report month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        required=False,
        error_messages={"invalid": _("Report month: give year and month, e.g. 2026-03.")},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "")


class DashboardForm(ReportMonthForm):
    """The dashboard's year; the month is optional (default: the latest month reports were due)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month = self.fields["month"]
        month.required = False
        month.choices = [("", _("Latest due")), *month.choices]  # type: ignore[attr-defined]
        month.empty_value = None  # type: ignore[attr-defined]


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("release reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Return for changes"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("meeting title"), max_length=200)
    held_on = RocDateField(label=_("held on"))
    chair = forms.CharField(label=_("chair"), max_length=100, required=False)
    minutes = forms.CharField(
        label=_("minutes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    plans = forms.ModelMultipleChoiceField(
        label=_("plans reviewed"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one plan to review.")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = self.fields["plans"]
        assert isinstance(plans, forms.ModelMultipleChoiceField)
        plans.queryset = candidates
        plans.label_from_instance = lambda p: f"{p.code} {p.name}（{p.agency}）"


class FollowUpForm(forms.Form):
    decision = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 2}))
    plan = forms.ModelChoiceField(label=_("plan"), queryset=None, required=False)
    agency = forms.ModelChoiceField(
        label=_("owner agency"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for the plan's own agency."),
    )
    due_date = RocDateField(label=_("due date"))

    def __init__(self, *args: Any, plans: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        agency = self.fields["agency"]
        assert isinstance(plan, forms.ModelChoiceField)
        assert isinstance(agency, forms.ModelChoiceField)
        plan.queryset = plans
        plan.label_from_instance = lambda p: f"{p.code} {p.name}"
        agency.queryset = agencies


class HandlingForm(forms.Form):
    handling = forms.CharField(
        label=_("handling reported"), widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MilestoneForm(forms.Form):
    """Actual dates of the approved work plan's milestones, filled with the monthly report."""

    def __init__(self, *args: Any, milestones: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="milestone", **kwargs)
        for milestone in milestones:
            self.fields[milestone.kind] = RocDateField(
                label=milestone.get_kind_display(),
                required=False,
                help_text=_("planned %(date)s")
                % {"date": format_roc(milestone.planned_date, "date")},
            )
            self.initial.setdefault(milestone.kind, milestone.actual_date)
