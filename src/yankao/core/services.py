"""Platform services: health, worker heartbeats and periodic jobs for the task queue."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .models import PeriodicJob, WorkerHeartbeat

logger = logging.getLogger(__name__)


# --- Health --------------------------------------------------------------------------------


def _check_database() -> dict[str, Any]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connections[DEFAULT_DB_ALIAS].vendor}


def _check_migrations() -> dict[str, Any]:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": not plan, "unapplied": len(plan)}


def _check_worker() -> dict[str, Any]:
    try:
        newest = (
            WorkerHeartbeat.objects.order_by("-last_seen")
            .values_list("last_seen", flat=True)
            .first()
        )
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if newest is None:
        return {"ok": False, "last_seen": None, "error": "no worker has reported"}
    age = (timezone.now() - newest).total_seconds()
    return {
        "ok": age <= settings.YANKAO_WORKER_HEARTBEAT_MAX_AGE,
        "last_seen": newest.isoformat(),
        "age_seconds": round(age, 1),
    }


def health() -> dict[str, Any]:
    database = _check_database()
    checks = {
        "database": database,
        "migrations": _check_migrations() if database["ok"] else {"ok": False},
        "worker": _check_worker() if database["ok"] else {"ok": False},
    }
    return {"status": "ok" if all(c["ok"] for c in checks.values()) else "fail", "checks": checks}


# --- Worker heartbeat ----------------------------------------------------------------------


def stamp_heartbeat(worker_id: str, started_at: dt.datetime) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": now,
        },
    )


# --- Periodic jobs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Periodic:
    task_path: str
    every: dt.timedelta


_periodic: dict[str, Periodic] = {}


def register_periodic(task_path: str, every: dt.timedelta) -> None:
    """Apps register their periodic tasks (reminders, escalations) in AppConfig.ready()."""
    _periodic[task_path] = Periodic(task_path, every)


def registered_periodic() -> dict[str, Periodic]:
    return dict(_periodic)


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue each due periodic task once, however many workers call this at the same time."""
    from django.utils.module_loading import import_string

    now = now or timezone.now()
    enqueued: list[str] = []
    for name, job in _periodic.items():
        PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            row = (
                PeriodicJob.objects.select_for_update(skip_locked=True)
                .filter(name=name, next_run_at__lte=now)
                .first()
            )
            if row is None:
                continue
            import_string(job.task_path).enqueue()
            row.last_enqueued_at = now
            row.next_run_at = now + job.every
            row.save(update_fields=["last_enqueued_at", "next_run_at"])
            enqueued.append(name)
    return enqueued


# --- The home page's work lists ------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    text: str
    url: str
    note: str = ""
    alert: bool = False


@dataclass(frozen=True)
class WorkList:
    """Things waiting for the user, filled by a business area; `replaces` names the role whose
    placeholder panel it stands for."""

    title: str
    items: list[WorkItem]
    total: int
    more_url: str = ""
    empty_text: str = ""
    replaces: str = ""


# Each business area adds a function (user -> list[WorkList]) here, in the order shown.
HOME_WORK: tuple[str, ...] = (
    "yankao.cases.services.home_work",
    "yankao.plans.services.home_work",
    "yankao.works.services.home_work",
)


def home_work(user: Any) -> list[WorkList]:
    from django.utils.module_loading import import_string

    lists: list[WorkList] = []
    for path in HOME_WORK:
        lists.extend(import_string(path)(user))
    return lists


def over_limit(key: str, limit: int, seconds: int) -> bool:
    """Rate limit for citizens' pages (no login): True once `limit` requests were counted for
    `key` (e.g. a connection) within `seconds` of the last one; otherwise count this one."""
    count = cache.get(key, 0)
    if count >= limit:
        return True
    cache.set(key, count + 1, seconds)
    return False
