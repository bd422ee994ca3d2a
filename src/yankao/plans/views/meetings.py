"""Pages of supervision meetings (督導會報) and their follow-up items (追蹤事項)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from yankao.agencies.models import Agency
from yankao.audit.services import record_export
from yankao.web.forms import add_errors
from yankao.web.lists import chosen_tab
from yankao.web.months import chosen_year_month, neighbours
from yankao.workdays.roc import format_roc

from .. import meetings, rules, services
from ..forms import FollowUpDecisionForm, FollowUpForm, HandlingForm, MeetingForm
from ..meeting_exports import meeting_docx
from ..models import FollowUp, FollowUpStatus, SupervisionMeeting
from ..workflow import allowed_follow_up_actions


def _require_controller(request: HttpRequest) -> None:
    if not services.is_controller(request.user):
        raise PermissionDenied(_("Only the commission's plan controllers hold meetings."))


class MeetingListView(LoginRequiredMixin, ListView):
    template_name = "plans/meeting_list.html"
    paginate_by = 30

    def get_queryset(self) -> QuerySet[SupervisionMeeting]:
        return meetings.visible_meetings(self.request.user).order_by("-held_on", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context["object_list"]
        context["summaries"] = meetings.summaries(
            SupervisionMeeting.objects.filter(pk__in=[m.pk for m in page]).order_by(
                "-held_on", "-pk"
            )
        )
        context["controller"] = services.is_controller(self.request.user)
        return context


def _last_month() -> tuple[int, int]:
    last = rules.add_months(timezone.localdate().replace(day=1), -1)
    return last.year, last.month


class MeetingCreateView(LoginRequiredMixin, View):
    """Choose the month reviewed; every plan behind that month is on the agenda unless unticked."""

    template_name = "plans/meeting_form.html"

    def _context(self, request: HttpRequest, form: MeetingForm | None) -> dict[str, Any]:
        year, month, month_form = chosen_year_month(request, default=_last_month())
        first = dt.date(year, month, 1)
        candidates = meetings.candidate_plans(first)
        if form is None:
            behind = list(meetings.behind_plans(first).values_list("pk", flat=True))
            form = MeetingForm(
                candidates=candidates,
                initial={
                    "plans": behind,
                    "held_on": timezone.localdate(),
                    "title": _("%(month)s supervision meeting of controlled plans")
                    % {"month": format_roc(first, "month")},
                },
            )
        return {
            "form": form,
            "month_form": month_form,
            "month_start": first,
            "behind_count": meetings.behind_plans(first).count(),
            **neighbours(first),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_controller(request)
        return render(request, self.template_name, self._context(request, None))

    def post(self, request: HttpRequest) -> HttpResponse:
        _require_controller(request)
        year, month, _f = chosen_year_month(request, default=_last_month())
        first = dt.date(year, month, 1)
        form = MeetingForm(request.POST, candidates=meetings.candidate_plans(first))
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = meetings.hold_meeting(
                    request.user,
                    title=data["title"],
                    held_on=data["held_on"],
                    report_month=first,
                    chair=data["chair"],
                    minutes=data["minutes"],
                    plans=data["plans"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Meeting recorded. Now record its decisions."))
                return HttpResponseRedirect(reverse("plans:meeting", args=[meeting.pk]))
        return render(request, self.template_name, self._context(request, form), status=400)


def _visible_meeting(request: HttpRequest, pk: int) -> SupervisionMeeting:
    return get_object_or_404(meetings.visible_meetings(request.user), pk=pk)


class MeetingDetailView(LoginRequiredMixin, TemplateView):
    template_name = "plans/meeting_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meeting = _visible_meeting(self.request, kwargs["pk"])
        context.update(_meeting_context(self.request, meeting, kwargs.get("form")))
        return context


def _meeting_context(
    request: HttpRequest, meeting: SupervisionMeeting, form: FollowUpForm | None
) -> dict[str, Any]:
    user = request.user
    controller = services.is_controller(user)
    agenda = meeting.agenda.select_related("plan", "plan__agency")
    if not controller:
        agenda = agenda.filter(plan__in=services.visible_plans(user))
    follow_ups = meetings.visible_follow_ups(user).filter(meeting=meeting)
    today = timezone.localdate()
    return {
        "meeting": meeting,
        "agenda": agenda,
        "follow_ups": [(f, meetings.is_overdue(f, today)) for f in follow_ups],
        "controller": controller,
        "form": form
        or (
            FollowUpForm(
                plans=meeting.plans.select_related("agency").order_by("code"),
                agencies=Agency.objects.filter(active=True).order_by("sort_order"),
                initial={"due_date": meeting.held_on + dt.timedelta(days=30)},
            )
            if controller
            else None
        ),
    }


class DecisionCreateView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = _visible_meeting(request, pk)
        _require_controller(request)
        form = FollowUpForm(
            request.POST,
            plans=meeting.plans.select_related("agency").order_by("code"),
            agencies=Agency.objects.filter(active=True).order_by("sort_order"),
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                meetings.add_decision(
                    meeting,
                    request.user,
                    decision=data["decision"],
                    due_date=data["due_date"],
                    agency=data["agency"],
                    plan=data["plan"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Decision recorded as a follow-up item."))
                return HttpResponseRedirect(reverse("plans:meeting", args=[meeting.pk]))
        context = _meeting_context(request, meeting, form)
        return render(request, "plans/meeting_detail.html", context, status=400)


class MeetingDownloadView(LoginRequiredMixin, View):
    """The meeting record (會議紀錄) as Word: agenda with each plan's standing, decisions."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = _visible_meeting(request, pk)
        context = _meeting_context(request, meeting, None)
        content = meeting_docx(
            meeting, list(context["agenda"]), [f for f, _o in context["follow_ups"]]
        )
        record_export(
            "supervision_meeting",
            rows=len(context["follow_ups"]),
            filters={"meeting": meeting.pk},
            actor=request.user,
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.docx"'
        return response


FOLLOW_UP_TABS = {
    "outstanding": (_("Outstanding"), {"status__in": meetings.OUTSTANDING}),
    "reported": (_("Handling reported"), {"status": FollowUpStatus.REPORTED}),
    "released": (_("Released"), {"status": FollowUpStatus.RELEASED}),
}


class FollowUpListView(LoginRequiredMixin, ListView):
    template_name = "plans/follow_up_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[FollowUp]:
        self.tab = chosen_tab(self.request, [*FOLLOW_UP_TABS, "overdue"], "outstanding")
        queryset = meetings.visible_follow_ups(self.request.user)
        if self.tab == "overdue":
            return queryset.filter(
                status=FollowUpStatus.OPEN, due_date__lt=timezone.localdate()
            ).order_by("due_date", "pk")
        return queryset.filter(**FOLLOW_UP_TABS[self.tab][1]).order_by("due_date", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["rows"] = [(f, meetings.is_overdue(f, today)) for f in context["object_list"]]
        context["tabs"] = [(key, label) for key, (label, _f) in FOLLOW_UP_TABS.items()] + [
            ("overdue", _("Overdue"))
        ]
        context["tab"] = self.tab
        return context


def _visible_follow_up(request: HttpRequest, pk: int) -> FollowUp:
    return get_object_or_404(meetings.visible_follow_ups(request.user), pk=pk)


class FollowUpDetailView(LoginRequiredMixin, View):
    template_name = "plans/follow_up_detail.html"

    def _context(self, request: HttpRequest, item: FollowUp, **forms: Any) -> dict[str, Any]:
        controller = services.is_controller(request.user)
        actions = allowed_follow_up_actions(item)
        may_report = "report" in actions and meetings.may_report(request.user, item)
        return {
            "item": item,
            "events": item.events.select_related("by"),
            "overdue": meetings.is_overdue(item),
            "handling_form": forms.get("handling_form") or (HandlingForm() if may_report else None),
            "decision_form": forms.get("decision_form")
            or (FollowUpDecisionForm() if controller and "release" in actions else None),
            "may_continue": controller and "continue" in actions,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = _visible_follow_up(request, pk)
        return render(request, self.template_name, self._context(request, item))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = _visible_follow_up(request, pk)
        action = request.POST.get("action", "")
        try:
            if action == "report":
                form = HandlingForm(request.POST)
                if not form.is_valid():
                    return render(
                        request,
                        self.template_name,
                        self._context(request, item, handling_form=form),
                        status=400,
                    )
                meetings.report_handling(item, request.user, form.cleaned_data["handling"])
                messages.success(request, _("Handling reported to the commission."))
            elif action in ("release", "continue"):
                decision = FollowUpDecisionForm(request.POST)
                decision.is_valid()
                note = decision.cleaned_data.get("note", "")
                if action == "release":
                    meetings.release(item, request.user, note)
                    messages.success(request, _("The follow-up item is released."))
                else:
                    meetings.keep_following(item, request.user, note)
                    messages.success(request, _("The item stays open; the agency is told why."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            form = (
                FollowUpDecisionForm(request.POST)
                if action != "report"
                else HandlingForm(request.POST)
            )
            form.is_valid()
            add_errors(form, exc)
            key = "handling_form" if action == "report" else "decision_form"
            return render(
                request,
                self.template_name,
                self._context(request, item, **{key: form}),
                status=400,
            )
        return HttpResponseRedirect(reverse("plans:follow_up", args=[item.pk]))
