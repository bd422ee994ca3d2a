"""Background work of citizen service, run by the task worker."""

from django.tasks import task

from .notices import send_reminders


@task()
def send_deadline_reminders() -> dict[str, int]:
    return send_reminders()


@task()
def build_case_month_figures() -> list[str]:
    """Sum each finished month once, so the monthly report reads sums, not years of cases."""
    from .reports.built import build_due_months

    return [month.isoformat() for month in build_due_months()]
