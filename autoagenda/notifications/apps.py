from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "autoagenda.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from autoagenda.notifications import subscribers, sweeps

        sweeps.register_builtin()
        # Bookings, walk-in tickets, applications, stock moves and work orders write their messages in their own
        # transactions.
        subscribers.connect()
