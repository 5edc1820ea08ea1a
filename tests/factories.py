"""Factories for every model; tests build data only through these."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from autoagenda.accounts.models import Role, StaffMembership, User
from autoagenda.catalog.models import Service
from autoagenda.customers.models import Vehicle
from autoagenda.locations.models import Closure, Location, OpeningHours
from autoagenda.scheduling.models import TimeOff, WorkingHours

PASSWORD = "correct-horse-battery-9"


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


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name", locale="es_ES")
    last_name = factory.Faker("last_name", locale="es_ES")
    phone = factory.Sequence(lambda n: f"+5691234{n:04d}")
    role = Role.CLIENT
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    """A staff member; `location=` adds the membership in the user's role."""

    role = Role.MECHANIC

    @factory.post_generation
    def location(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not None and self.role != Role.ADMIN:
            locations = extracted if isinstance(extracted, list | tuple) else [extracted]
            for loc in locations:
                StaffMembership.objects.create(user=self, location=loc, role=self.role)


class AdminFactory(UserFactory):
    role = Role.ADMIN


class ClosureFactory(DjangoModelFactory):  # pass start= and end= (aware datetimes)
    class Meta:
        model = Closure

    location = factory.SubFactory(LocationFactory)
    reason = "Inventario"


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


class VehicleFactory(DjangoModelFactory):
    class Meta:
        model = Vehicle

    owner = factory.SubFactory(UserFactory)
    make = "Toyota"
    model = "Yaris"
    year = 2018
    plate = factory.Sequence(lambda n: f"ABCD{n:02d}")
    mileage = 85000


class WorkingHoursFactory(DjangoModelFactory):
    class Meta:
        model = WorkingHours

    weekday = 1
    start_minute = 540
    end_minute = 1080


class TimeOffFactory(DjangoModelFactory):
    class Meta:
        model = TimeOff

    reason = "Vacaciones"


class ProfessionalApplicationFactory(DjangoModelFactory):  # accounts (h1): a client's request to work as a mechanic
    class Meta:
        model = "accounts.ProfessionalApplication"

    user = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    message = "Diez años de experiencia en frenos y suspensión."


# --- Scheduling: appointments (booking) ---------------------------------------


def _utc(value: Any) -> Any:
    return value.astimezone(UTC)


class AppointmentFactory(DjangoModelFactory):
    """An appointment whose derived fields agree with `start` (pass an aware datetime).

    end = start + duration on the UTC timeline, occupied_until = end + buffer,
    local_date/local_hour from start in the location's zone; duration and buffer
    come from the service unless given. No lock, no re-check: tests build the
    situation the services must then respect.
    """

    class Meta:
        model = "scheduling.Appointment"

    location = factory.SubFactory(LocationFactory)
    service = factory.SubFactory(ServiceFactory)
    client = factory.SubFactory(UserFactory)
    mechanic = None
    status = "confirmed"
    duration_minutes = factory.LazyAttribute(lambda o: o.service.duration_minutes)
    buffer_minutes = factory.LazyAttribute(lambda o: o.service.buffer_minutes)
    end = factory.LazyAttribute(lambda o: _utc(o.start) + timedelta(minutes=o.duration_minutes))
    occupied_until = factory.LazyAttribute(lambda o: o.end + timedelta(minutes=o.buffer_minutes))
    local_date = factory.LazyAttribute(lambda o: o.start.astimezone(o.location.zone).date())
    local_hour = factory.LazyAttribute(lambda o: o.start.astimezone(o.location.zone).hour)


# --- Customers: the locations that serve a client ------------------------------------


class ClientLocationFactory(DjangoModelFactory):
    """`location` serves `client`: its staff see the client's profile, vehicles and history."""

    class Meta:
        model = "customers.ClientLocation"
        django_get_or_create = ("client", "location")

    client = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    source = "booking"


class DeliveryFactory(DjangoModelFactory):  # notifications: one outbox row
    class Meta:
        model = "notifications.Delivery"

    event_key = factory.Sequence(lambda n: f"test:event:{n}")
    channel = "email"
    recipient = factory.SubFactory(UserFactory)
    address = factory.LazyAttribute(lambda d: d.recipient.email if d.recipient else "someone@example.com")
    template = "test_message"
    context = factory.LazyFunction(dict)
    language = "en"
    send_after = factory.LazyFunction(timezone.now)


class InAppNotificationFactory(DjangoModelFactory):  # notifications: one inbox item
    class Meta:
        model = "notifications.InAppNotification"

    user = factory.SubFactory(UserFactory)
    event_key = factory.Sequence(lambda n: f"test:inapp:{n}")
    kind = "test_message"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
