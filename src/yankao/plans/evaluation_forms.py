"""Forms of the year-end evaluation; the rules stay in `evaluations` (forms only read fields)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.workdays.forms import year_choices

from .models import EvaluationRound, Grade, RubricItem


class OpenRoundForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year to evaluate"),
        coerce=int,
        error_messages={"invalid_choice": _("Year: choose a year the calendar covers.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]


class ScoreForm(forms.Form):
    """One score field per rubric item (named by its code), a comment and the revision read."""

    stage = forms.CharField(widget=forms.HiddenInput)
    revision = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, items: list[RubricItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            # A text field: the service checks the range and says so in the user's language.
            self.fields[item.code] = forms.CharField(
                label=f"{item.name}（{item.weight}%）",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
        self.order_fields([i.code for i in items] + ["comment"])

    def raw_scores(self) -> dict[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {item.code: str(data.get(item.code, "") or "").strip() for item in self.items}


class RubricItemForm(forms.Form):
    code = forms.SlugField(label=_("item code"), max_length=30, required=False)
    name = forms.CharField(label=_("item"), max_length=100, required=False)
    weight = forms.IntegerField(label=_("weight %"), required=False)

    def has_content(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("code") or data.get("name") or data.get("weight"))


RubricFormSet = forms.formset_factory(RubricItemForm, extra=2, max_num=20)


class GradeBandForm(forms.Form):
    """The lowest final score of each grade but the last (which starts at 0)."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, year_round: EvaluationRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grades = [grade for grade, _low in year_round.grade_bands]
        for grade, low in year_round.grade_bands[:-1]:
            self.fields[f"band_{grade}"] = forms.DecimalField(
                label=_("%(grade)s from") % {"grade": Grade(grade).label},
                max_digits=5,
                decimal_places=2,
                initial=Decimal(str(low)),
            )
        self.initial.setdefault("revision", year_round.revision)

    def bands(self) -> list[tuple[str, Decimal]]:
        lows = [self.cleaned_data[f"band_{g}"] for g in self.grades[:-1]]
        return [*zip(self.grades[:-1], lows, strict=True), (self.grades[-1], Decimal(0))]
