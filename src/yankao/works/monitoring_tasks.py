"""Background work of citizen works monitoring, run by the task worker."""

from django.tasks import task


@task()
def file_works_site_cases() -> int:
    """Catch up on works-site 1999 cases whose monitoring report was not filed on intake."""
    from .services.monitoring import file_missing_cases

    return file_missing_cases()
