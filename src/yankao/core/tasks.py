"""Platform housekeeping tasks, run by the task worker."""

from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone


@task()
def clear_expired_sessions() -> int:
    """Expired sessions are personal data we no longer need."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
