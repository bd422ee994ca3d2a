from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksConfig(AppConfig):
    name = "yankao.works"
    verbose_name = _("Works inspection")

    def ready(self) -> None:
        from yankao.audit.services import track

        from .models import Defect, Inspection, MonitoringReport, PenaltyFollowUp, WorksProject

        track(WorksProject, exclude=("updated_at",))
        track(Inspection, exclude=("draft", "revision", "updated_at"))
        track(Defect)
        track(PenaltyFollowUp)
        track(MonitoringReport)
