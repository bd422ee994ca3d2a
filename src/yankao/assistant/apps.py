from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "yankao.assistant"
    verbose_name = _("Assistant")

    def ready(self) -> None:
        from yankao.audit.services import track

        from .models import FaqCandidate, FaqEntry, Synonym

        track(FaqEntry, exclude=("views", "helpful", "unhelpful", "updated_at"))
        track(Synonym)
        track(FaqCandidate)
