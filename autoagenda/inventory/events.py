"""What inventory tells the apps above it (core/events.py; CONTRIBUTING.md, "Cross-app effects").

`stock_level_crossed` is sent by every move that takes a product's on-hand quantity at a location from above its
reorder level to at or below it (notifications alerts the location's managers), inside the move's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from autoagenda.core.events import Event
from autoagenda.inventory.models import Product, StockMove
from autoagenda.locations.models import Location


@dataclass(frozen=True)
class StockLevelCrossed:
    product: Product
    location: Location
    move: StockMove  # the move that crossed it
    before: Decimal
    after: Decimal
    reorder_level: Decimal


stock_level_crossed: Event[StockLevelCrossed] = Event("inventory.stock_level_crossed")
