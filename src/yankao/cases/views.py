"""Pages of citizen service: the agency inbox, a case, the operator's intake, the mayor's mailbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from yankao.agencies.roles import BusinessLine, RoleCode
from yankao.agencies.services import can_write
from yankao.core.middleware import client_ip
from yankao.core.services import over_limit
from yankao.web.lists import chosen_tab
from yankao.web.scoping import ScopedQuerysetMixin

from . import maps, services
from .forms import (
    AssignForm,
    DecisionForm,
    DeclineForm,
    ExtensionForm,
    IntakeForm,
    MailboxForm,
    MergeForm,
    NoteForm,
    OptionalNoteForm,
    ReasonForm,
    ReplyForm,
    SplitForm,
    SurveyForm,
    TrackForm,
)
from .models import (
    END_STATUSES,
    Case,
    CaseStatus,
    CaseType,
    Channel,
    ExtensionStatus,
    HandlerRole,
)
from .workflow import TransitionError, allowed_actions

TABS = ("open", "due_soon", "overdue", "returned", "extensions", "dissatisfied", "closed")


def _errors_of(exc: ValidationError) -> list[str]:
    return exc.messages


class InboxView(LoginRequiredMixin, ScopedQuerysetMixin, ListView):
    """Cases the user may see, most urgent first; tabs for due soon, overdue and the commission's queues."""

    model = Case
    paginate_by = 50
    template_name = "cases/inbox.html"

    def get_queryset(self) -> QuerySet[Case]:
        queryset = super().get_queryset().select_related("category", "lead_agency")
        tab = self.tab()
        now = timezone.now()
        if tab == "dissatisfied":
            return queryset.filter(
                survey__satisfied=False, survey__reviewed_at__isnull=True
            ).order_by("-closed_at", "-id")
        if tab == "closed":
            return queryset.filter(status__in=END_STATUSES).order_by("-closed_at", "-id")
        queryset = queryset.exclude(status__in=END_STATUSES)
        if tab == "due_soon":
            queryset = queryset.filter(
                deadline_at__gte=now, deadline_at__lt=now + dt.timedelta(hours=24)
            )
        elif tab == "overdue":
            queryset = queryset.filter(deadline_at__lt=now)
        elif tab == "returned":
            queryset = queryset.filter(status=CaseStatus.RETURNED)
        elif tab == "extensions":
            queryset = queryset.filter(extensions__status=ExtensionStatus.PENDING).distinct()
        return queryset.order_by("deadline_at", "id")

    def tab(self) -> str:
        return chosen_tab(self.request, TABS, "open")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tab"] = self.tab()
        context["now"] = timezone.now()
        context["soon"] = context["now"] + dt.timedelta(hours=24)
        context["commission"] = services.is_commission_case_staff(self.request.user)
        context["can_record"] = context["commission"]
        return context


class MapView(LoginRequiredMixin, TemplateView):
    """Open dispatch cases on a map (no tiles: a grid, district names and a table)."""

    template_name = "cases/map.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        all_types = self.request.GET.get("all") == "1"
        visible = services.visible_cases(self.request.user)
        now = timezone.now()
        points, left_out = maps.map_points(visible, all_types=all_types, now=now)
        context.update(
            all_types=all_types,
            points=points,
            left_out=left_out,
            svg=maps.to_svg(points, now, lambda n: reverse("cases:detail", args=[n])),
            districts=maps.district_rows(visible, all_types=all_types, now=now),
            due_soon_hours=settings.YANKAO_CASE_MAP_DUE_SOON_HOURS,
            now=now,
        )
        return context


class BulkAcceptView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        accepted, refused = 0, 0
        visible = services.visible_cases(request.user)
        for case in visible.filter(pk__in=request.POST.getlist("case"), status=CaseStatus.ASSIGNED):
            try:
                services.accept(case, request.user)
                accepted += 1
            except (TransitionError, ValidationError):
                refused += 1
        messages.success(request, _("%(n)s cases accepted.") % {"n": accepted})
        if refused:
            messages.error(request, _("%(n)s cases could not be accepted.") % {"n": refused})
        return HttpResponseRedirect(reverse("cases:inbox"))


