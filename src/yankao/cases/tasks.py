"""Background work of citizen service, run by the task worker."""

from django.tasks import task

from .notices import send_reminders


@task()
def send_deadline_reminders() -> dict[str, int]:
    return send_reminders()
