from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "autoagenda.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from autoagenda.billing import selectors, services, slots_provider
        from autoagenda.core import slots
        from autoagenda.locations.services import register_currency_lock
        from autoagenda.workorders import events as workorder_events

        # Completing a work order issues its invoice in the same transaction (a failure refuses the completion).
        workorder_events.work_order_status_changed.subscribe(services.invoice_issue_on_completion)
        # A location that has issued an invoice keeps its currency.
        register_currency_lock(selectors.location_has_invoices)
        # The work order's page shows a link to its invoice.
        slots.register(slots_provider.WORK_ORDER_SLOT, slots_provider.invoice_links)