def _visible_case(request: HttpRequest, number: str) -> Case:
    return get_object_or_404(services.visible_cases(request.user), number=number)


class CaseDetailView(LoginRequiredMixin, TemplateView):
    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case = _visible_case(self.request, kwargs["number"])
        user = self.request.user
        context.update(
            case=case,
            now=timezone.now(),
            soon=timezone.now() + dt.timedelta(hours=24),
            petitioner=services.petitioner_for(user, case),
            may_reveal=services.may_see_personal_data(user, case),
            events=case.events.select_related("agency"),
            replies=case.replies.select_related("agency"),
            extensions=case.extensions.order_by("-requested_at"),
            actions=set(allowed_actions(case)),
            handles=services.handles(user, case),
            commission=services.is_commission_case_staff(user),
            can_write=can_write(user, BusinessLine.CASES),
            reason_form=ReasonForm(),
            extension_form=ExtensionForm(),
            reply_form=ReplyForm(),
            decision_form=DecisionForm(),
            assign_form=AssignForm(),
            decline_form=DeclineForm(),
            split_form=SplitForm(),
            co_handlers=[
                h.agency
                for h in case.handlers.filter(
                    active=True, role=HandlerRole.CO_HANDLER
                ).select_related("agency")
            ],
            supervisor=services.handles(user, case) and user.has_role(RoleCode.AGENCY_SUPERVISOR),
            routing=_routing_suggestions(user, case),
        )
        return context


def _routing_suggestions(user: Any, case: Case) -> Any:
    """For the commission routing a case again (returned as not the agency's own, or not yet
    assigned): the assistant's suggested categories and agencies from the citizen's words;
    choosing one also corrects the category, which teaches the next training."""
    if case.status not in (CaseStatus.RECEIVED, CaseStatus.RETURNED):
        return None
    if not services.is_commission_case_staff(user):
        return None
    from yankao.assistant.services.suggestion import suggest

    return suggest(f"{case.subject}\n{case.description}", case.district)


class RevealView(LoginRequiredMixin, View):
    """htmx: swap the masked petitioner for the real one; the reveal is audited."""

    def post(self, request: HttpRequest, number: str) -> HttpResponse:
        case = _visible_case(request, number)
        if not services.may_see_personal_data(request.user, case):
            raise Http404
        data = services.petitioner_for(request.user, case, reveal=True)
        return render(
            request, "cases/_petitioner.html", {"petitioner": data, "revealed": True, "case": case}
        )


ACTIONS: dict[str, tuple[type, Callable[..., Any]]] = {
    "accept": (None, lambda case, user, data: services.accept(case, user)),
    "return": (
        ReasonForm,
        lambda case, user, data: services.return_case(case, user, data["reason"]),
    ),
    "extension": (
        ExtensionForm,
        lambda case, user, data: services.request_extension(
            case, user, data["extra_working_days"], data["reason"]
        ),
    ),
    "reply": (
        ReplyForm,
        lambda case, user, data: services.reply(case, user, data["handling"], data["basis"]),
    ),
    "assign": (
        AssignForm,
        lambda case, user, data: services.assign(
            case, user, data["agency"], data["note"], category=data.get("category")
        ),
    ),
    "reassign": (
        AssignForm,
        lambda case, user, data: services.reassign(
            case, user, data["agency"], data["note"] or "-", category=data.get("category")
        ),
    ),
    "close": (None, lambda case, user, data: services.close(case, user)),
    "reopen": (
        ReasonForm,
        lambda case, user, data: (
            services.review_dissatisfaction(
                case.survey, user, reopen_case=True, note=data["reason"]
            )
            if hasattr(case, "survey") and case.survey.reviewed_at is None
            else services.reopen(case, user, data["reason"])
        ),
    ),
    "decline": (
        DeclineForm,
        lambda case, user, data: services.decline(case, user, data["ground"], data["note"]),
    ),
    "approve-reply": (None, lambda case, user, data: services.approve_reply(case, user)),
    "reject-reply": (
        NoteForm,
        lambda case, user, data: services.reject_reply(case, user, data["note"]),
    ),
    "supplement": (
        NoteForm,
        lambda case, user, data: services.request_supplement(case, user, data["note"]),
    ),
    "supplement-received": (
        OptionalNoteForm,
        lambda case, user, data: services.supplement_received(case, user, data["note"]),
    ),
    "withdraw": (
        NoteForm,
        lambda case, user, data: services.withdraw(case, user, data["note"]),
    ),
    "merge": (
        MergeForm,
        lambda case, user, data: services.merge(
            case, user, _merge_target(user, data["into"]), data["note"]
        ),
    ),
    "split": (
        SplitForm,
        lambda case, user, data: services.split(case, user, list(data["agencies"]), data["note"]),
    ),
}


