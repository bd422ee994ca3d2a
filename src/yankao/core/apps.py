from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yankao.core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        import datetime as dt

        from .services import register_periodic

        register_periodic("yankao.core.tasks.clear_expired_sessions", dt.timedelta(hours=6))
