from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "autoagenda.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from autoagenda.notifications import sweeps

        sweeps.register_builtin()
        from autoagenda.notifications import subscribers_workorders

        subscribers_workorders.subscribe()
