from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "yankao.plans"
    verbose_name = _("Plan control")

    def ready(self) -> None:
        from yankao.audit.services import track

        from .models import (
            Evaluation,
            EvaluationRound,
            FollowUp,
            Plan,
            PlanBudget,
            ProgressReport,
            RubricItem,
            SupervisionMeeting,
            WorkPlan,
        )

        track(Plan)
        track(PlanBudget)
        track(WorkPlan)
        track(ProgressReport, exclude=("revision", "updated_at"))
        track(SupervisionMeeting)
        track(FollowUp, exclude=("updated_at",))
        track(EvaluationRound, exclude=("revision",))
        track(RubricItem)
        track(Evaluation, exclude=("revision", "updated_at"))
