"""The demo's parts and consumables: one catalogue for both workshops, priced in pesos at Providencia and in
euros at Madrid (a price per location), with stock at each, some moves and a couple of products running low.

Keyed on the SKU; stock is written through the inventory services (so the ledger and the levels agree) only for
a product that has never moved at that location, so `load_demo` stays idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from autoagenda.inventory import services
from autoagenda.inventory.models import Product, ProductPrice, StockMove, Unit
from autoagenda.site.demo.data import MADRID, PROVIDENCIA

if TYPE_CHECKING:
    from autoagenda.site.demo.loader import DemoLoader


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    unit: str
    price_clp: int
    price_eur: str
    cost_clp: int
    reorder_level: str
    # (received, then used/adjusted) at Providencia and at Madrid
    providencia: tuple[str, str]
    madrid: tuple[str, str]
    supplier: str = "Distribuidora Repuestos Sur"


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("FIL-ACE-001", "Filtro de aceite", Unit.UNIT, 8990, "9.90", 4500, "5", ("24", "-6"), ("18", "-4")),
    ProductSpec("FIL-AIR-002", "Filtro de aire", Unit.UNIT, 12990, "14.50", 6800, "4", ("12", "-9"), ("10", "-2")),
    ProductSpec("ACE-5W30", "Aceite 5W-30", Unit.LITRE, 9490, "11.90", 5200, "20", ("120", "-38.5"), ("80", "-12")),
    ProductSpec("PAS-FRE-DEL", "Pastillas de freno", Unit.UNIT, 34990, "42.00", 19000, "3", ("8", "-2"), ("6", "-4")),
    ProductSpec("LIQ-REF-G12", "Refrigerante G12", Unit.LITRE, 5990, "6.90", 2900, "10", ("40", "-4"), ("30", "-2.5")),
    ProductSpec("BUJ-IRI-4", "Bujía de iridio", Unit.UNIT, 11990, "13.90", 6100, "8", ("32", "-4"), ("16", "-10")),
    ProductSpec("CAB-BAT-1", "Cable de batería", Unit.METRE, 3990, "4.60", 1700, "5", ("25", "-21.25"), ("15", "-1")),
)  # fmt: skip

MANAGERS = {PROVIDENCIA: "gerente.providencia", MADRID: "gerente.madrid"}


def load_inventory(loader: DemoLoader) -> None:
    providencia, madrid = loader.locations[PROVIDENCIA], loader.locations[MADRID]
    managers = {
        name: next(u for email, u in loader.users.items() if email.startswith(prefix + "@"))
        for name, prefix in MANAGERS.items()
    }
    for spec in PRODUCTS:
        product, created = loader.upsert(
            Product,
            {"sku": spec.sku},
            {
                "name": spec.name,
                "unit": spec.unit,
                "price": Decimal(spec.price_clp),
                "cost_price": Decimal(spec.cost_clp),
                "currency": providencia.currency,
                "tax_rate": providencia.standard_tax_rate,
                "reorder_level": Decimal(spec.reorder_level),
            },
        )
        if created:
            product.locations.set([providencia, madrid])
        loader.upsert(
            ProductPrice,
            {"product": product, "location": madrid},
            {"price": Decimal(spec.price_eur), "tax_rate": madrid.standard_tax_rate},
        )
        for location, (received, change) in ((providencia, spec.providencia), (madrid, spec.madrid)):
            if StockMove.objects.filter(product=product, location=location).exists():
                continue
            actor = managers[location.name]
            cost = Decimal(spec.cost_clp) if location.currency == "CLP" else Decimal(spec.price_eur) / 2
            services.stock_receive(
                actor=actor, product=product, location=location, quantity=received, supplier=spec.supplier,
                unit_cost=cost.quantize(Decimal(1).scaleb(-location.decimals)),
            )  # fmt: skip
            services.stock_adjust(
                actor=actor, product=product, location=location, quantity=change, note="Conteo de inventario"
            )
            loader.created["stock move"] = loader.created.get("stock move", 0) + 2
