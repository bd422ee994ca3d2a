"""API token authentication that loads the user, its agency and its role codes with the token
(one statement, not three): every API call checks roles, so this is paid on each request."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication

from .models import Role


class TokenAuthentication(DrfTokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model = self.get_model()
        codes = (
            Role.objects.filter(users=OuterRef("user_id"))
            .values("users")
            .annotate(codes=StringAgg("code", Value(",")))
            .values("codes")
        )
        try:
            token = (
                model.objects.select_related("user", "user__agency")
                .annotate(role_codes=Subquery(codes))
                .get(key=key)
            )
        except model.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # What User.role_codes would read in a second query (codes hold no commas).
        token.user._role_codes = frozenset(filter(None, (token.role_codes or "").split(",")))
        return token.user, token