def _merge_target(user: Any, number: str) -> Case:
    target = services.visible_cases(user).filter(number=number.strip()).first()
    if target is None:
        raise ValidationError({"into": _("No open case with this number.")})
    return target


class CaseActionView(LoginRequiredMixin, View):
    """One POST endpoint per action; errors come back as messages on the case page."""

    def post(self, request: HttpRequest, number: str, action: str) -> HttpResponse:
        case = _visible_case(request, number)
        if action == "decide-extension":
            return self._decide(request, case)
        if action not in ACTIONS:
            raise Http404
        form_class, run = ACTIONS[action]
        data: dict[str, Any] = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else field
                    messages.error(request, f"{label}：{' '.join(errors)}")
                return HttpResponseRedirect(reverse("cases:detail", args=[number]))
            data = form.cleaned_data
        try:
            run(case, request.user, data)
        except (TransitionError, ValidationError) as exc:
            for message in _errors_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Done."))
        return HttpResponseRedirect(reverse("cases:detail", args=[number]))

    def _decide(self, request: HttpRequest, case: Case) -> HttpResponse:
        form = DecisionForm(request.POST)
        extension = case.extensions.filter(status=ExtensionStatus.PENDING).first()
        if extension is None or not form.is_valid():
            messages.error(request, _("There is no pending extension request to decide."))
        else:
            try:
                services.decide_extension(
                    extension,
                    request.user,
                    approve=form.cleaned_data["approve"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Done."))
            except (TransitionError, ValidationError) as exc:
                for message in _errors_of(exc):
                    messages.error(request, message)
        return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))


class IntakeView(LoginRequiredMixin, View):
    """The 1999 operator's console: one screen, keyboard first."""

    template_name = "cases/intake.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not services.is_commission_case_staff(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = IntakeForm(initial={"idempotency_key": uuid.uuid4().hex})
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            intake = services.Intake(
                case_type=data["case_type"],
                channel=data["channel"],
                description=data["description"],
                category=data["category"],
                answer=data["answer"],
                district=data["district"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                confidential=data["confidential"],
                petitioner=services.PetitionerData(
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    anonymous=data["anonymous"],
                    reply_channel=data["reply_channel"],
                ),
                idempotency_key=data["idempotency_key"] or None,
                scans=data["scans"],
            )
            try:
                case, _code = services.create_case(intake, request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = field if field in form.fields else None
                    for error in errors:
                        form.add_error(target, error)
            else:
                messages.success(request, _("Case %(number)s recorded.") % {"number": case.number})
                return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))
        return render(request, self.template_name, {"form": form}, status=200)


class SuggestView(LoginRequiredMixin, View):
    """htmx: category suggestions, possible duplicates and the caller's earlier cases."""

    def get(self, request: HttpRequest) -> HttpResponse:
        from yankao.assistant.services.suggestion import suggest

        text = request.GET.get("description", "")
        district = request.GET.get("district", "")
        category_id = request.GET.get("category") or None
        outcome = suggest(text, district)
        suggestions = outcome.suggestions
        duplicates = services.possible_duplicates(
            request.user,
            category_id=category_id or (suggestions[0].category.pk if suggestions else None),
            district=district,
        )
        earlier = services.earlier_cases(request.user, phone=request.GET.get("phone", ""))
        return render(
            request,
            "cases/_suggestions.html",
            {
                "suggestions": suggestions,
                "outcome": outcome,
                "duplicates": duplicates,
                "earlier": earlier,
            },
        )


