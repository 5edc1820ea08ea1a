"""Reads of clients and their vehicles, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace

from autoagenda.accounts.models import Role, User
from autoagenda.customers.identifiers import (
    PHONE_SEPARATORS,
    is_plate,
    normalize_email,
    normalize_phone,
    normalize_plate,
)
from autoagenda.customers.models import Vehicle
from autoagenda.customers.permissions import vehicles_visible_to
from autoagenda.locations.models import Location, Sector

VEHICLES_ENABLED_KEY = "customers:vehicle-features-enabled"
# A safety net for writes that send no signal (a bulk `update()`, which the code never does to locations).
VEHICLES_ENABLED_SECONDS = 300


def vehicle_features_enabled(*, cached: bool = False) -> bool:
    """Vehicle pages exist only while some active location is an automotive workshop.

    The pages and the API ask the database (one query). The navigation asks on every page, so it passes
    `cached=True`: the answer is kept in the cache (with Redis, shared by every process) until a location is
    saved or deleted, which `forget_vehicle_features` (connected in apps.py) answers at once and again after
    commit, so a reader between the two cannot keep the old answer.
    """
    if not cached:
        return Location.objects.filter(is_active=True, sector=Sector.AUTOMOTIVE).exists()
    enabled: bool | None = cache.get(VEHICLES_ENABLED_KEY)
    if enabled is None:
        enabled = vehicle_features_enabled()
        cache.set(VEHICLES_ENABLED_KEY, enabled, VEHICLES_ENABLED_SECONDS)
    return enabled


def forget_vehicle_features(sender: Any = None, **kwargs: Any) -> None:
    """A location changed: whether vehicles are enabled is read again (post_save/post_delete of Location)."""
    cache.delete(VEHICLES_ENABLED_KEY)
    transaction.on_commit(lambda: cache.delete(VEHICLES_ENABLED_KEY))


def vehicles_for(
    user: Any,
    *,
    owner_id: int | None = None,
    plate: str | None = None,
    query: str | None = None,
    archived: bool | None = None,
) -> QuerySet[Vehicle]:
    """The vehicles `user` may see, optionally by owner, by (part of a) plate, by a free-text search, or
    only the archived (`archived=True`) or the bookable ones (`archived=False`)."""
    qs = vehicles_visible_to(user).select_related("owner")
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if plate:
        qs = qs.filter(plate__contains=normalize_plate(plate))
    if query:
        words = query.split()
        for word in words[:5]:
            qs = qs.filter(
                Q(plate__contains=normalize_plate(word))
                | Q(make__icontains=word)
                | Q(model__icontains=word)
                | Q(vin__icontains=word)
                | Q(owner__email__icontains=word)
                | Q(owner__first_name__icontains=word)
                | Q(owner__last_name__icontains=word)
            )
    return qs.order_by("plate", "id")


def vehicle_has_history(vehicle: Vehicle) -> bool:
    """Appointments (later, work orders) point at it: it may be archived, never deleted."""
    return vehicle.appointments.exists()


def bookable_vehicles_of(user: Any, owner_id: int) -> QuerySet[Vehicle]:
    """The vehicles a booking for `owner_id` may name: visible to `user` and not archived."""
    return vehicles_for(user, owner_id=owner_id, archived=False)


def _stripped_phone() -> Any:
    expression: Any = F("phone")
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def clients_by_exact_identifier(identifier: str) -> QuerySet[User]:
    """Active clients named exactly by `identifier`, wherever they are served: the whole email (any case),
    the whole phone number in E.164 (separators ignored on both sides), or a vehicle's exact plate.

    Anything else (part of a name, of a phone, of a plate) names nobody here: partial searches only look
    among the clients the searcher already sees.
    """
    clients = User.objects.filter(role=Role.CLIENT, is_active=True)
    condition = Q()
    if email := normalize_email(identifier):
        condition |= Q(email__iexact=email)
    if phone := normalize_phone(identifier):
        clients = clients.alias(stripped_phone=_stripped_phone())
        condition |= Q(stripped_phone=phone)
    plate = normalize_plate(identifier)
    if is_plate(plate) and not email:
        plated = Vehicle.objects.filter(plate=plate, archived_at__isnull=True).values("owner_id")
        condition |= Q(id__in=plated)
    if not condition:
        return clients.none()
    return clients.filter(condition)
