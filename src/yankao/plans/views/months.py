"""Closing a reporting month: after it, the month's reports are final."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yankao.web.months import month_query
from yankao.workdays.roc import format_roc

from .. import services


class CloseMonthView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, year: int, month: int) -> HttpResponse:
        try:
            first = dt.date(year, month, 1)
        except ValueError as exc:
            raise Http404 from exc
        if not services.is_controller(request.user):
            raise PermissionDenied(_("Only the commission's plan controllers close a month."))
        if request.POST.get("confirm") != "1":
            messages.error(request, _("Tick the box to confirm closing the month."))
        else:
            services.close_month(first, request.user)
            messages.success(
                request,
                _("%(month)s is closed: its reports can no longer be changed.")
                % {"month": format_roc(first, "month")},
            )
        return HttpResponseRedirect(reverse("plans:submission") + "?" + month_query(year, month))
