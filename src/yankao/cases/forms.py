"""Forms for the intake screens and the agency's actions; the rules stay in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency, AgencyKind

from .models import CaseType, Category, Channel, DeclineGround, DissatisfactionReason, ReplyChannel


def district_choices() -> list[tuple[str, str]]:
    districts = (
        Agency.objects.filter(kind=AgencyKind.DISTRICT_OFFICE, active=True)
        .exclude(district="")
        .order_by("sort_order")
        .values_list("district", flat=True)
    )
    return [("", _("(no district)"))] + [(d, d) for d in districts]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return str(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a letter of several scanned pages)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class IntakeForm(forms.Form):
    """The 1999 operator's one-screen intake (and the counter's)."""

    case_type = forms.ChoiceField(label=_("case type"), choices=CaseType.choices)
    channel = forms.ChoiceField(
        label=_("channel"), choices=Channel.choices, initial=Channel.HOTLINE
    )
    description = forms.CharField(
        label=_("The citizen's words"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    category = CategoryChoiceField(
        label=_("category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("(choose a category)"),
    )
    answer = forms.CharField(
        label=_("Answer given (consultations)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    district = forms.ChoiceField(label=_("district"), required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("Optional, e.g. 22.627 (from the caller's app or a map)."),
    )
    longitude = forms.DecimalField(
        label=_("longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("Optional, e.g. 120.357."),
    )
    name = forms.CharField(label=_("Petitioner's name"), max_length=100, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    email = forms.CharField(label=_("e-mail"), max_length=254, required=False)
    anonymous = forms.BooleanField(label=_("anonymous"), required=False)
    confidential = forms.BooleanField(label=_("confidential (whistle-blower)"), required=False)
    reply_channel = forms.ChoiceField(
        label=_("preferred reply channel"), choices=ReplyChannel.choices, initial=ReplyChannel.PHONE
    )
    scans = MultipleFileField(
        label=_("Scanned letter or fax"),
        required=False,
        help_text=_("Required for letters and faxes: PDF or image, one or more files."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            active=True, parent__isnull=False
        ).select_related("parent")
        self.fields["district"].choices = district_choices()


class MailboxForm(forms.Form):
    """The mayor's mailbox: a petition from a citizen, no login."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("e-mail"))
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    district = forms.ChoiceField(label=_("district"), required=False)
    address = forms.CharField(label=_("Where is it?"), max_length=200, required=False)
    subject = forms.CharField(label=_("subject"), max_length=200)
    description = forms.CharField(
        label=_("What would you like the city to know or do?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    category = CategoryChoiceField(
        label=_("category"),
        queryset=Category.objects.none(),
        required=True,
        empty_label=_("(choose a category)"),
    )
    confidential = forms.BooleanField(
        label=_("Keep my identity from the agency (the commission relays)"), required=False
    )
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            active=True, parent__isnull=False, case_type=CaseType.PETITION
        ).select_related("parent")
        self.fields["district"].choices = district_choices()
        # Category suggestions from the citizen's words while typing (htmx; the form works
        # the same without it).
        from django.urls import reverse

        self.fields["description"].widget.attrs.update(
            {
                "hx-post": reverse("public:mailbox_suggest"),
                "hx-trigger": "input changed delay:700ms",
                "hx-target": "#category-suggestions",
                "hx-include": "closest form",
                "hx-sync": "this:replace",
            }
        )


class TrackForm(forms.Form):
    number = forms.CharField(label=_("case number"), max_length=20)
    code = forms.CharField(label=_("tracking code"), max_length=20)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ExtensionForm(forms.Form):
    extra_working_days = forms.IntegerField(
        label=_("extra working days"), min_value=1, max_value=30
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReplyForm(forms.Form):
    handling = forms.CharField(
        label=_("handling"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    basis = forms.CharField(
        label=_("basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("agency"), queryset=Agency.objects.filter(active=True).order_by("sort_order")
    )
    note = forms.CharField(label=_("reason or note"), required=False, max_length=2000)
    category = forms.ModelChoiceField(
        label=_("category"),
        queryset=Category.objects.filter(active=True, parent__isnull=False),
        required=False,
    )


class DeclineForm(forms.Form):
    ground = forms.ChoiceField(label=_("ground for declining"), choices=DeclineGround.choices)
    note = forms.CharField(label=_("reason or note"), max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("reason or note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class OptionalNoteForm(forms.Form):
    note = forms.CharField(label=_("reason or note"), required=False, max_length=2000)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("case number to merge into"), max_length=20)
    note = forms.CharField(label=_("reason or note"), required=False, max_length=2000)


class SplitForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("co-handling agencies"),
        queryset=Agency.objects.filter(active=True).order_by("sort_order"),
    )
    note = forms.CharField(label=_("reason or note"), required=False, max_length=2000)


class SurveyForm(forms.Form):
    number = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(widget=forms.HiddenInput)
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with how your case was handled?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("If not, why?"),
        choices=[("", "—"), *DissatisfactionReason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
