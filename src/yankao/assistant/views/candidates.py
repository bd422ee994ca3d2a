"""Pages of mined FAQ candidates: the list and the review page where an editor approves (as is
or edited) or rejects. Both go through the user's scope: an agency's editor sees its own
agency's candidates, the commission sees all; another agency's candidate is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from yankao.web.forms import add_errors

from ..models import CandidateStatus, FaqCandidate
from ..services import mining, visible_candidates


class CandidateReviewForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question as citizens ask it"),
        max_length=mining.QUESTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the commission"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class CandidateListView(LoginRequiredMixin, ListView):
    template_name = "assistant/candidate_list.html"
    paginate_by = 30

    def status(self) -> str:
        wanted = self.request.GET.get("status", CandidateStatus.PROPOSED)
        return wanted if wanted in CandidateStatus.values else CandidateStatus.PROPOSED

    def get_queryset(self) -> QuerySet[FaqCandidate]:
        return (
            visible_candidates(self.request.user)
            .filter(status=self.status())
            .order_by("-cluster_size", "-created_at", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = dict(
            visible_candidates(self.request.user)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        context["status"] = self.status()
        context["tabs"] = [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in CandidateStatus.choices
        ]
        return context


class CandidateDetailView(LoginRequiredMixin, View):
    template_name = "assistant/candidate_detail.html"

    def _candidate(self, request: HttpRequest, pk: int) -> FaqCandidate:
        return get_object_or_404(visible_candidates(request.user), pk=pk)

    def _render(
        self, request: HttpRequest, candidate: FaqCandidate, form: CandidateReviewForm | None
    ) -> HttpResponse:
        decidable = candidate.status == CandidateStatus.PROPOSED and mining.may_decide(
            request.user, candidate
        )
        if decidable and form is None:
            form = CandidateReviewForm(
                initial={"question": candidate.question, "answer": candidate.draft_answer}
            )
        return render(
            request,
            self.template_name,
            {"candidate": candidate, "form": form if decidable else None},
            status=400 if form is not None and form.errors else 200,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._candidate(request, pk), None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        candidate = self._candidate(request, pk)
        action = request.POST.get("action")
        if action == "reject":
            try:
                mining.reject(candidate, request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Candidate rejected: it will not be proposed again."))
            return HttpResponseRedirect(reverse("assistant:candidate", args=[candidate.pk]))
        form = CandidateReviewForm(request.POST)
        if action != "approve" or not form.is_valid():
            return self._render(request, candidate, form)
        try:
            mining.approve(
                candidate,
                request.user,
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self._render(request, candidate, form)
        messages.success(
            request,
            _("FAQ entry drafted and submitted to the commission for approval."),
        )
        return HttpResponseRedirect(reverse("assistant:candidate", args=[candidate.pk]))
