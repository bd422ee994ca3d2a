"""Background work of works inspection, run by the task worker."""

from django.tasks import task


@task()
def file_works_site_cases() -> int:
    """File each new works-site 1999 case as a citizen works monitoring report. Run every
    YANKAO_WORKS_MONITORING_SWEEP_MINUTES rather than during intake, which it would slow."""
    from .services.monitoring import file_missing_cases

    return file_missing_cases()


@task()
def open_overdue_penalties() -> int:
    """Every open defect past its deadline without an approved extension opens a penalty
    follow-up (once)."""
    from .services.inspections import open_overdue_penalties as sweep

    return sweep()
