from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositsConfig(AppConfig):
    name = "autoagenda.deposits"
    label = "deposits"
    verbose_name = _("Deposits")

    def ready(self) -> None:
        from datetime import timedelta

        from autoagenda.core import slots, sweeps
        from autoagenda.deposits import panels, services
        from autoagenda.scheduling import events as scheduling_events

        # A client's booking that waits for its deposit gets its Deposit row in the booking's transaction; one
        # cancelled before it was paid stops waiting.
        scheduling_events.appointment_booked.subscribe(services.deposit_open_for_booking)
        scheduling_events.appointment_cancelled.subscribe(services.deposit_close_for_cancelled)
        # Unpaid bookings past their hold give their slot back (the worker runs it about every minute).
        sweeps.register("deposits-release-unpaid", every=timedelta(minutes=1), fn=services.release_unpaid)
        # The deposit's state and the pay button on scheduling's appointment pages.
        slots.register("scheduling.booking_appointment", panels.booking_panel)
        slots.register("scheduling.appointment", panels.staff_panel)
