"""Factories of the accounts app: people, staff memberships, professional applications, served clients."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from autoagenda.accounts.models import Role, StaffMembership, User
from tests.locations.factories import LocationFactory

PASSWORD = "correct-horse-battery-9"


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


class ProfessionalApplicationFactory(DjangoModelFactory):  # accounts (h1): a client's request to work as a mechanic
    class Meta:
        model = "accounts.ProfessionalApplication"

    user = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    message = "Diez años de experiencia en frenos y suspensión."


class ClientLocationFactory(DjangoModelFactory):
    """`location` serves `client`: its staff see the client's profile, vehicles and history."""

    class Meta:
        model = "accounts.ClientLocation"
        django_get_or_create = ("client", "location")

    client = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    source = "booking"
