"""`yankao worker`: the database-backed task worker, plus heartbeat and periodic jobs.

Runs django-tasks-db's worker loop; a side thread stamps this worker's heartbeat and enqueues
due periodic jobs (row-locked, so several workers on PostgreSQL never enqueue one job twice).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from yankao.core.services import enqueue_due_jobs, stamp_heartbeat

logger = logging.getLogger("yankao.worker")


def _side_loop(worker_id: str, stop: threading.Event) -> None:
    started = timezone.now()
    while not stop.is_set():
        try:
            close_old_connections()
            stamp_heartbeat(worker_id, started)
            for name in enqueue_due_jobs():
                logger.info("periodic job enqueued", extra={"job": name})
        except Exception:
            logger.exception("heartbeat or scheduling failed")
        finally:
            connection.close()
        stop.wait(settings.YANKAO_WORKER_HEARTBEAT_SECONDS)


class Command(DbWorkerCommand):
    help = "Run the background task worker with heartbeat and periodic jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        side = threading.Thread(
            target=_side_loop, args=(options["worker_id"], stop), daemon=True, name="heartbeat"
        )
        side.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
