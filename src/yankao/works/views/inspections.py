"""Pages of inspections: the list, an inspection with its defects, the on-site record form
(kept as a draft while typed), and the team's steps after it."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from yankao.web.lists import chosen_tab
from yankao.workdays.roc import format_for_language, parse_roc

from ..models import (
    DefectCode,
    DefectStatus,
    Inspection,
    Party,
    Severity,
)
from ..services import (
    UNANNOUNCED,
    is_inspection_team,
    require_team,
    visible_inspections,
    visible_projects,
)
from ..services import inspections as service
from ..workflow import allowed

MEMBER_ROWS = 6
DEFECT_ROWS = 10  # rows shown at first; the form adds more (page script, or after a save)
MAX_DEFECT_ROWS = 300  # the most rows read from one form
DEFECT_FIELD = re.compile(r"^defect-(\d+)-")


def defect_rows_in(values: Any) -> int:
    """How many defect rows the form needs for what was typed, plus a few empty ones."""
    used = [
        int(m.group(1))
        for key, value in values.items()
        if (m := DEFECT_FIELD.match(key)) and str(value).strip()
    ]
    return min(MAX_DEFECT_ROWS, max([DEFECT_ROWS, *(n + 3 for n in used)]))


TRIGGERS = (
    ("concrete_core_failed", gettext_lazy("concrete core test failed")),
    ("asphalt_core_failed", gettext_lazy("asphalt core test failed")),
    ("compaction_failed", gettext_lazy("compaction test failed")),
    ("structural_deviation", gettext_lazy("major structural deviation")),
    ("serious_safety_defect", gettext_lazy("serious safety defect")),
)
TABS = {
    "recorded": gettext_lazy("Recorded"),
    "planned": gettext_lazy("Planned visits"),
    "all": gettext_lazy("All"),
}


class InspectionListView(LoginRequiredMixin, ListView):
    template_name = "works/inspection_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Inspection]:
        team = is_inspection_team(self.request.user)
        self.tab = chosen_tab(self.request, [k for k in TABS if team or k != "planned"], "recorded")
        queryset = visible_inspections(self.request.user).annotate(
            open_defects=Count("defects", filter=~Q(defects__status=DefectStatus.CLOSED)),
            all_defects=Count("defects"),
        )
        if self.tab == "planned":
            return queryset.filter(status__in=UNANNOUNCED).order_by("scheduled_on")
        if self.tab == "recorded":
            queryset = queryset.exclude(status__in=UNANNOUNCED)
        return queryset.order_by("-inspected_on", "-scheduled_on", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        team = is_inspection_team(self.request.user)
        context.update(
            tab=self.tab,
            tabs=[(k, v) for k, v in TABS.items() if team or k != "planned"],
            team=team,
        )
        return context


def _visible(request: HttpRequest, pk: int) -> Inspection:
    return get_object_or_404(visible_inspections(request.user), pk=pk)


class InspectionDetailView(LoginRequiredMixin, View):
    template_name = "works/inspection_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = _visible(request, pk)
        today = timezone.localdate()
        defects = inspection.defects.select_related("code")
        context = {
            "inspection": inspection,
            "members": inspection.members.all(),
            "defects": [(d, service.is_overdue(d, today)) for d in defects],
            "penalties": inspection.penalties.select_related("defect__code"),
            "events": inspection.events.select_related("by"),
            "actions": allowed(inspection, request.user),
            "team": is_inspection_team(request.user),
            "late": service.record_sent_late(inspection),
            "triggers": [label for name, label in TRIGGERS if getattr(inspection, name)],
            "reinspections": inspection.reinspections.all(),
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = _visible(request, pk)
        action = request.POST.get("action", "")
        try:
            if action == "send":
                service.send_record(inspection, request.user)
                messages.success(request, _("The record is sent to the agency."))
            elif action == "close":
                service.close_inspection(inspection, request.user)
                messages.success(request, _("The inspection is closed."))
            elif action in ("tests_passed", "tests_failed"):
                service.settle_tests(inspection, request.user, failed=action == "tests_failed")
                messages.success(request, _("Test results recorded."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("works:inspection", args=[inspection.pk]))


class NewInspectionView(LoginRequiredMixin, View):
    """An unplanned visit, or a re-inspection (複查) of an earlier inspection."""

    def post(self, request: HttpRequest, project_pk: int) -> HttpResponse:
        project = get_object_or_404(visible_projects(request.user), pk=project_pk)
        original = None
        if request.POST.get("original"):
            original = get_object_or_404(
                visible_inspections(request.user), pk=request.POST["original"]
            )
        inspection = service.new_inspection(project, request.user, original=original)
        return HttpResponseRedirect(reverse("works:inspection_record", args=[inspection.pk]))


# --- The on-site record form -------------------------------------------------------------------


def _int(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return -1  # refused by the rules with a clear message


def _decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.strip()) if raw and raw.strip() else None
    except InvalidOperation:
        return None


def _date(raw: str) -> dt.date | None:
    try:
        return parse_roc(raw) if raw and raw.strip() else None
    except ValueError:  # RocDateError
        return None


def parse_record(post: Any) -> tuple[service.RecordData | None, dict[str, list[str]]]:
    """The form's fields as a record; a date that cannot be read is an error of its own."""
    typed = [name for name in ("score", "grade") if str(post.get(name, "")).strip()]
    if typed:
        return None, {
            "grade": [_("The score and grade follow from the members' scores; they are not typed.")]
        }
    inspected_on = _date(post.get("inspected_on", ""))
    if inspected_on is None:
        return None, {"inspected_on": [_("Inspection date: give a date such as 115/11/20.")]}
    members = [
        service.Member(
            name=post.get(f"member-{n}-name", ""),
            external=post.get(f"member-{n}-external") == "on",
            score=_int(post.get(f"member-{n}-score", "")),
        )
        for n in range(1, MEMBER_ROWS + 1)
    ]
    defects = [
        service.DefectData(
            code=post.get(f"defect-{n}-code", ""),
            party=post.get(f"defect-{n}-party", ""),
            severity=post.get(f"defect-{n}-severity", Severity.MINOR),
            description=post.get(f"defect-{n}-description", ""),
            deduction=_int(post.get(f"defect-{n}-deduction", "")),
        )
        for n in range(1, MAX_DEFECT_ROWS + 1)
        if post.get(f"defect-{n}-code", "").strip()
    ]
    data = service.RecordData(
        inspected_on=inspected_on,
        members=members,
        supervisor_engineer_present=post.get("supervisor_engineer_present") == "on",
        contractor_engineer_present=post.get("contractor_engineer_present") == "on",
        attendees=post.get("attendees", ""),
        progress_planned=_decimal(post.get("progress_planned", "")),
        progress_actual=_decimal(post.get("progress_actual", "")),
        tests_pending=post.get("tests_pending") == "on",
        merits=post.get("merits", ""),
        suggestions=post.get("suggestions", ""),
        defects=defects,
        **{name: post.get(name) == "on" for name, _label in TRIGGERS},
    )
    return data, {}


