from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksConfig(AppConfig):
    name = "yankao.works"
    verbose_name = _("Works inspection")

    def ready(self) -> None:
        import datetime as dt

        from yankao.attachments.services import register_owner
        from yankao.audit.services import track
        from yankao.cases.services import works_site_case_recorded
        from yankao.core.services import register_periodic

        from .models import Defect, Inspection, MonitoringReport, PenaltyFollowUp, WorksProject

        track(WorksProject, exclude=("updated_at",))
        track(Inspection, exclude=("draft", "revision", "updated_at"))
        track(Defect)
        track(PenaltyFollowUp)
        track(MonitoringReport)
        works_site_case_recorded.connect(_file_case, dispatch_uid="works-monitoring")
        register_periodic("yankao.works.tasks.file_works_site_cases", dt.timedelta(hours=1))
        register_periodic("yankao.works.tasks.open_overdue_penalties", dt.timedelta(hours=1))
        register_owner(Defect)  # photos before, during and after the remedy


def _file_case(sender: object, case: object, **kwargs: object) -> None:
    from .services.monitoring import report_from_case

    report_from_case(case)
