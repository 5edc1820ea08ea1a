from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "autoagenda.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from autoagenda.inventory import selectors
        from autoagenda.locations.services import register_currency_lock

        # A location that has received stock at a cost keeps its currency (billing adds: has invoices).
        register_currency_lock(selectors.location_has_priced_moves)
