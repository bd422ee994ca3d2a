from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from yankao.web.exports import Column
from yankao.web.lists import ExportableListMixin
from yankao.web.scoping import RoleRequiredMixin, ScopedQuerysetMixin

from .models import Agency, AgencyKind, User
from .roles import RoleCode
from .services import scope_queryset


class AgencyListView(LoginRequiredMixin, ExportableListMixin, ListView):
    """The agency directory: reference data every signed-in user may read."""

    model = Agency
    paginate_by = 50
    template_name = "agencies/agency_list.html"
    export_name = "agencies"

    def get_queryset(self) -> QuerySet[Agency]:
        queryset = Agency.objects.select_related("parent").order_by("sort_order", "code")
        params = self.request.GET
        if params.get("kind") in AgencyKind.values:
            queryset = queryset.filter(kind=params["kind"])
        if params.get("status") != "all":
            queryset = queryset.filter(active=params.get("status") != "inactive")
        if query := params.get("q", "").strip():
            queryset = queryset.filter(
                Q(name_zh__icontains=query)
                | Q(short_name__icontains=query)
                | Q(name_en__icontains=query)
                | Q(code__iexact=query)
                | Q(district__icontains=query)
            )
        return queryset

    def export_columns(self) -> list[Column]:
        return [
            (_("agency code"), lambda a: a.code),
            (_("name (Chinese)"), lambda a: a.name_zh),
            (_("name (English)"), lambda a: a.name_en),
            (_("kind"), lambda a: a.get_kind_display()),
            (_("parent agency"), lambda a: a.parent.code if a.parent else ""),
            (_("district"), lambda a: a.district),
            (_("active"), lambda a: _("yes") if a.active else _("no")),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["kinds"] = AgencyKind.choices
        return context


class AgencyDetailView(LoginRequiredMixin, DetailView):
    model = Agency
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "agencies/agency_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        agency = self.object
        context["children"] = agency.children.order_by("sort_order", "code")
        # People are records: only those the viewer may see are counted or listed.
        people = scope_queryset(
            User.objects.filter(agency=agency, is_active=True), self.request.user
        )
        context["people"] = people.prefetch_related("roles")[:50]
        context["people_count"] = people.count()
        return context


class PeopleListView(RoleRequiredMixin, ScopedQuerysetMixin, ExportableListMixin, ListView):
    """People of the agencies the viewer may see (administrators: everyone)."""

    model = User
    paginate_by = 50
    template_name = "agencies/people_list.html"
    export_name = "people"
    required_roles = (RoleCode.RDEC_ADMIN, RoleCode.AGENCY_SUPERVISOR)

    def get_queryset(self) -> QuerySet[User]:
        queryset = super().get_queryset().select_related("agency").prefetch_related("roles")
        params = self.request.GET
        if role := params.get("role"):
            queryset = queryset.filter(roles__code=role)
        if query := params.get("q", "").strip():
            queryset = queryset.filter(
                Q(username__icontains=query)
                | Q(full_name__icontains=query)
                | Q(agency__name_zh__icontains=query)
            )
        if params.get("status") != "all":
            queryset = queryset.filter(is_active=True)
        return queryset.order_by("agency__sort_order", "username")

    def export_columns(self) -> list[Column]:
        return [
            (_("username"), lambda u: u.username),
            (_("full name"), lambda u: u.full_name),
            (_("agency"), lambda u: u.agency.name_zh if u.agency else ""),
            (_("job title"), lambda u: u.job_title),
            (_("roles"), lambda u: "、".join(str(r) for r in u.roles.all())),
            (_("active"), lambda u: _("yes") if u.is_active else _("no")),
            (_("Last login"), lambda u: u.last_login),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["roles"] = RoleCode.choices
        return context
