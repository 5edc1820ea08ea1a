from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "autoagenda.scheduling"
    label = "scheduling"
    verbose_name = _("scheduling".capitalize())

    def ready(self) -> None:
        from autoagenda.scheduling import freshness

        freshness.connect()