# --- Citizens: no login --------------------------------------------------------------------


def _rate_limited(request: HttpRequest) -> bool:
    return over_limit(f"mailbox:{client_ip(request)}", settings.YANKAO_MAILBOX_PER_HOUR, 3600)


class MailboxSuggestView(View):
    """htmx, no login: the categories the citizen's words suggest, to pick with one click.
    Nothing typed is stored; a flood from one connection gets nothing."""

    def post(self, request: HttpRequest) -> HttpResponse:
        key = f"mailbox-suggest:{client_ip(request)}"
        if over_limit(key, settings.YANKAO_MAILBOX_SUGGEST_PER_MINUTE, 60):
            return HttpResponse("")
        from yankao.assistant.services.suggestion import suggest

        text = f"{request.POST.get('subject', '')}\n{request.POST.get('description', '')}"
        outcome = suggest(
            text[: settings.YANKAO_SUGGEST_MAX_CHARS], request.POST.get("district", "")
        )
        choices = [
            s
            for s in outcome.suggestions
            if s.category.active
            and s.category.case_type == CaseType.PETITION
            and s.confidence >= settings.YANKAO_MAILBOX_SUGGEST_MIN_CONFIDENCE
        ]
        return render(request, "cases/_mailbox_suggestions.html", {"suggestions": choices})


class MailboxView(View):
    template_name = "cases/mailbox.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = MailboxForm(initial={"idempotency_key": uuid.uuid4().hex})
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = MailboxForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        if data["website"]:  # a bot filled the hidden field
            return render(request, self.template_name, {"form": MailboxForm()}, status=400)
        if _rate_limited(request):
            form.add_error(
                None, _("Too many messages from your connection; please try again in an hour.")
            )
            return render(request, self.template_name, {"form": form}, status=429)
        intake = services.Intake(
            case_type=CaseType.PETITION,
            channel=Channel.MAYORS_MAILBOX,
            subject=data["subject"],
            description=data["description"],
            category=data["category"],
            district=data["district"],
            address=data["address"],
            confidential=data["confidential"],
            petitioner=services.PetitionerData(
                name=data["name"], email=data["email"], phone=data["phone"]
            ),
            idempotency_key=f"mailbox:{data['idempotency_key']}"
            if data["idempotency_key"]
            else None,
        )
        try:
            case, code = services.create_case(intake, None)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return render(request, self.template_name, {"form": form}, status=400)
        return render(request, "cases/mailbox_done.html", {"case": case, "code": code})


class SurveyView(View):
    """The citizen answers the satisfaction survey; the case number and code prove who they are."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SurveyForm(request.POST)
        case = None
        if form.is_valid():
            case = services.find_by_tracking(form.cleaned_data["number"], form.cleaned_data["code"])
        if case is None:
            raise Http404
        try:
            services.answer_survey(
                case,
                satisfied=form.cleaned_data["satisfied"],
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you for your answer."))
        query = f"?number={case.number}&code={form.cleaned_data['code']}"
        return HttpResponseRedirect(reverse("public:track") + query)


class TrackView(View):
    template_name = "cases/track.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = TrackForm(request.GET or None)
        case = None
        if form.is_bound and form.is_valid():
            case = services.find_by_tracking(form.cleaned_data["number"], form.cleaned_data["code"])
            if case is None:
                form.add_error(None, _("No case matches this number and tracking code."))
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "case": case,
                "events": case.events.exclude(action="decide_extension") if case else [],
                "survey_form": (
                    SurveyForm(initial={"number": case.number, "code": request.GET.get("code", "")})
                    if case and case.status == CaseStatus.CLOSED and not hasattr(case, "survey")
                    else None
                ),
                "replies": (
                    case.replies.all()
                    if case and case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED)
                    else []
                ),
            },
        )
