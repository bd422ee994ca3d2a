"""The public interface of the audit log: write entries, track models, read login failures.

Who is acting comes from a context variable that the request middleware (and commands) bind,
so services deep down can record the actor without passing the request around.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from yankao.core.db import insert_later

from .models import AuditAction, AuditEntry


@dataclass(frozen=True)
class ActorContext:
    user: Any = None
    ip_address: str | None = None
    request_id: str = ""
    request: Any = None

    def resolved_user(self) -> Any:
        # Read the user from the request late: DRF authenticates tokens after the middleware.
        if self.request is not None:
            return getattr(self.request, "user", None)
        return self.user


_context: contextvars.ContextVar[ActorContext] = contextvars.ContextVar(
    "yankao_audit_actor",
    default=ActorContext(),  # noqa: B039 - frozen, immutable
)


@contextmanager
def acting_as(
    user: Any = None, ip_address: str | None = None, request_id: str = "", request: Any = None
) -> Iterator[ActorContext]:
    """Bind who is acting for the duration of a request, command or task."""
    token = _context.set(ActorContext(user, ip_address, request_id, request))
    try:
        yield _context.get()
    finally:
        _context.reset(token)


def current_actor() -> ActorContext:
    return _context.get()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


def record(
    action: str,
    target: models.Model | None = None,
    *,
    actor: Any = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry. Inside a transaction it commits or rolls back with the change (inside
    `core.db.deferred_inserts`, it is written when that block ends)."""
    context = current_actor()
    user = actor if actor is not None else context.resolved_user()
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    agency = getattr(user, "agency", None) if authenticated else None
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:200]
    return insert_later(
        AuditEntry(
            actor=user if authenticated else None,
            actor_name=actor_name or (user.get_username() if authenticated else ""),
            actor_agency_code=agency.code if agency is not None else "",
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_repr=target_repr[:200],
            changes=_jsonable(changes or {}),
            note=note,
            ip_address=context.ip_address,
            request_id=context.request_id,
        )
    )


def record_personal_data_view(
    target: models.Model, fields: Iterable[str], *, actor: Any = None
) -> AuditEntry:
    """Every reveal of a citizen's personal data leaves this entry (個資法)."""
    return record(
        AuditAction.VIEW_PERSONAL_DATA,
        target,
        actor=actor,
        changes={"fields": sorted(fields)},
    )


def record_transition(
    target: models.Model,
    action: str,
    before: str,
    *,
    actor: Any = None,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """A workflow move (case, plan evaluation, inspection, defect, monitoring report): the action
    and the status before and after, in the one shape every workflow writes."""
    return record(
        AuditAction.STATUS,
        target,
        actor=actor,
        changes={
            "action": action,
            "status": {"old": before, "new": target.status},  # type: ignore[attr-defined]
            **(extra or {}),
        },
        note=note,
    )


def record_export(
    what: str, *, rows: int, filters: dict[str, Any] | None = None, actor: Any = None
) -> AuditEntry:
    return record(
        AuditAction.EXPORT,
        actor=actor,
        target_type=what,
        target_repr=what,
        changes={"rows": rows, "filters": filters or {}},
    )


def login_failures_since(username: str, since: dt.datetime) -> int:
    """Failed logins for a username since a moment, not counting those before its last success."""
    last_success = (
        AuditEntry.objects.filter(
            action=AuditAction.LOGIN, actor_name__iexact=username, at__gte=since
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    start = max(since, last_success) if last_success else since
    return AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor_name__iexact=username, at__gt=start
    ).count()


# --- Automatic create/change/delete entries for tracked models -----------------------------

_tracked: dict[type[models.Model], tuple[str, ...]] = {}


def _field_values(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: _jsonable(getattr(instance, name if not _is_fk(instance, name) else f"{name}_id"))
        for name in fields
    }


def _is_fk(instance: models.Model, name: str) -> bool:
    return isinstance(instance._meta.get_field(name), models.ForeignKey)


def track(model: type[models.Model], *, exclude: Iterable[str] = ()) -> None:
    """Write an entry with old and new values whenever a row of `model` is saved or deleted."""
    skipped = {"password", "last_login", *exclude}
    fields = tuple(
        f.name for f in model._meta.concrete_fields if f.name not in skipped and not f.primary_key
    )
    _tracked[model] = fields
    uid = f"audit-{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre", weak=False)
    post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post", weak=False)
    post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-del", weak=False)


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance._state.adding or instance.pk is None:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    fields = _tracked[sender]
    old = (
        sender._base_manager.filter(pk=instance.pk)
        .values(*[f"{n}_id" if _is_fk(instance, n) else n for n in fields])
        .first()
    )
    instance._audit_before = (  # type: ignore[attr-defined]
        {n: _jsonable(old[f"{n}_id" if _is_fk(instance, n) else n]) for n in fields}
        if old
        else None
    )


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    fields = _tracked[sender]
    after = _field_values(instance, fields)
    if created:
        record(AuditAction.CREATE, instance, changes={"new": after})
        return
    before = getattr(instance, "_audit_before", None) or {}
    diff = {n: {"old": before.get(n), "new": after[n]} for n in fields if before.get(n) != after[n]}
    if diff:
        record(AuditAction.CHANGE, instance, changes=diff)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(AuditAction.DELETE, instance, changes={"old": _field_values(instance, _tracked[sender])})


def entries_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


__all__ = [
    "AuditAction",
    "AuditEntry",
    "acting_as",
    "current_actor",
    "entries_for",
    "login_failures_since",
    "record",
    "record_export",
    "record_personal_data_view",
    "track",
]
