"""Who may declare closures and extra working days: the commission administrators."""

from __future__ import annotations

from typing import Any

from yankao.agencies.roles import RoleCode


def can_declare(user: Any) -> bool:
    """Declared days move every agency's deadlines, so only the commission's admins set them."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_role(RoleCode.RDEC_ADMIN)
    )
