from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "yankao.workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from yankao.audit.services import track

        from .models import DeclaredDay

        # A declared day moves deadlines across the city: every edit must be traceable.
        track(DeclaredDay)
