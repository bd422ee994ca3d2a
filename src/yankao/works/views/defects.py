"""Pages of defects and penalty follow-ups: the board (the team's follow-up, the agency's list of
defects to fix), a defect with its remedy, photos and extension, and a penalty follow-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from yankao.web.lists import chosen_tab
from yankao.workdays.roc import parse_roc

from ..models import Defect, DefectStatus, PenaltyFollowUp, PenaltyMeasure, PenaltyStatus
from ..services import inspections as service
from ..services import is_inspection_team, visible_defects, visible_penalties
from ..workflow import allowed

TABS = {
    "open": gettext_lazy("To remedy"),
    "reported": gettext_lazy("Remedy to verify"),
    "overdue": gettext_lazy("Overdue"),
    "extensions": gettext_lazy("Extension requests"),
    "closed": gettext_lazy("Closed"),
}


class DefectBoardView(LoginRequiredMixin, ListView):
    template_name = "works/defect_board.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Defect]:
        self.tab = chosen_tab(self.request, TABS, "open")
        defects = visible_defects(self.request.user).select_related("inspection__project__agency")
        today = timezone.localdate()
        if self.tab == "reported":
            return defects.filter(status=DefectStatus.REPORTED).order_by("remediation_reported_at")
        if self.tab == "closed":
            return defects.filter(status=DefectStatus.CLOSED).order_by("-closed_at")
        if self.tab == "extensions":
            return (
                defects.filter(extension_until__isnull=False, extension_approved__isnull=True)
                .exclude(status=DefectStatus.CLOSED)
                .order_by("remediation_due")
            )
        defects = defects.filter(status=DefectStatus.OPEN).order_by("remediation_due", "pk")
        if self.tab == "overdue":
            return defects.filter(remediation_due__lt=today).exclude(
                extension_approved=True, extension_until__gte=today
            )
        return defects

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            tab=self.tab,
            tabs=list(TABS.items()),
            rows=[(d, service.is_overdue(d, today)) for d in context["object_list"]],
            penalties=visible_penalties(self.request.user)
            .filter(status=PenaltyStatus.OPEN)
            .count(),
            team=is_inspection_team(self.request.user),
        )
        return context


def _visible(request: HttpRequest, pk: int) -> Defect:
    return get_object_or_404(visible_defects(request.user), pk=pk)


class DefectDetailView(LoginRequiredMixin, View):
    template_name = "works/defect_detail.html"

    def _context(self, request: HttpRequest, defect: Defect, errors: Any = None) -> dict[str, Any]:
        return {
            "defect": defect,
            "inspection": defect.inspection,
            "events": defect.events.select_related("by"),
            "actions": allowed(defect, request.user),
            "overdue": service.is_overdue(defect),
            "team": is_inspection_team(request.user),
            "errors": errors or {},
            "extension_waiting": defect.extension_until is not None
            and defect.extension_approved is None,
            "phases": service.PHASES,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, self._context(request, _visible(request, pk)))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        defect = _visible(request, pk)
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")
        photos = request.FILES.getlist("photos")
        try:
            if action == "report":
                service.report_remediation(
                    defect, request.user, request.POST.get("remediation", ""), photos
                )
                messages.success(request, _("Remediation reported to the inspection team."))
            elif action in ("close", "return"):
                service.verify(defect, request.user, accept=action == "close", note=note)
                messages.success(request, _("Saved."))
            elif action == "request_extension":
                try:
                    until = parse_roc(request.POST.get("extension_until", ""))
                except ValueError as exc:
                    raise ValidationError({"extension_until": str(exc)}) from exc
                service.request_extension(
                    defect, request.user, until, request.POST.get("extension_reason", "")
                )
                messages.success(request, _("Extension requested."))
            elif action in ("approve_extension", "refuse_extension"):
                service.decide_extension(
                    defect, request.user, approve=action == "approve_extension", note=note
                )
                messages.success(request, _("Saved."))
            elif action == "photos":
                service.add_photos(defect, request.user, photos, request.POST.get("phase", ""))
                messages.success(request, _("Photos added."))
            else:
                messages.error(request, _("Unknown action."))
                return HttpResponseRedirect(reverse("works:defect", args=[pk]))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return render(
                request, self.template_name, self._context(request, defect, errors), status=400
            )
        return HttpResponseRedirect(reverse("works:defect", args=[pk]))


class PenaltyListView(LoginRequiredMixin, ListView):
    template_name = "works/penalty_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[PenaltyFollowUp]:
        self.closed = self.request.GET.get("tab") == "closed"
        status = PenaltyStatus.CLOSED if self.closed else PenaltyStatus.OPEN
        return (
            visible_penalties(self.request.user)
            .filter(status=status)
            .select_related("inspection__project__agency", "defect__code")
            .order_by("-opened_at")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(closed=self.closed, team=is_inspection_team(self.request.user))
        return context


class PenaltyDetailView(LoginRequiredMixin, View):
    template_name = "works/penalty_detail.html"

    def _context(
        self, request: HttpRequest, penalty: PenaltyFollowUp, errors: Any = None
    ) -> dict[str, Any]:
        return {
            "penalty": penalty,
            "measures": PenaltyMeasure.choices,
            "measure_labels": [
                PenaltyMeasure(m).label for m in penalty.measures if m in PenaltyMeasure.values
            ],
            "team": is_inspection_team(request.user),
            "errors": errors or {},
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        penalty = get_object_or_404(visible_penalties(request.user), pk=pk)
        return render(request, self.template_name, self._context(request, penalty))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        penalty = get_object_or_404(visible_penalties(request.user), pk=pk)
        try:
            service.close_penalty(
                penalty,
                request.user,
                measures=request.POST.getlist("measures"),
                outcome=request.POST.get("outcome", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return render(
                request, self.template_name, self._context(request, penalty, errors), status=400
            )
        messages.success(request, _("The penalty follow-up is closed."))
        return HttpResponseRedirect(reverse("works:penalty", args=[pk]))
