"""Factories of the customers app: vehicles."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from autoagenda.customers.models import Vehicle
from tests.accounts.factories import UserFactory


class VehicleFactory(DjangoModelFactory):
    class Meta:
        model = Vehicle

    owner = factory.SubFactory(UserFactory)
    make = "Toyota"
    model = "Yaris"
    year = 2018
    plate = factory.Sequence(lambda n: f"ABCD{n:02d}")
    mileage = 85000
