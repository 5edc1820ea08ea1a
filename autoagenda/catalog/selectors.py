"""Reads of the catalog, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import is_admin
from autoagenda.catalog.models import Service, ServicePrice
from autoagenda.catalog.permissions import can_create_services, services_visible_to
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_managed_by


def services_for(user: Any, *, location_id: int | None = None) -> QuerySet[Service]:
    """The services `user` may see, with their locations and mechanics loaded (ids only)."""
    qs = services_visible_to(user)
    if location_id is not None:
        qs = qs.filter(locations__id=location_id)
    return qs.prefetch_related(
        Prefetch("locations", queryset=Location.objects.only("id", "name").order_by("name", "id")),
        Prefetch("mechanics", queryset=User.objects.only("id", "first_name", "last_name", "email").order_by("id")),
        Prefetch("prices", queryset=ServicePrice.objects.select_related("location")),
    ).order_by("name", "id")


@dataclass(frozen=True)
class Price:
    """An amount and its currency (never added to an amount in another currency), and the tax rate (%) charged
    on it there."""

    amount: Decimal
    currency: str
    tax_rate: Decimal


def service_price_at(service: Service, location: Location) -> Price | None:
    """What the service costs at `location`, in its currency, and its tax rate there; None when it has no price
    there.

    Reads `service.prices` (prefetch it for lists): the location's own price (and rate, if it has one) first,
    else the service's price when it is in the location's currency.
    """
    for row in service.prices.all():
        if row.location_id == location.pk:
            return Price(row.price, location.currency, service.tax_rate if row.tax_rate is None else row.tax_rate)
    if service.currency in ("", location.currency):
        return Price(service.price, location.currency, service.tax_rate)
    return None


@dataclass(frozen=True)
class ServiceRow:
    service: Service
    can_edit: bool


def service_rows_for(user: Any, *, location_id: int | None = None) -> list[ServiceRow]:
    """The catalog table: each service with whether `user` may edit it, in a fixed number of queries."""
    services = list(services_for(user, location_id=location_id))
    if is_admin(user):
        return [ServiceRow(service, True) for service in services]
    if not can_create_services(user):
        return [ServiceRow(service, False) for service in services]
    managed = set(locations_managed_by(user).values_list("id", flat=True))
    return [ServiceRow(s, {loc.pk for loc in s.locations.all()} <= managed) for s in services]


def locations_for_services(user: Any) -> QuerySet[Location]:
    """Where `user` may offer services: every location for admins, the managed ones for managers."""
    if not can_create_services(user):
        return Location.objects.none()
    return locations_managed_by(user).order_by("name", "id")


def mechanics_at(locations: QuerySet[Location] | list[Location]) -> QuerySet[User]:
    """Active mechanics with a membership at any of `locations`."""
    return (
        User.objects.filter(
            role=Role.MECHANIC,
            is_active=True,
            memberships__location__in=locations,
            memberships__role=Role.MECHANIC,
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )
