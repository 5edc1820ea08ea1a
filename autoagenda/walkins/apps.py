from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkinsConfig(AppConfig):
    name = "autoagenda.walkins"
    label = "walkins"
    verbose_name = _("Walk-in queue")

    def ready(self) -> None:
        from autoagenda.scheduling import events as scheduling_events
        from autoagenda.walkins import services

        # A checked-in booked client joins the queue of their service, in scheduling's transaction.
        scheduling_events.appointment_status_changed.subscribe(services.queue_checked_in_client)
