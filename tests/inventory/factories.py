"""Factories of inventory: products (carried at `locations`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from autoagenda.inventory.models import Product, Unit


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Repuesto {n}")
    unit = Unit.UNIT
    price = Decimal("9900")
    cost_price = Decimal("5000")
    currency = "CLP"
    tax_rate = Decimal("19")
    reorder_level = Decimal("2")

    @factory.post_generation
    def locations(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.locations.set(extracted)
