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

        # The answering index is rebuilt when the published entries or the synonyms change.
        from . import retrieval
        from .services.faq import faq_changed

        faq_changed.connect(retrieval.invalidate, dispatch_uid="assistant-retrieval-invalidate")

        # Intake feedback keeps the active model and the category codes per process.
        from django.db.models.signals import post_delete, post_save

        from yankao.cases.models import Category

        from .models import CategoryAlias, SuggestionModel
        from .services.suggestion import forget_intake_cache

        for model in (SuggestionModel, Category, CategoryAlias):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_intake_cache,
                    sender=model,
                    dispatch_uid=f"assistant-intake-cache-{signal is post_save}-{model.__name__}",
                )

        import datetime as dt

        from django.conf import settings

        from yankao.core.services import register_periodic

        register_periodic("yankao.assistant.tasks.mine_faq_candidates", dt.timedelta(days=1))
        register_periodic(
            "yankao.assistant.tasks.fill_suggestion_feedback",
            dt.timedelta(minutes=max(1, settings.YANKAO_SUGGEST_FEEDBACK_MINUTES)),
        )
        if settings.YANKAO_SUGGEST_RETRAIN_DAYS > 0:
            register_periodic(
                "yankao.assistant.tasks.train_suggestion_model",
                dt.timedelta(days=settings.YANKAO_SUGGEST_RETRAIN_DAYS),
            )
