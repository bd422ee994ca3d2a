"""Pages of the FAQ knowledge base: the list (and the edits waiting for the commission), an
entry with its version history, the edit form, approve/reject, retire/republish, a new entry.

Everything goes through the user's scope: an agency's people see their own agency's entries,
the commission all of them; another agency's entry is a 404. The rules (who may edit, approve,
retire) live in `services.faq`; these views only show its answers and refusals.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from yankao.agencies.models import Agency
from yankao.web.forms import add_errors
from yankao.web.lists import chosen_tab
from yankao.workdays.forms import RocDateField

from ..markup import render_answer
from ..models import FaqEntry, FaqStatus, FaqVersion, Topic, VersionStatus
from ..services import faq, is_approver, visible_entries

TABS = ("entries", "pending")
VERSION_FIELDS = ("question", "alternatives", "answer", "topic_id", "valid_from", "valid_to")


class FaqFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Text"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("status"), choices=[("", "—"), *FaqStatus.choices], required=False
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("owning agency"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("topic"), queryset=Topic.objects.all(), required=False, empty_label="—"
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class FaqTextForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question as citizens ask it"),
        max_length=faq.QUESTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    alternatives = forms.CharField(
        label=gettext_lazy("Alternative phrasings"),
        required=False,
        help_text=gettext_lazy("One phrasing per line: other ways citizens ask the same thing."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        help_text=gettext_lazy(
            "Plain text. Write a link as [text](https://…) or paste the https:// address; no HTML."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("topic"), queryset=Topic.objects.all(), required=False, empty_label="—"
    )
    valid_from = RocDateField(label=gettext_lazy("valid from"), required=False)
    valid_to = RocDateField(label=gettext_lazy("valid to"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Note to the commission"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def text(self) -> faq.FaqText:
        data = self.cleaned_data
        return faq.FaqText(
            question=data["question"],
            answer=data["answer"],
            alternatives=data["alternatives"],
            topic=data["topic"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            note=data["note"],
        )


class FaqNewForm(FaqTextForm):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("owning agency"), queryset=Agency.objects.none(), empty_label=None
    )
    field_order = ["agency"]

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class FaqListView(LoginRequiredMixin, ListView):
    template_name = "assistant/faq_list.html"
    paginate_by = 30

    def tab(self) -> str:
        return chosen_tab(self.request, TABS, "entries")

    def get_queryset(self) -> QuerySet[Any]:
        user = self.request.user
        if self.tab() == "pending":
            return faq.pending_versions(user)
        visible = visible_entries(user)
        self.filters = FaqFilterForm(
            self.request.GET or None,
            agencies=Agency.objects.filter(pk__in=visible.values("agency_id")).order_by(
                "sort_order", "code"
            ),
        )
        queryset = visible
        if self.filters.is_valid():
            data = self.filters.cleaned_data
            if data["status"]:
                queryset = queryset.filter(status=data["status"])
            if data["agency"]:
                queryset = queryset.filter(agency=data["agency"])
            if data["topic"]:
                queryset = queryset.filter(topic=data["topic"])
            if data["q"]:
                words = data["q"].strip()
                queryset = queryset.filter(
                    Q(question__icontains=words)
                    | Q(alternatives__icontains=words)
                    | Q(answer__icontains=words)
                )
        return queryset.annotate(
            pending=Count("versions", filter=Q(versions__status=VersionStatus.SUBMITTED))
        ).order_by("agency__sort_order", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["tab"] = self.tab()
        context["filters"] = getattr(self, "filters", None)
        context["pending_count"] = faq.pending_versions(user).count()
        context["approver"] = is_approver(user)
        context["can_create"] = faq.editable_agencies(user).exists()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


def _version_rows(entry: FaqEntry, versions: list[FaqVersion]) -> list[dict[str, Any]]:
    """Each version with the fields it changed from the one before it, newest first."""
    rows = []
    previous: FaqVersion | None = None
    for version in sorted(versions, key=lambda v: v.number):
        changed = (
            [f for f in VERSION_FIELDS if getattr(version, f) != getattr(previous, f)]
            if previous is not None
            else []
        )
        rows.append(
            {
                "version": version,
                "changed": [
                    str(FaqVersion._meta.get_field(f.removesuffix("_id")).verbose_name)
                    for f in changed
                ],
                "alternatives": faq.alternative_lines(version.alternatives),
                "stale": version.status == VersionStatus.SUBMITTED and faq.is_stale(version, entry),
            }
        )
        previous = version
    return rows[::-1]


class FaqDetailView(LoginRequiredMixin, View):
    template_name = "assistant/faq_detail.html"

    def _entry(self, request: HttpRequest, pk: int) -> FaqEntry:
        return get_object_or_404(visible_entries(request.user), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = self._entry(request, pk)
        versions = list(entry.versions.select_related("submitted_by", "decided_by", "topic"))
        user = request.user
        return render(
            request,
            self.template_name,
            {
                "entry": entry,
                "alternatives": faq.alternative_lines(entry.alternatives),
                "rows": _version_rows(entry, versions),
                "approver": is_approver(user),
                "can_edit": faq.may_edit_entry(user, entry),
                "can_retire": faq.may_retire(user, entry),
                "can_republish": faq.may_republish(user, entry),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = self._entry(request, pk)
        action = request.POST.get("action")
        here = HttpResponseRedirect(reverse("assistant:faq_entry", args=[entry.pk]))
        try:
            if action in ("approve", "reject"):
                version = get_object_or_404(entry.versions, pk=request.POST.get("version") or 0)
                if action == "approve":
                    faq.approve(version, request.user)
                    messages.success(
                        request,
                        _("Version %(n)d approved: the entry is published.")
                        % {"n": version.number},
                    )
                else:
                    faq.reject(version, request.user, request.POST.get("reason", ""))
                    messages.success(
                        request,
                        _("Version %(n)d sent back to the agency.") % {"n": version.number},
                    )
            elif action == "retire":
                faq.retire(entry, request.user)
                messages.success(request, _("Entry retired: the assistant no longer answers it."))
            elif action == "republish":
                faq.republish(entry, request.user)
                messages.success(request, _("Entry published again."))
            else:
                return HttpResponse(status=400)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return here


class FaqEditView(LoginRequiredMixin, View):
    template_name = "assistant/faq_form.html"

    def _entry(self, request: HttpRequest, pk: int) -> FaqEntry:
        entry = get_object_or_404(visible_entries(request.user), pk=pk)
        if not faq.may_edit_entry(request.user, entry):
            raise PermissionDenied(_("Only the owning agency's editors may edit this FAQ entry."))
        return entry

    def _render(self, request: HttpRequest, entry: FaqEntry, form: FaqTextForm) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"entry": entry, "form": form},
            status=400 if form.errors else 200,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = self._entry(request, pk)
        # Start from the agency's latest edit still waiting (on the current text), else the
        # published text.
        source: Any = (
            entry.versions.filter(status=VersionStatus.SUBMITTED, based_on=entry.version)
            .order_by("-number")
            .first()
            or entry
        )
        form = FaqTextForm(
            initial={
                "question": source.question,
                "alternatives": source.alternatives,
                "answer": source.answer,
                "topic": source.topic_id,
                "valid_from": source.valid_from,
                "valid_to": source.valid_to,
            }
        )
        return self._render(request, entry, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = self._entry(request, pk)
        form = FaqTextForm(request.POST)
        if not form.is_valid():
            return self._render(request, entry, form)
        try:
            version = faq.submit_version(entry, form.text(), request.user)
        except ValidationError as exc:
            add_errors(form, exc)
            return self._render(request, entry, form)
        messages.success(
            request,
            _("Version %(n)d submitted to the commission for approval.") % {"n": version.number},
        )
        return HttpResponseRedirect(reverse("assistant:faq_entry", args=[entry.pk]))


class FaqCreateView(LoginRequiredMixin, View):
    template_name = "assistant/faq_form.html"

    def _agencies(self, request: HttpRequest) -> QuerySet[Agency]:
        agencies = faq.editable_agencies(request.user)
        if not agencies.exists():
            raise PermissionDenied(
                _("Only agencies' editors and the commission write FAQ entries.")
            )
        return agencies

    def _render(self, request: HttpRequest, form: FaqNewForm) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"entry": None, "form": form},
            status=400 if form.errors else 200,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        agencies = self._agencies(request)
        own = getattr(request.user, "agency_id", None)
        initial = {"agency": own} if agencies.filter(pk=own).exists() else {}
        return self._render(request, FaqNewForm(initial=initial, agencies=agencies))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FaqNewForm(request.POST, agencies=self._agencies(request))
        if not form.is_valid():
            return self._render(request, form)
        try:
            entry = faq.create_entry(form.cleaned_data["agency"], form.text(), request.user)
        except ValidationError as exc:
            add_errors(form, exc)
            return self._render(request, form)
        messages.success(
            request, _("FAQ entry drafted and submitted to the commission for approval.")
        )
        return HttpResponseRedirect(reverse("assistant:faq_entry", args=[entry.pk]))


class FaqPreviewView(LoginRequiredMixin, View):
    """htmx: the answer as citizens will see it, while the editor types."""

    def post(self, request: HttpRequest) -> HttpResponse:
        answer = request.POST.get("answer", "")[: 2 * settings.YANKAO_FAQ_ANSWER_MAX_CHARS]
        return render(
            request, "assistant/_faq_preview.html", {"html": render_answer(answer), "raw": answer}
        )
