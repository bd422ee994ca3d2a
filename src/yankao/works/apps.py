from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class WorksConfig(AppConfig):
    name = "yankao.works"
    verbose_name = _("Works inspection")

    def ready(self) -> None:
        import datetime as dt

        from yankao.attachments.services import register_owner
        from yankao.audit.services import track
        from yankao.core.services import register_periodic

        from .models import Defect, Inspection, MonitoringReport, PenaltyFollowUp, WorksProject

        track(WorksProject, exclude=("updated_at",))
        track(Inspection, exclude=("draft", "revision", "updated_at"))
        track(Defect)
        track(PenaltyFollowUp)
        track(MonitoringReport)
        register_periodic(
            "yankao.works.tasks.file_works_site_cases",
            dt.timedelta(minutes=settings.YANKAO_WORKS_MONITORING_SWEEP_MINUTES),
        )
        register_periodic("yankao.works.tasks.open_overdue_penalties", dt.timedelta(hours=1))
        register_owner(Defect)  # photos before, during and after the remedy
