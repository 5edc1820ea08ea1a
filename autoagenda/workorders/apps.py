from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "autoagenda.workorders"
    label = "workorders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        # The work-order buttons on the appointment panel and the desk's ticket (core/slots.py).
        from autoagenda.workorders import panels

        panels.register()
