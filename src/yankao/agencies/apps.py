from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "yankao.agencies"
    verbose_name = _("Agencies and people")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from yankao.audit.services import track

        from .models import Agency, User
        from .services import forget_district_offices

        track(Agency)
        track(User)
        post_save.connect(forget_district_offices, sender=Agency, dispatch_uid="district-offices")
        post_delete.connect(
            forget_district_offices, sender=Agency, dispatch_uid="district-offices-d"
        )
