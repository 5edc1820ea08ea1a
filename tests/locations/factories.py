"""Factories of the locations app: locations (with their weekly hours) and closures."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from autoagenda.locations.models import Closure, Location, OpeningHours


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Taller {n}")
    address = factory.Sequence(lambda n: f"Av. Siempre Viva {n}")
    timezone = "America/Santiago"
    country = "CL"
    slot_minutes = 30
    min_notice_minutes = 60
    booking_horizon_days = 60
    cancellation_window_minutes = 120

    @factory.post_generation
    def hours(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Monday–Friday 09:00–13:00 and 14:00–18:00 unless `hours=[]` is given."""
        if not create:
            return
        plan = (
            extracted
            if extracted is not None
            else [(day, start, end) for day in range(1, 6) for start, end in ((540, 780), (840, 1080))]
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(location=self, weekday=d, start_minute=s, end_minute=e) for d, s, e in plan
        )


class ClosureFactory(DjangoModelFactory):  # pass start= and end= (aware datetimes)
    class Meta:
        model = Closure

    location = factory.SubFactory(LocationFactory)
    reason = "Inventario"
