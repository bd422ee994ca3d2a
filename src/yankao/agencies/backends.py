"""Password login with lock-out after repeated failures (counted from the audit log)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.audit.services import login_failures_since


def is_locked_out(username: str) -> bool:
    window = dt.timedelta(minutes=settings.YANKAO_LOGIN_LOCKOUT_MINUTES)
    failures = login_failures_since(username, timezone.now() - window)
    return failures >= settings.YANKAO_LOGIN_FAILURE_LIMIT


class LockedOut(PermissionDenied):
    pass


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username and is_locked_out(username):
            if request is not None:
                request.yankao_locked_out = True
            # PermissionDenied stops the other backends and still fires user_login_failed.
            raise LockedOut(
                _("Too many failed logins. This account is locked for %(minutes)s minutes.")
                % {"minutes": settings.YANKAO_LOGIN_LOCKOUT_MINUTES}
            )
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """The agency comes with the user: scoping and the audit log read it on every request."""
        from .models import User

        try:
            user = User._default_manager.select_related("agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
