from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yankao.cases"
    verbose_name = _("Citizen service")

    def ready(self) -> None:
        from yankao.attachments.services import register_owner
        from yankao.audit.services import track

        from .models import ApiClient, Case, Category

        register_owner(Case)  # letters and faxes carry their scans; photos of hazards
        track(Category)
        track(ApiClient, exclude=("key_hash",))
