"""The one way views and API endpoints get their records: through the user's scope."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission

from yankao.agencies.services import can_write, scope_queryset


class ScopedQuerysetMixin:
    """For Django class-based views and DRF generic views alike.

    Detail views look records up in the scoped queryset, so another agency's record is a 404.
    """

    scope_line: str | None = None
    request: HttpRequest

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        return scope_queryset(queryset, self.request.user, line=self.scope_line)


class RoleRequiredMixin(LoginRequiredMixin, AccessMixin):
    """Only users holding one of `required_roles` (or superusers) may open the view."""

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_roles and not request.user.has_role(*self.required_roles):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class HasRole(BasePermission):
    """DRF permission: the view's `required_roles`, if any, must be held."""

    def has_permission(self, request: Any, view: Any) -> bool:
        roles = getattr(view, "required_roles", ())
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return not roles or user.has_role(*roles)


class WriteAllowed(BasePermission):
    """DRF permission: read-only viewers may only read."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        line = getattr(view, "scope_line", None) or view.get_queryset().model.scope_line
        return can_write(request.user, line)
