from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yankao.core.models import PeriodicJob, WorkerHeartbeat
from yankao.core.services import enqueue_due_jobs, registered_periodic, stamp_heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_fails_without_a_worker_and_passes_with_one():
    client = Client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True, "unapplied": 0}
    assert body["checks"]["worker"]["ok"] is False
    stamp_heartbeat("w1", timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_stale_heartbeat_is_a_failure(settings):
    settings.YANKAO_WORKER_HEARTBEAT_MAX_AGE = 60
    WorkerHeartbeat.objects.create(
        worker_id="old",
        started_at=timezone.now() - dt.timedelta(hours=1),
        last_seen=timezone.now() - dt.timedelta(seconds=61),
    )
    assert Client().get("/healthz").status_code == 503


def test_periodic_jobs_are_enqueued_once_per_period():
    assert "yankao.core.tasks.clear_expired_sessions" in registered_periodic()
    now = timezone.now()
    first = enqueue_due_jobs(now)
    assert "yankao.core.tasks.clear_expired_sessions" in first
    # A second worker asking at the same moment enqueues nothing.
    assert enqueue_due_jobs(now) == []
    job = PeriodicJob.objects.get(name="yankao.core.tasks.clear_expired_sessions")
    assert job.next_run_at == now + registered_periodic()[job.name].every
    assert (
        DBTaskResult.objects.filter(task_path="yankao.core.tasks.clear_expired_sessions").count()
        == 1
    )
    assert "yankao.core.tasks.clear_expired_sessions" in enqueue_due_jobs(job.next_run_at)


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_queued_task(people):
    """The real worker loop (it closes stale connections, hence a transactional test)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    store = SessionStore()
    store.set_expiry(-10)
    store.create()
    from yankao.core.tasks import clear_expired_sessions

    result = clear_expired_sessions.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value >= 1