class RecordView(LoginRequiredMixin, View):
    """The tablet form. Every change is saved as a draft (server and this device), so nothing
    typed is lost on a bad connection; "Record" checks the rules and saves it for good."""

    template_name = "works/inspection_record.html"

    def _context(
        self,
        inspection: Inspection,
        values: dict[str, Any],
        errors: Any = None,
        warnings: Any = None,
    ) -> dict[str, Any]:
        return {
            "inspection": inspection,
            "values": values,
            "errors": errors or {},
            "warnings": warnings or [],
            "member_rows": [
                {
                    "n": n,
                    "name": values.get(f"member-{n}-name", ""),
                    "external": values.get(f"member-{n}-external") == "on",
                    "score": values.get(f"member-{n}-score", ""),
                }
                for n in range(1, MEMBER_ROWS + 1)
            ],
            "defect_rows": [
                {
                    "n": n,
                    **{
                        key: values.get(f"defect-{n}-{key}", "")
                        for key in ("code", "party", "severity", "deduction", "description")
                    },
                }
                for n in range(1, defect_rows_in(values) + 1)
            ],
            "checked": {k for k, v in values.items() if v == "on"},
            "triggers": TRIGGERS,
            "parties": Party.choices,
            "severities": Severity.choices,
            "codes": DefectCode.objects.filter(active=True, children__isnull=True).order_by("code"),
        }

    def _inspection(self, request: HttpRequest, pk: int) -> Inspection:
        require_team(request.user)
        return _visible(request, pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = self._inspection(request, pk)
        if inspection.status not in UNANNOUNCED:
            return HttpResponseRedirect(reverse("works:inspection", args=[pk]))
        values = dict(inspection.draft) or {
            "inspected_on": f"{timezone.localdate().year - 1911}/{timezone.localdate():%m/%d}",
            "supervisor_engineer_present": "on",
            "contractor_engineer_present": "on",
        }
        return render(request, self.template_name, self._context(inspection, values))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = self._inspection(request, pk)
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        data, errors = parse_record(request.POST)
        if data is not None:
            try:
                saved, warnings = service.record(inspection, request.user, data)
            except ValidationError as exc:
                errors = (
                    exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                )
            else:
                messages.success(
                    request,
                    _("Recorded: score %(s)s, %(g)s. Send the record to the agency by %(d)s.")
                    % {
                        "s": saved.score,
                        "g": saved.get_grade_display(),
                        "d": format_for_language(saved.record_due),
                    },
                )
                for warning in warnings:
                    messages.warning(request, warning)
                return HttpResponseRedirect(reverse("works:inspection", args=[pk]))
        # Keep what was typed: the draft on the server as well as the page.
        with contextlib.suppress(ValidationError):
            inspection = service.save_draft(inspection, request.user, values, inspection.revision)
        return render(
            request, self.template_name, self._context(inspection, values, errors), status=400
        )


class DraftView(LoginRequiredMixin, View):
    """Autosave (fetch from the form): the draft with its revision; 409 when someone else saved."""

    def post(self, request: HttpRequest, pk: int) -> JsonResponse:
        if not is_inspection_team(request.user):
            return JsonResponse({"detail": _("Only the inspection team may do this.")}, status=403)
        inspection = _visible(request, pk)
        values = {
            k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "revision")
        }
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = inspection.revision
        try:
            saved = service.save_draft(inspection, request.user, values, revision)
        except service.StaleDraft as exc:
            return JsonResponse({"detail": exc.messages[0]}, status=409)
        except ValidationError as exc:
            return JsonResponse({"detail": exc.messages[0]}, status=400)
        return JsonResponse(
            {"revision": saved.revision, "saved_at": timezone.localtime().strftime("%H:%M:%S")}
        )
