from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yankao.cases"
    verbose_name = _("Citizen service")

    def ready(self) -> None:
        import datetime as dt

        from yankao.attachments.services import register_owner
        from yankao.audit.services import track
        from yankao.core.services import register_periodic

        from .models import ApiClient, Case, Category

        register_periodic("yankao.cases.tasks.send_deadline_reminders", dt.timedelta(minutes=15))
        register_periodic("yankao.cases.tasks.build_case_month_figures", dt.timedelta(hours=1))
        register_owner(Case)  # letters and faxes carry their scans; photos of hazards
        track(Category)

        # Intake keeps the categories (with their agencies) per process.
        from django.db.models.signals import post_delete, post_save

        from yankao.agencies.models import Agency

        from .services import forget_categories

        for model in (Category, Agency):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_categories,
                    sender=model,
                    dispatch_uid=f"cases-categories-{signal is post_save}-{model.__name__}",
                )
        track(ApiClient, exclude=("key_hash",))
