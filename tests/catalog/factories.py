"""Factories of the catalog: services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from autoagenda.catalog.models import Service


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Servicio {n}")
    duration_minutes = 60
    buffer_minutes = 0
    price = Decimal("25000")
    tax_rate = Decimal("19")
    requires_mechanic = True

    @factory.post_generation
    def locations(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.locations.set(extracted)

    @factory.post_generation
    def mechanics(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.mechanics.set(extracted)
