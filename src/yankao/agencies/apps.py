from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "yankao.agencies"
    verbose_name = _("Agencies and people")

    def ready(self) -> None:
        from yankao.audit.services import track

        from .models import Agency, User

        track(Agency)
        track(User)
